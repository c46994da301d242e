import ArgumentParser
import CIMAnalysis
import CIMGeometry
import CIMStore
import Foundation

/// A `--what-if sites.gpkg[:LAYER]` file: planned facilities with a `category` field (a key, Chinese or
/// English name of the standard), read through cim's importer into a scratch store in the store's CRS
/// (reprojected, validated, repaired like any import) — the store itself is never opened for writing.
struct WhatIfSites {
    var path: String
    var layer: String?

    /// Parses `FILE[:LAYER]`.
    init(_ text: String) throws {
        if let colon = text.lastIndex(of: ":"), !text[text.index(after: colon)...].contains("/"), !FileManager.default.fileExists(atPath: text) {
            path = String(text[..<colon])
            layer = String(text[text.index(after: colon)...])
            if layer!.isEmpty { throw ValidationError("--what-if: the layer after ':' is empty in '\(text)'") }
        } else {
            path = text
        }
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("--what-if: the sites file \(path) does not exist") }
    }

    var label: String { layer.map { "\(path):\($0)" } ?? path }

    /// The sites in the store's CRS (id, category, name); a rejected site is an error naming it.
    func load(crs: CoordinateReferenceSystem?) throws -> FeatureTable {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cim-what-if-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let scratch = try openOrCreateStore(folder.appendingPathComponent("sites.gpkg").path, crs: crs)
        let report = try scratch.importLayer(ImportOptions(layer: "facilities", source: path, sourceLayer: try sourceLayer(), storeCRS: crs))
        if let rejected = report.issues.first(where: { $0.action == .rejected }) {
            throw StoreError("a planned site was rejected: \(rejected.reason)", file: path, layer: layer, feature: rejected.feature)
        }
        return try scratch.snapshot("facilities", fields: ["id", "category", "name"])
    }

    /// The layer to read: the one named, else the file's only layer (cim's own tables aside), else `sites`
    /// (what `cim plan --what-if-out` writes).
    func sourceLayer() throws -> String? {
        if let layer { return layer }
        guard path.lowercased().hasSuffix(".gpkg") else { return nil }
        let names = try openStore(path).layerNames
        if names.count == 1 { return names[0] }
        if names.contains("sites") { return "sites" }
        throw StoreError("the sites file has \(names.count) layers: name one as FILE:LAYER", file: path, hint: "layers here: \(names.joined(separator: ", "))")
    }

    /// The store's facilities with these sites added (``WhatIfFacilities``).
    func facilities(adding facilities: FeatureTable?, store: any LayerStore, standard: Standard) throws -> FeatureTable {
        let sites = try load(crs: store.crs)
        do { return try WhatIfFacilities.adding(sites, to: facilities, standard: standard, source: label) } catch let error as AnalysisError {
            throw StoreError(error.message, file: path, layer: layer, hint: error.hint)
        }
    }
}
