import FuzzSupport
import CIMGeometry

/// libFuzzer entry: any bytes as WKB into a GeometryColumn (``GeometryColumn/appendWKB(_:)``). Errors are
/// fine; a crash, a hang or a memory error is a finding. An accepted geometry must be readable again from
/// the WKB the column writes for it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWKB(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data = bytes else { return 0 }
    var column = GeometryColumn()
    guard (try? column.appendWKB(UnsafeRawBufferPointer(start: data, count: size))) != nil else { return 0 }
    var written: [UInt8] = []
    column.appendWKB(of: 0, to: &written)
    var again = GeometryColumn()
    let reread = written.withUnsafeBytes { (try? again.appendWKB($0)) != nil }
    precondition(reread && again.xy.elementsEqual(column.xy, by: { $0 == $1 || ($0.isNaN && $1.isNaN) }), "WKB written for an accepted geometry does not read back the same")
    return 0
}

@main enum FuzzWKBMain {
    static func main() { runFuzzer(fuzzWKB) }
}
