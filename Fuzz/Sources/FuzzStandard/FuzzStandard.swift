import FuzzSupport
import CIMAnalysis
import Foundation

/// libFuzzer entry: any bytes as a standard file (``Standard/load(_:)``). Errors are fine; a crash is a
/// finding, and so is an accepted standard with a threshold or parameter that is not finite and positive.
let standardFile = FileManager.default.temporaryDirectory.appendingPathComponent("cim-fuzz-\(getpid())-standard.json")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStandard(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data = bytes else { return 0 }
    FileManager.default.createFile(atPath: standardFile.path, contents: Data(bytes: data, count: size))
    guard let standard = try? Standard.load(standardFile) else { return 0 }
    for category in standard.categories {
        precondition(category.thresholdMetres.isFinite && category.thresholdMetres > 0 && category.thresholdMetres <= Standard.maximumDistance)
    }
    let p = standard.parameters
    precondition([p.floorHeightMetres, p.floorAreaPerResident, p.personsPerHousehold, p.defaultCutoffMetres].allSatisfy { $0.isFinite && $0 > 0 })
    precondition(p.completeShare > 0 && p.completeShare <= 1)
    return 0
}

@main enum FuzzStandardMain {
    static func main() { runFuzzer(fuzzStandard) }
}
