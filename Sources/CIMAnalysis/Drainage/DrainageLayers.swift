import CIMGeometry
import CIMTables

extension GapsResult {
    /// `pipe_service`: one row per building (footprint): id, use, floors, footprint_m2, floor_area_m2,
    /// residents (residential and mixed buildings only), pipe_m (service distance, null when there is no
    /// pipe), nearest_pipe (id), served (0/1: pipe_m <= radius), in_builtup (0/1), unserved (0/1: in the
    /// built-up land and not served), zone_id, district, ref_x, ref_y (the reference point).
    public func serviceLayer(name: String = "pipe_service") -> FeatureTable {
        let n = buildings.count
        let columns: [AttributeColumn] = [
            AttributeColumn("id", .text(buildings.ids)),
            AttributeColumn("use", .text(buildings.uses)),
            AttributeColumn("floors", .integer(buildings.floors.map { Int64($0) })),
            AttributeColumn("footprint_m2", .real(buildings.footprintArea)),
            AttributeColumn("floor_area_m2", .real(buildings.floorArea)),
            AttributeColumn("residents", .real(buildings.residents)),
            AttributeColumn("pipe_m", .real(service.distances.map { $0.isFinite ? $0 : nil })),
            AttributeColumn("nearest_pipe", .text(service.nearestPipe.map { $0 >= 0 ? pipes.ids[Int($0)] : nil })),
            AttributeColumn("served", .integer((0 ..< n).map { isServed($0) ? 1 : 0 })),
            AttributeColumn("in_builtup", .integer(inScope.map { $0 ? 1 : 0 })),
            AttributeColumn("unserved", .integer((0 ..< n).map { isUnserved($0) ? 1 : 0 })),
            AttributeColumn("zone_id", .text(zoneOfBuilding.map { $0 >= 0 ? zones[Int($0)].id : nil })),
            AttributeColumn("district", .text(districtOfBuilding.map { d in d >= 0 ? districts?.ids[Int(d)] : nil })),
            AttributeColumn("ref_x", .real(stride(from: 0, to: 2 * n, by: 2).map { buildings.points[$0] })),
            AttributeColumn("ref_y", .real(stride(from: 1, to: 2 * n, by: 2).map { buildings.points[$0] })),
        ]
        var footprints = buildings.geometries
        for i in 0 ..< footprints.count where footprints.types[i] == .polygon { footprints.setType(.multiPolygon, at: i) }
        return FeatureTable(name: name, geometryType: .multiPolygon, geometries: footprints, columns: columns, crs: nil)
    }

    /// `blank_zones`: one row per zone (its polygon, see ``BlankZones``), largest floor area first: id,
    /// buildings, residential_buildings, area_m2 (zone polygon), footprint_m2, floor_area_m2, residents,
    /// nearest_pipe_m (the smallest service distance of its buildings, null when there is no pipe),
    /// nearest_pipe, district, district_name.
    public func zoneLayer(name: String = "blank_zones") -> FeatureTable {
        let columns: [AttributeColumn] = [
            AttributeColumn("id", .text(zones.map(\.id))),
            AttributeColumn("buildings", .integer(zones.map { Int64($0.buildings) })),
            AttributeColumn("residential_buildings", .integer(zones.map { Int64($0.residentialBuildings) })),
            AttributeColumn("area_m2", .real(zones.map(\.area))),
            AttributeColumn("footprint_m2", .real(zones.map(\.footprintArea))),
            AttributeColumn("floor_area_m2", .real(zones.map(\.floorArea))),
            AttributeColumn("residents", .real(zones.map(\.residents))),
            AttributeColumn("nearest_pipe_m", .real(zones.map { $0.nearestPipeDistance.isFinite ? $0.nearestPipeDistance : nil })),
            AttributeColumn("nearest_pipe", .text(zones.map { $0.nearestPipe >= 0 ? pipes.ids[$0.nearestPipe] : nil })),
            AttributeColumn("district", .text(zones.map { z in z.district >= 0 ? districts?.ids[z.district] : nil })),
            AttributeColumn("district_name", .text(zones.map { z in z.district >= 0 ? districts?.names[z.district] : nil })),
        ]
        return FeatureTable(name: name, geometryType: .multiPolygon, geometries: zonePolygons, columns: columns, crs: nil)
    }

    /// `blank_areas`: one row per blank area (built-up land beyond the radius of every pipe): id, area_m2,
    /// district (by its PointOnSurface), unserved_buildings and unserved_residents (unserved buildings whose
    /// reference point lies in it).
    public func blankAreaLayer(name: String = "blank_areas") -> FeatureTable {
        let units = AreaUnits(ids: (0 ..< blankAreas.count).map { "A\($0 + 1)" }, names: Array(repeating: nil, count: blankAreas.count),
                              kind: "blank area", geometries: blankAreas.geometries, isGrid: false)
        let unserved = unservedBuildings
        var points: [Double] = []
        for b in unserved { points.append(buildings.points[2 * b]); points.append(buildings.points[2 * b + 1]) }
        let holder = units.assign(points: points)
        var counts = [Int64](repeating: 0, count: blankAreas.count)
        var residents = [Double](repeating: 0, count: blankAreas.count)
        for (k, b) in unserved.enumerated() where holder[k] >= 0 {
            counts[Int(holder[k])] += 1
            residents[Int(holder[k])] += buildings.residents[b]
        }
        let columns: [AttributeColumn] = [
            AttributeColumn("id", .text(units.ids)),
            AttributeColumn("area_m2", .real(blankAreas.areas)),
            AttributeColumn("district", .text(blankAreaDistrict.map { d in d >= 0 ? districts?.ids[Int(d)] : nil })),
            AttributeColumn("unserved_buildings", .integer(counts)),
            AttributeColumn("unserved_residents", .real(residents)),
        ]
        return FeatureTable(name: name, geometryType: .multiPolygon, geometries: blankAreas.geometries, columns: columns, crs: nil)
    }
}

extension AuditResult {
    /// `pipe_defects`: one point per defect: id (D1, D2 … in check order), type (a ``DefectType`` raw value),
    /// detail, severity (high, medium, low), pipe_ids (comma-separated), pipe_count, value, unit, x, y.
    public func defectLayer(name: String = "pipe_defects") -> FeatureTable {
        var geometries = GeometryColumn()
        for d in defects {
            geometries.beginFeature(.point)
            geometries.addRing([(d.x, d.y)])
            geometries.endPart()
            geometries.endFeature()
        }
        let columns: [AttributeColumn] = [
            AttributeColumn("id", .text(defects.indices.map { "D\($0 + 1)" })),
            AttributeColumn("type", .text(defects.map { $0.type.rawValue })),
            AttributeColumn("detail", .text(defects.map(\.detail))),
            AttributeColumn("severity", .text(defects.map { $0.severity.rawValue })),
            AttributeColumn("pipe_ids", .text(defects.map { $0.pipeIds.joined(separator: ",") })),
            AttributeColumn("pipe_count", .integer(defects.map { Int64($0.pipes.count) })),
            AttributeColumn("value", .real(defects.map(\.value))),
            AttributeColumn("unit", .text(defects.map(\.unit))),
            AttributeColumn("x", .real(defects.map(\.x))),
            AttributeColumn("y", .real(defects.map(\.y))),
        ]
        return FeatureTable(name: name, geometryType: .point, geometries: geometries, columns: columns, crs: nil)
    }
}
