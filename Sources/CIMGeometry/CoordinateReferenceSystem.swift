import CPROJ
import CIMIndex

/// A coordinate reference system, identified by the definition a user gave (an authority code such as
/// `EPSG:4548`, WKT, PROJJSON or a PROJ string) and described by PROJ.
///
/// It is a value: PROJ objects are made on demand in the caller's own context, so a CRS can be shared
/// freely across threads.
public struct CoordinateReferenceSystem: Sendable, Hashable, CustomStringConvertible {
    /// The definition as given (what PROJ's `proj_create` accepts).
    public let definition: String
    /// PROJ's name for it, e.g. "CGCS2000 / 3-degree Gauss-Kruger CM 117E".
    public let name: String
    /// True for a geographic (lon/lat, degrees) CRS.
    public let isGeographic: Bool
    /// The EPSG code when PROJ knows one (`proj_get_id_auth_name`/`proj_get_id_code`).
    public let epsgCode: Int?
    /// WKT2:2019 text (`proj_as_wkt`).
    public let wkt: String

    /// Parses a definition (`proj_create`); throws PROJ's message when it is not a CRS.
    public init(_ definition: String) throws {
        let trimmed = definition.trimmingCharacters(in: .whitespacesAndNewlines)
        let context = try PROJContext()
        guard let pj = proj_create(context.handle, trimmed) else {
            throw context.error("proj_create(\"\(trimmed.prefix(80))\")")
        }
        defer { proj_destroy(pj) }
        guard proj_is_crs(pj) != 0 else {
            throw GeometryError.proj(operation: "proj_create", message: "\"\(trimmed.prefix(80))\" is not a coordinate reference system")
        }
        self.definition = trimmed
        self.name = proj_get_name(pj).map { String(cString: $0) } ?? trimmed
        let type = proj_get_type(pj)
        self.isGeographic = type == PJ_TYPE_GEOGRAPHIC_2D_CRS || type == PJ_TYPE_GEOGRAPHIC_3D_CRS
        if let auth = proj_get_id_auth_name(pj, 0), String(cString: auth) == "EPSG",
           let code = proj_get_id_code(pj, 0) {
            self.epsgCode = Int(String(cString: code))
        } else {
            self.epsgCode = nil
        }
        self.wkt = proj_as_wkt(context.handle, pj, PJ_WKT2_2019, nil).map { String(cString: $0) } ?? ""
    }

    /// `EPSG:<code>`.
    public init(epsg: Int) throws { try self.init("EPSG:\(epsg)") }

    /// WGS 84 longitude/latitude (EPSG:4326, axis order normalised to lon, lat by the transforms).
    public static var wgs84: CoordinateReferenceSystem {
        // EPSG:4326 is in every PROJ database; failure here means PROJ is not installed correctly.
        try! CoordinateReferenceSystem(epsg: 4326)
    }

    /// The authority string when an EPSG code is known, otherwise the definition.
    public var identifier: String { epsgCode.map { "EPSG:\($0)" } ?? definition }

    public var description: String { "\(identifier) (\(name))" }

    public static func == (a: Self, b: Self) -> Bool { a.identifier == b.identifier && a.wkt == b.wkt }
    public func hash(into hasher: inout Hasher) { hasher.combine(identifier) }
}

extension CoordinateReferenceSystem {
    /// The projected metric CRS for data whose lon/lat bounds are given: for China (centre inside
    /// 73°E–135°E, 18°N–54°N) the CGCS2000 3-degree Gauss-Krüger zone whose central meridian is nearest
    /// the centre, EPSG:4534 (CM 75°E) … EPSG:4554 (CM 135°E), no zone prefix in the easting; elsewhere the
    /// WGS 84 UTM zone of the centre (EPSG:326zz north, 327zz south). The China test is a bounding box
    /// of the mainland, so it also matches a few neighbouring areas near its edges.
    public static func metricCRS(forLonLatBounds bounds: Envelope) throws -> CoordinateReferenceSystem {
        try CoordinateReferenceSystem(epsg: metricEPSG(forLonLatBounds: bounds))
    }

    /// The EPSG code chosen by ``metricCRS(forLonLatBounds:)``.
    public static func metricEPSG(forLonLatBounds bounds: Envelope) -> Int {
        let lon = (bounds.minX + bounds.maxX) / 2
        let lat = (bounds.minY + bounds.maxY) / 2
        if lon >= 73 && lon <= 135 && lat >= 18 && lat <= 54 {
            let k = Int(((lon - 75) / 3).rounded())
            return 4534 + min(max(k, 0), 20)
        }
        let zone = min(max(Int(((lon + 180) / 6).rounded(.down)) + 1, 1), 60)
        return (lat >= 0 ? 32600 : 32700) + zone
    }

    /// True when every coordinate of the bounds is a plausible longitude/latitude.
    public static func looksLikeLonLat(_ bounds: Envelope) -> Bool {
        bounds.minX >= -180 && bounds.maxX <= 180 && bounds.minY >= -90 && bounds.maxY <= 90
    }
}

/// A PROJ threading context (`proj_context_create`) with network access off; destroyed on deinit.
///
/// PROJ's error messages are logged, not returned (`proj_context_errno` of an unknown EPSG code is only
/// "Unknown error (code 4096)"), so a non-capturing log function (`proj_log_func`) keeps the last one.
final class PROJContext {
    let handle: OpaquePointer
    /// The last error message PROJ logged on this context ("" when none).
    var lastLogged = ""

    init() throws {
        guard let handle = proj_context_create() else {
            throw GeometryError.proj(operation: "proj_context_create", message: "out of memory")
        }
        self.handle = handle
        proj_context_set_enable_network(handle, 0)
        proj_log_level(handle, PJ_LOG_ERROR)
        proj_log_func(handle, Unmanaged.passUnretained(self).toOpaque()) { userdata, level, message in
            guard let userdata, let message, level == Int32(PJ_LOG_ERROR.rawValue) else { return }
            Unmanaged<PROJContext>.fromOpaque(userdata).takeUnretainedValue().lastLogged = String(cString: message)
        }
    }

    deinit { proj_context_destroy(handle) }

    func error(_ operation: String) -> GeometryError {
        let code = proj_context_errno(handle)
        var message = code == 0 ? "unknown PROJ error" : (proj_context_errno_string(handle, code).map { String(cString: $0) } ?? "error \(code)")
        // "proj_create: crs not found" says more than "Unknown error (code 4096)".
        let logged = lastLogged.hasPrefix("proj_create: ") ? String(lastLogged.dropFirst("proj_create: ".count)) : lastLogged
        if !logged.isEmpty {
            message = logged.contains(message) || code == 0 || code == 4096 ? logged : "\(logged) (\(message))"
        }
        return .proj(operation: operation, message: message)
    }
}

import Foundation
