import FuzzSupport
import CIMGeometry
import CIMStore
import Foundation

/// libFuzzer entry: any bytes as a CSV source imported into the facilities layer of a store
/// (``LayerStore/importLayer(_:progress:)`` on a ``GeoPackageStore``, GDAL's CSV driver with x/y or WKT columns). Errors are fine; a
/// crash is a finding, and so is an imported feature with a coordinate that is not finite.
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cim-fuzz-csv-\(getpid())")
let csvFile = folder.appendingPathComponent("facilities.csv")
/// The store every input is imported into. `nonisolated(unsafe)` is safe here: libFuzzer calls the entry
/// point on one thread, one input at a time, and nothing else uses the store.
nonisolated(unsafe) let store: GeoPackageStore = {
    try? FileManager.default.removeItem(at: folder)
    try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return try! GeoPackageStore.openOrCreate(folder.appendingPathComponent("fuzz.gpkg").path, crs: CoordinateReferenceSystem(epsg: 4548))
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVImport(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data = bytes else { return 0 }
    _ = FileManager.default.createFile(atPath: csvFile.path, contents: Data(bytes: data, count: size))
    var options = ImportOptions(layer: "facilities", source: csvFile.path)
    options.sourceCRS = try? CoordinateReferenceSystem(epsg: 4548)
    guard (try? store.importLayer(options)) != nil, let table = try? store.snapshot("facilities") else { return 0 }
    precondition(table.geometries.xy.allSatisfy { $0.isFinite }, "an imported facility has a coordinate that is not finite")
    return 0
}

@main enum FuzzCSVImportMain {
    static func main() { runFuzzer(fuzzCSVImport) }
}
