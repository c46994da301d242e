import CIMGeometry
import CIMTables
import Foundation

extension CheckResult {
    /// The rows of `cim_check_values`: every indicator for the city (area kind "city", id "city") and for
    /// every unit of every area set; a non-computable indicator has one city row with computable 0.
    public func valueRecords() -> [CheckValueRecord] {
        var records: [CheckValueRecord] = []
        for result in indicators {
            let key = result.indicator.key
            guard let city = result.city else {
                records.append(CheckValueRecord(indicator: key, areaKind: "city", areaId: "city", areaName: nil, value: nil, numerator: nil,
                                                denominator: nil, score: nil, grade: nil, warning: nil, computable: false))
                continue
            }
            func record(_ v: IndicatorValue, kind: String, id: String, name: String?) -> CheckValueRecord {
                CheckValueRecord(indicator: key, areaKind: kind, areaId: id, areaName: name, value: v.value, numerator: v.measure.numerator,
                                 denominator: v.measure.denominator, score: v.judgement.score, grade: v.judgement.grade,
                                 warning: v.judgement.warning?.rawValue, computable: true)
            }
            records.append(record(city, kind: "city", id: "city", name: nil))
            for (s, set) in areaSets.enumerated() {
                for u in 0 ..< set.units.count {
                    records.append(record(result.areas[s][u], kind: set.kind, id: set.units.ids[u], name: set.units.names[u]))
                }
            }
        }
        return records
    }

    /// The layer `check_areas`: every unit of every area set (polygons; grid cells when the store has no
    /// areas) with kind, id, name, residents, the area's health index, and per indicator `<key>` (value),
    /// `<key>_score` and `<key>_warning`.
    public func areaLayer(name: String = "check_areas") -> FeatureTable {
        var geometries = GeometryColumn()
        var kinds: [String?] = [], ids: [String?] = [], names: [String?] = [], residents: [Double?] = [], index: [Double?] = []
        for (s, set) in areaSets.enumerated() {
            for u in 0 ..< set.units.count {
                geometries.append(set.units.geometries, feature: u)
                kinds.append(set.kind); ids.append(set.units.ids[u]); names.append(set.units.names[u])
                residents.append(set.residents[u]); index.append(areaIndex[s][u])
            }
        }
        for i in 0 ..< geometries.count where geometries.types[i] == .polygon { geometries.setType(.multiPolygon, at: i) }
        var columns = [AttributeColumn("kind", .text(kinds)), AttributeColumn("id", .text(ids)), AttributeColumn("name", .text(names)),
                       AttributeColumn("year", .integer(kinds.map { _ in Int64(options.year) })),
                       AttributeColumn("residents", .real(residents)), AttributeColumn("health_index", .real(index))]
        for result in indicators {
            var values: [Double?] = [], scores: [Double?] = [], warnings: [String?] = []
            for s in areaSets.indices {
                for u in 0 ..< areaSets[s].units.count {
                    let v = result.areas.isEmpty ? nil : result.areas[s][u]
                    values.append(v?.value); scores.append(v?.judgement.score); warnings.append(v?.judgement.warning?.rawValue)
                }
            }
            let key = result.indicator.key
            columns += [AttributeColumn(key, .real(values)), AttributeColumn("\(key)_score", .real(scores)),
                        AttributeColumn("\(key)_warning", .text(warnings))]
        }
        return FeatureTable(name: name, geometryType: .multiPolygon, geometries: geometries, columns: columns, crs: nil)
    }

    /// The per-dimension index as a JSON object text (dimension → value), for `cim_checks`.
    public var dimensionIndexJSON: String {
        let pairs = index.dimensions.map { "\"\($0.dimension)\": \($0.value.map { String(format: "%.4f", $0) } ?? "null")" }
        return "{" + pairs.joined(separator: ", ") + "}"
    }
}
