import CIMTables
extension PostGISStore {
    /// Writes a layer's field aliases as column comments (`COMMENT ON COLUMN`, "中文名 / English name", which
    /// QGIS shows with the field) and its styles into `public.layer_styles`, the table QGIS itself reads and
    /// writes for PostgreSQL layers (created as QGIS creates it when missing), replacing the layer's previous
    /// rows, in one transaction. Statements whose text must hold values (COMMENT takes no parameters) are
    /// built by the server's own `format('%I … %L')` from bound parameters.
    public func writeQGISMetadata(layer: String, aliases: [FieldAlias], styles: [LayerStyle]) throws {
        guard hasLayer(layer) else { throw StoreError("no such layer", file: address, layer: layer) }
        try ensureLayerStylesTable()
        try connection.transaction(what: "cannot write the layer's QGIS metadata", layer: layer) {
            try writeQGISMetadataInTransaction(layer: layer, aliases: aliases, styles: styles)
        }
    }

    /// Creates `public.layer_styles` as QGIS creates it when it is missing, in its own short transaction
    /// (serialised by an advisory lock, since two cities' writers may race to create it), so that the
    /// layers' write transactions only touch their own rows of it and never wait for each other.
    func ensureLayerStylesTable() throws {
        let what = "cannot write the layer's QGIS metadata"
        try connection.transaction(what: what, layer: nil) {
            try connection.execute("SELECT pg_advisory_xact_lock(hashtext('cim layer_styles'))", what: what, layer: nil)
            try connection.execute("""
                CREATE TABLE IF NOT EXISTS public.layer_styles (id SERIAL PRIMARY KEY, f_table_catalog varchar, f_table_schema varchar,
                f_table_name varchar, f_geometry_column varchar, styleName text, styleQML xml, styleSLD xml, useAsDefault boolean,
                description text, owner varchar(63) DEFAULT CURRENT_USER, ui xml, update_time timestamp DEFAULT CURRENT_TIMESTAMP, type varchar)
                """, what: what, layer: nil)
        }
    }

    /// The body of ``writeQGISMetadata(layer:aliases:styles:)`` inside the caller's transaction (the layer
    /// write's, when a ``FeatureTable`` carries its ``FeatureTable/presentation``); `public.layer_styles` must
    /// exist (``ensureLayerStylesTable()``).
    func writeQGISMetadataInTransaction(layer: String, aliases: [FieldAlias], styles: [LayerStyle]) throws {
        let have = Set(fields(layer).map(\.name))
        let geometryColumnName = try geometryColumn(layer)?.name
        let what = "cannot write the layer's QGIS metadata"
        for alias in aliases where have.contains(alias.column) {
            guard let statement = try connection.scalar("SELECT format('COMMENT ON COLUMN %I.%I.%I IS %L', $1::text, $2::text, $3::text, $4::text)",
                                                        [schema, layer, alias.column, "\(alias.titleZh) / \(alias.titleEn)"], what: what, layer: layer) else { continue }
            try connection.execute(statement, what: what, layer: layer)
        }
        try connection.execute("DELETE FROM public.layer_styles WHERE f_table_catalog = current_database() AND f_table_schema = $1 AND f_table_name = $2",
                               [schema, layer], what: what, layer: layer)
        let hasType = try connection.scalar("""
            SELECT 1 FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'layer_styles' AND column_name = 'type'
            """, what: what, layer: layer) != nil
        for style in styles {
            try connection.execute("""
                INSERT INTO public.layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, stylename, styleqml, useasdefault,
                description\(hasType ? ", type" : "")) VALUES (current_database(), $1, $2, $3, $4, XMLPARSE(DOCUMENT $5), $6::boolean, $7\(hasType ? ", 'vector'" : ""))
                """, [schema, layer, geometryColumnName ?? "geom", style.name, style.qml, style.isDefault ? "true" : "false", style.description],
                what: what, layer: layer)
        }
    }
}
