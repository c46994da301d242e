import CIMTables
import Foundation

extension GeoPackageStore {
    /// Writes a layer's field aliases into `gpkg_data_columns` (registering the `gpkg_schema` extension in
    /// `gpkg_extensions`) and its styles into `layer_styles` (the table QGIS reads and writes: f_table_name,
    /// f_geometry_column, styleName, styleQML, styleSLD, useAsDefault …), replacing the layer's previous rows,
    /// in one transaction (`GDALDatasetExecuteSQL` on the GeoPackage).
    public func writeQGISMetadata(layer: String, aliases: [FieldAlias], styles: [LayerStyle]) throws {
        guard hasLayer(layer) else { throw StoreError("no such layer", file: path, layer: layer) }
        try dataset.startTransaction()
        do {
            try writeQGISMetadataInTransaction(layer: layer, aliases: aliases, styles: styles)
            try dataset.commit()
        } catch {
            dataset.rollback()
            throw error
        }
    }

    /// The body of ``writeQGISMetadata(layer:aliases:styles:)`` inside the caller's transaction (the layer
    /// write's, when a ``FeatureTable`` carries its ``FeatureTable/presentation``).
    func writeQGISMetadataInTransaction(layer: String, aliases: [FieldAlias], styles: [LayerStyle]) throws {
        let have = Set(fields(layer).map(\.name))
        let geometryColumn = try geometryColumn(layer)
        try dataset.execute("""
        CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, name TEXT, title TEXT, \
        description TEXT, mime_type TEXT, constraint_name TEXT, CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name), \
        CONSTRAINT gdc_tn UNIQUE (table_name, name))
        """)
        try dataset.execute("""
        INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) SELECT 'gpkg_data_columns', NULL, \
        'gpkg_schema', 'http://www.geopackage.org/spec/#extension_schema', 'read-write' WHERE NOT EXISTS (SELECT 1 FROM gpkg_extensions \
        WHERE table_name = 'gpkg_data_columns' AND extension_name = 'gpkg_schema')
        """)
        try dataset.execute("DELETE FROM gpkg_data_columns WHERE table_name = \(Self.quote(layer))")
        for alias in aliases where have.contains(alias.column) {
            try dataset.execute("INSERT INTO gpkg_data_columns (table_name, column_name, name, title, description) VALUES (\(Self.quote(layer)), "
                + "\(Self.quote(alias.column)), \(Self.quote(alias.column)), \(Self.quote(alias.titleZh)), \(Self.quote(alias.titleEn)))")
        }
        try dataset.execute("""
        CREATE TABLE IF NOT EXISTS layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256), \
        f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, \
        description TEXT, owner TEXT(30), ui TEXT(30), update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))
        """)
        try dataset.execute("DELETE FROM layer_styles WHERE f_table_name = \(Self.quote(layer))")
        for style in styles {
            try dataset.execute("INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, "
                + "styleSLD, useAsDefault, description, owner) VALUES ('', '', \(Self.quote(layer)), \(Self.quote(geometryColumn ?? "geom")), "
                + "\(Self.quote(style.name)), \(Self.quote(style.qml)), '', \(style.isDefault ? 1 : 0), \(Self.quote(style.description)), 'cim')")
        }
    }

    /// A SQL string literal.
    static func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
}
