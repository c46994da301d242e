@testable import CIMGenerate
import CIMGeometry
import CIMStore
import Foundation
import Testing

@Suite("Bundle schema")
struct SchemaTests {
    @Test("every bundle layer is written with the bundle's fields and geometry kinds, in EPSG:4548")
    func layersAndFields() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cim-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("city.gpkg").path
        try writeStore(buildings: 800, seed: 3, path: path)
        let store = try GeoPackageStore.open(path)
        #expect(store.crs?.epsgCode == 4548)
        #expect(try store.metadataValue("synthetic") == "true")
        #expect(try store.metadataValue("seed") == "3")
        for layer in BundleLayer.all {
            #expect(store.hasLayer(layer.name), "missing layer \(layer.name)")
            let fields = store.fields(layer.name)
            // Residents, households and population are a source's own figures: generated cities leave them to the estimates.
            for spec in layer.fields where !BundleLayer.sourceOnlyFields.contains(spec.name) {
                #expect(fields.contains(spec), "\(layer.name): field \(spec.name) (\(spec.type)) missing or of another type; have \(fields)")
            }
            #expect((store.featureCount(layer.name) ?? 0) > 0, "\(layer.name) is empty")
        }
        #expect(store.featureCount("buildings") == 800)
        #expect(store.geometryTypeName("buildings") == "Multi Polygon")
        #expect(store.geometryTypeName("roads") == "Line String")
        #expect(store.geometryTypeName("pipes") == "Line String")
        #expect(store.geometryTypeName("pipe_nodes") == "Point")
        // The city is centred near Jiujiang (x ≈ 500000, y ≈ 3290000).
        let extent = try #require(store.extent("buildings"))
        #expect(abs((extent.minX + extent.maxX) / 2 - 500_000) < 3000)
        #expect(abs((extent.minY + extent.maxY) / 2 - 3_290_000) < 3000)
    }

    @Test("enumerated values are bundle values; ids are unique")
    func values() throws {
        let city = Cities.small
        for layer in BundleLayer.all {
            let table = city[layer.name]
            for (field, allowed) in layer.allowedValues {
                for value in texts(table, field) { #expect(value.map { allowed.values.contains($0) } ?? false, "\(layer.name).\(field) = \(value ?? "null")") }
            }
            let ids = texts(table, "id").compactMap { $0 }
            #expect(ids.count == table.count)
            #expect(Set(ids).count == ids.count, "\(layer.name) ids are not unique")
        }
        #expect(Set(texts(city["pipes"], "kind").compactMap { $0 }) == ["sewer", "storm", "combined"])
        #expect(Set(texts(city["pipe_nodes"], "kind").compactMap { $0 }) == ["manhole", "inlet", "outfall", "plant"])
        #expect(Set(texts(city["areas"], "kind").compactMap { $0 }) == ["community", "district", "builtup"])
    }
}
