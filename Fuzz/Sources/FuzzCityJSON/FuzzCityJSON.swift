import FuzzSupport
import CIMStore
import Foundation

/// libFuzzer entry: any bytes as a CityJSON file (``CityJSONReader/readBuildings(_:sourceCRS:fieldMap:values:progress:)``).
/// Errors are fine; a crash, a hang or a memory error is a finding.
let cityJSONFile = FileManager.default.temporaryDirectory.appendingPathComponent("cim-fuzz-\(getpid()).city.json")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCityJSON(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data = bytes else { return 0 }
    FileManager.default.createFile(atPath: cityJSONFile.path, contents: Data(bytes: data, count: size))
    _ = try? CityJSONReader.readBuildings(cityJSONFile.path)
    return 0
}

@main enum FuzzCityJSONMain {
    static func main() { runFuzzer(fuzzCityJSON) }
}
