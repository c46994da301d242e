/// A field's human-readable names for GIS tools: a row of GeoPackage's schema extension (`gpkg_data_columns`:
/// `name` = the column, `title` = the Chinese name, `description` = the English name).
public struct FieldAlias: Sendable, Equatable {
    public var column: String
    public var titleZh: String
    public var titleEn: String
    public init(column: String, titleZh: String, titleEn: String) { self.column = column; self.titleZh = titleZh; self.titleEn = titleEn }
}

/// A QGIS style of a layer, stored in the GeoPackage table `layer_styles` (QGIS's convention).
public struct LayerStyle: Sendable, Equatable {
    public var name: String
    /// The style as QGIS's QML document.
    public var qml: String
    public var isDefault: Bool
    public var description: String
    public init(name: String, qml: String, isDefault: Bool, description: String) {
        self.name = name; self.qml = qml; self.isDefault = isDefault; self.description = description
    }
}

/// What QGIS shows for a layer: its field aliases and styles. A ``FeatureTable`` that carries one gets them
/// written by the store in the same transaction as its rows.
public struct LayerPresentation: Sendable, Equatable {
    public var aliases: [FieldAlias]
    public var styles: [LayerStyle]
    public init(aliases: [FieldAlias], styles: [LayerStyle]) { self.aliases = aliases; self.styles = styles }
}
