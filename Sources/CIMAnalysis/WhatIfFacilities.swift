import CIMGeometry
import CIMTables
import Foundation

/// `--what-if`: the store's facilities with planned sites added, in memory only (the store is never
/// changed). The sites' `category` may be a key, a Chinese or an English name of the standard.
public enum WhatIfFacilities {
    /// The facilities snapshot with the sites appended: every text column of `facilities` takes the sites'
    /// column of the same name (null where they have none), `category` the resolved keys. Sites without a
    /// geometry or with an unknown or missing category are refused, naming the feature.
    public static func adding(_ sites: FeatureTable, to facilities: FeatureTable?, standard: Standard, source: String) throws -> FeatureTable {
        guard let categories = sites.text("category") else {
            throw AnalysisError("\(source): the sites have no 'category' field", hint: "give every site a category of the standard, e.g. kindergarten or 幼儿园")
        }
        let ids = sites.text("id")
        var keys: [String] = []
        for i in 0 ..< sites.count {
            let label = ids?[i] ?? (sites.fids.isEmpty ? "#\(i + 1)" : "fid \(sites.fids[i])")
            guard !sites.geometries.parts(of: i).isEmpty else { throw AnalysisError("\(source): site \(label) has no geometry") }
            guard let name = categories[i], let category = standard.category(named: name) else {
                throw AnalysisError("\(source): site \(label) has \(categories[i].map { "the category '\($0)', which is not in the standard" } ?? "no category")",
                                    hint: "categories: \(standard.categories.map { "\($0.key) (\($0.nameZh))" }.joined(separator: ", "))")
            }
            keys.append(category.key)
        }
        guard sites.count > 0 else { throw AnalysisError("\(source): the sites layer is empty") }
        var base = facilities ?? FeatureTable(name: "facilities", geometryType: .point, columns: [AttributeColumn("category", .text([]))],
                                              crs: sites.crs)
        var geometries = base.geometries
        for i in 0 ..< sites.count { geometries.append(sites.geometries, feature: i) }
        base.geometries = geometries
        base.columns = try base.columns.map { column in
            guard case let .text(values) = column.values else {
                throw AnalysisError("\(source): cannot add sites to the non-text facilities field '\(column.name)'")
            }
            let added = column.name == "category" ? keys.map { Optional($0) } : (sites.text(column.name) ?? Array(repeating: nil, count: sites.count))
            return AttributeColumn(column.name, .text(values + added))
        }
        if !base.fids.isEmpty || facilities == nil {
            let next = (base.fids.max() ?? 0) + 1
            base.fids += (0 ..< Int64(sites.count)).map { next + $0 }
        }
        return base
    }
}
