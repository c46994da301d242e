import CGDAL
import Foundation

/// Decodes a source's text (field names and values) to Swift strings in the source's encoding.
///
/// - `.native`: the driver already returns UTF-8 (GeoPackage, GeoJSON, a Shapefile with a .cpg or `--encoding`).
/// - `.recode(NAME)`: the bytes are in NAME (`--encoding GBK` on a CSV) and are recoded with GDAL's `CPLRecode`.
/// - `.detect`: valid UTF-8 is taken as it is; anything else is tried as GB18030 (a superset of GBK and
///   GB2312), and `usedFallback` records that it was.
struct SourceText {
    enum Mode: Equatable { case native, recode(String), detect }
    let mode: Mode
    /// Set when `.detect` met text that is not valid UTF-8 and read it as GB18030.
    private(set) var usedFallback = false

    init(_ mode: Mode) { self.mode = mode }

    /// The encoding GDAL's `CPLRecode` uses for the text that is not valid UTF-8 in `.detect` mode.
    static let fallbackEncoding = "GB18030"

    /// Decodes a NUL-terminated string from GDAL.
    mutating func decode(_ raw: UnsafePointer<CChar>) -> String {
        switch mode {
        case .native:
            return String(cString: raw)
        case let .recode(encoding):
            return Self.recode(raw, from: encoding) ?? String(cString: raw)
        case .detect:
            if let valid = String(validatingCString: raw) { return valid }
            usedFallback = true
            return Self.recode(raw, from: Self.fallbackEncoding) ?? String(cString: raw)
        }
    }

    /// Settles `.detect` for a whole layer before it is read, since short GBK text can happen to be valid
    /// UTF-8 (住宅 is): a layer that declares UTF-8 strings (`OLCStringsAsUTF8`) is read as it is; one whose
    /// field names or first 2,000 features' text hold anything that is not valid UTF-8 is read as GB18030
    /// throughout; otherwise each value is still checked.
    mutating func settle(layer: OGRLayerH) {
        guard mode == .detect else { return }
        if OGR_L_TestCapability(layer, OLCStringsAsUTF8) != 0 { self = SourceText(.native); return }
        let definition = OGR_L_GetLayerDefn(layer)
        let count = OGR_FD_GetFieldCount(definition)
        var valid = (0 ..< count).allSatisfy { String(validatingCString: OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(definition, $0))) != nil }
        OGR_L_ResetReading(layer)
        var seen = 0
        while valid, seen < 2000, let owned = OGRFeature.next(of: layer) {
            let feature = owned.handle
            seen += 1
            for i in 0 ..< count where OGR_Fld_GetType(OGR_FD_GetFieldDefn(definition, i)) == OFTString && OGR_F_IsFieldSetAndNotNull(feature, i) != 0 {
                if String(validatingCString: OGR_F_GetFieldAsString(feature, i)) == nil { valid = false; break }
            }
        }
        OGR_L_ResetReading(layer)
        if !valid {
            self = SourceText(.recode(Self.fallbackEncoding))
            usedFallback = true
        }
    }

    /// A string field of a feature (`OGR_F_GetFieldAsString`) decoded, nil when unset or null.
    @inline(__always) mutating func field(_ feature: OGRFeatureH, _ index: Int32) -> String? {
        guard index >= 0, OGR_F_IsFieldSetAndNotNull(feature, index) != 0 else { return nil }
        return decode(OGR_F_GetFieldAsString(feature, index))
    }

    /// Recodes bytes from `encoding` to UTF-8 (`CPLRecode`, freed with `VSIFree`), nil when GDAL cannot.
    static func recode(_ raw: UnsafePointer<CChar>, from encoding: String) -> String? {
        GDAL.reset()
        let converted = CPLRecode(raw, encoding, "UTF-8")
        defer { VSIFree(converted) }
        return String(validatingCString: converted)
    }

    /// The bytes of a UTF-8 string in `encoding` (`CPLRecode`), for names GDAL matches byte for byte
    /// (CSV coordinate column names in a GBK file); nil when GDAL cannot encode it.
    static func encode(_ text: String, to encoding: String) -> String? {
        GDAL.reset()
        let converted = CPLRecode(text, "UTF-8", encoding)
        defer { VSIFree(converted) }
        return String(cString: converted)
    }

    /// Whether field names look garbled: replacement characters, or Latin-1 letters that a GBK/UTF-8 text
    /// read in the wrong encoding turns into (Ã, Â, Ö, ½ …) with no CJK character at all.
    static func looksGarbled(_ names: [String]) -> Bool {
        let text = names.joined()
        if text.contains("\u{FFFD}") { return true }
        let scalars = text.unicodeScalars
        let latin1 = scalars.filter { (0xA0 ... 0xFF).contains($0.value) }.count
        let cjk = scalars.filter { (0x4E00 ... 0x9FFF).contains($0.value) }.count
        return latin1 >= 2 && cjk == 0
    }
}
