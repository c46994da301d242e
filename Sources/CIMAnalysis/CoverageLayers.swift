import CIMGeometry
import CIMTables

extension CoverageResult {
    /// `coverage_buildings`: one row per residential building, footprint geometry, keyed by the imported
    /// `id`: use, floors, floor area, residents, `dist_<category>` (m, null beyond the cutoff),
    /// `ok_<category>` (0/1), `missing_<level>` (required categories out of reach per level),
    /// `missing_required`, `complete` (0/1), `area_id`.
    public func buildingLayer(footprints: FeatureTable, name: String = "coverage_buildings") -> FeatureTable {
        let rows = buildings.rows
        let uses = footprints.text("use") ?? []
        var columns: [AttributeColumn] = [
            AttributeColumn("id", .text(buildings.ids)),
            AttributeColumn("use", .text(rows.map { uses.indices.contains($0) ? uses[$0] : nil })),
            AttributeColumn("floors", .integer(buildings.floors.map { Int64($0) })),
            AttributeColumn("footprint_m2", .realOrNaN(buildings.footprintArea)),
            AttributeColumn("floor_area_m2", .realOrNaN(buildings.floorArea)),
            AttributeColumn("residents", .realOrNaN(buildings.residents)),
        ]
        for (c, category) in categories.enumerated() {
            columns.append(AttributeColumn("dist_\(category.key)", .realOrNaN(distances[c])))
        }
        for (c, category) in categories.enumerated() {
            columns.append(AttributeColumn("ok_\(category.key)", .flag((0 ..< buildings.count).map { inReach(c, $0) })))
        }
        for level in standard.levels where categories.contains(where: { $0.level == level.key && $0.required }) {
            columns.append(AttributeColumn("missing_\(level.key)", .integer(missingByLevel[level.key]!.map { Int64($0) })))
        }
        columns.append(AttributeColumn("missing_required", .integer(missingRequired.map { Int64($0) })))
        columns.append(AttributeColumn("complete", .flag(complete)))
        columns.append(AttributeColumn("area_id", .text(unitOfBuilding.map { $0 >= 0 ? units.ids[Int($0)] : nil })))
        if let network {
            columns.append(AttributeColumn("access_m", .realOrNaN(network.access)))
            columns.append(AttributeColumn("off_network", .flag(network.offNetwork)))
            columns.append(AttributeColumn("small_component", .flag(network.smallComponent)))
            columns.append(AttributeColumn("detour", .realOrNaN(network.detour)))
        }
        columns.append(AttributeColumn("ref_x", .realOrNaN(stride(from: 0, to: buildings.points.count, by: 2).map { buildings.points[$0] })))
        columns.append(AttributeColumn("ref_y", .realOrNaN(stride(from: 1, to: buildings.points.count, by: 2).map { buildings.points[$0] })))
        return FeatureTable(name: name, geometryType: .multiPolygon, geometries: footprints.geometries.subset(rows), columns: columns, crs: footprints.crs)
    }

    /// `coverage_areas`: one row per area (or grid cell) with residential buildings: buildings, residents,
    /// `bcov_<category>` and `rcov_<category>` (coverage by buildings and by residents, %), `missing`
    /// (the required categories below the complete share), `complete` (0/1).
    public func areaLayer(name: String = "coverage_areas") -> FeatureTable {
        let kept = areas.filter { $0.buildings > 0 }
        var columns: [AttributeColumn] = [
            AttributeColumn("id", .text(kept.map(\.id))),
            AttributeColumn("name", .text(kept.map(\.name))),
            AttributeColumn("kind", .text(kept.map { _ in units.kind })),
            AttributeColumn("buildings", .integer(kept.map { Int64($0.buildings) })),
            AttributeColumn("residents", .real(kept.map(\.residents))),
        ]
        for (c, category) in categories.enumerated() {
            columns.append(AttributeColumn("bcov_\(category.key)", .real(kept.map { $0.buildingRate(c) * 100 })))
        }
        for (c, category) in categories.enumerated() {
            columns.append(AttributeColumn("rcov_\(category.key)", .real(kept.map { $0.residentRate(c) * 100 })))
        }
        columns.append(AttributeColumn("missing_count", .integer(kept.map { Int64($0.missing.count) })))
        columns.append(AttributeColumn("missing", .text(kept.map { $0.missing.joined(separator: ",") })))
        columns.append(AttributeColumn("complete", .integer(kept.map { $0.complete ? 1 : 0 })))
        if let network {
            columns.append(AttributeColumn("detour", .real(kept.map { network.areaDetour[$0.index].isNaN ? nil : network.areaDetour[$0.index] })))
        }
        var geometries = units.geometries.subset(kept.map(\.index))
        for i in 0 ..< geometries.count where geometries.types[i] == .polygon { geometries.setType(.multiPolygon, at: i) }
        return FeatureTable(name: name, geometryType: .multiPolygon, geometries: geometries, columns: columns, crs: nil)
    }
}
