import CGEOS

/// The answer of a validity check: valid, or GEOS's reason and location.
public struct ValidityReport: Sendable, Equatable {
    public var isValid: Bool
    /// GEOS's reason, e.g. "Self-intersection", nil when valid.
    public var reason: String?
    /// Where the problem is, when GEOS gives a location.
    public var location: (x: Double, y: Double)? {
        get { locationX.map { ($0, locationY ?? 0) } }
        set { locationX = newValue?.x; locationY = newValue?.y }
    }
    var locationX: Double?
    var locationY: Double?

    public init(isValid: Bool, reason: String? = nil, location: (x: Double, y: Double)? = nil) {
        self.isValid = isValid
        self.reason = reason
        self.locationX = location?.x
        self.locationY = location?.y
    }

    public static func == (a: ValidityReport, b: ValidityReport) -> Bool {
        a.isValid == b.isValid && a.reason == b.reason && a.locationX == b.locationX && a.locationY == b.locationY
    }
}

extension Geometry {
    /// OGC validity (`GEOSisValid_r`).
    public func isValid() throws -> Bool {
        try context.predicate("GEOSisValid_r") { GEOSisValid_r(context.handle, handle) }
    }

    /// Validity with GEOS's reason and location (`GEOSisValidDetail_r`).
    public func validity() throws -> ValidityReport {
        context.clearError()
        var reason: UnsafeMutablePointer<CChar>?
        var location: OpaquePointer?
        let result = GEOSisValidDetail_r(context.handle, handle, 0, &reason, &location)
        if result == 2 { throw context.error("GEOSisValidDetail_r") }
        var report = ValidityReport(isValid: result == 1, reason: nil)
        if let reason {
            report.reason = String(cString: reason)
            GEOSFree_r(context.handle, reason)
        }
        if let location {
            let point = Geometry(owning: location, context: context)
            report.location = (try point.x(), try point.y())
        }
        return report
    }

    /// Repairs an invalid geometry, keeping every input vertex, with the "structure" method that gives
    /// polygons for polygonal input (`GEOSMakeValidWithParams_r`, GEOS_MAKE_VALID_STRUCTURE, collapses dropped).
    public func makeValid() throws -> Geometry {
        context.clearError()
        guard let params = GEOSMakeValidParams_create_r(context.handle) else {
            throw context.error("GEOSMakeValidParams_create_r")
        }
        defer { GEOSMakeValidParams_destroy_r(context.handle, params) }
        GEOSMakeValidParams_setMethod_r(context.handle, params, GEOS_MAKE_VALID_STRUCTURE)
        GEOSMakeValidParams_setKeepCollapsed_r(context.handle, params, 0)
        return try context.make("GEOSMakeValidWithParams_r") { GEOSMakeValidWithParams_r(context.handle, handle, params) }
    }
}
