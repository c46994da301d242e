import CPROJ

extension CoordinateReferenceSystem {
    /// The horizontal CRS of a compound CRS, e.g. EPSG:7415 (Amersfoort / RD New + NAP height) →
    /// EPSG:28992 (`proj_crs_get_sub_crs` index 0, through `proj_get_source_crs` for a bound CRS); the
    /// CRS itself when it is not compound. The result is identified by its EPSG code when PROJ knows one,
    /// by its WKT otherwise.
    public func horizontalComponent() throws -> CoordinateReferenceSystem {
        let context = try PROJContext()
        guard let pj = proj_create(context.handle, definition) else { throw context.error("proj_create(\"\(definition.prefix(80))\")") }
        defer { proj_destroy(pj) }
        var current = pj
        var owned: [OpaquePointer] = []
        defer { for p in owned { proj_destroy(p) } }
        if proj_get_type(current) == PJ_TYPE_BOUND_CRS {
            guard let source = proj_get_source_crs(context.handle, current) else { throw context.error("proj_get_source_crs") }
            owned.append(source)
            current = source
        }
        guard proj_get_type(current) == PJ_TYPE_COMPOUND_CRS else { return self }
        guard let horizontal = proj_crs_get_sub_crs(context.handle, current, 0) else { throw context.error("proj_crs_get_sub_crs") }
        owned.append(horizontal)
        if let auth = proj_get_id_auth_name(horizontal, 0), let code = proj_get_id_code(horizontal, 0) {
            return try CoordinateReferenceSystem("\(String(cString: auth)):\(String(cString: code))")
        }
        guard let wkt = proj_as_wkt(context.handle, horizontal, PJ_WKT2_2019, nil) else { throw context.error("proj_as_wkt") }
        return try CoordinateReferenceSystem(String(cString: wkt))
    }
}
