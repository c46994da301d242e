import CIMTables
import CGDAL
import CIMGeometry
import Foundation

extension GeoPackageStore {
    /// Writes several layers in one transaction (each replacing any layer of its name): either all of them
    /// land, or none and the previous contents stay. `pending` layers are written after `tables`, in the
    /// same transaction, once ``PendingLayers/tables`` returns them. `progress` gets the layer name and
    /// features written.
    public func writeLayers(_ tables: [FeatureTable], then pending: PendingLayers?, provenance: LayerProvenance,
                            establishing newCRS: CoordinateReferenceSystem?, progress: ((String, Int) -> Void)?) throws {
        try FeatureTable.checkWritable(tables, hasCRS: crs != nil || newCRS != nil, address: path)
        if dataset.commitGate.mode == .sealed {
            throw StoreError("an earlier write to this store failed and was rolled back; nothing more is written through this handle", file: path,
                             hint: "open the store again")
        }
        try ensureMetadataTables()
        try dataset.startTransaction()
        let previousCRS = crs
        let connection = GeoPackageConnection(dataset: dataset)
        connection?.install(dataset.commitGate)
        dataset.commitGate.mode = .writing
        do {
            if let newCRS, crs == nil { try setCRS(newCRS) }
            /// Writes `tables` with their cim_layers records and import issues.
            func write(_ tables: [FeatureTable]) throws {
                for table in tables {
                    try writeLayerInTransaction(table) { progress?(table.name, $0) }
                    try recordLayer(LayerRecord(layer: table.name, source: provenance.source, sourceLayer: provenance.sourceLayer,
                                                sourceCRS: provenance.sourceCRS, importedAt: ISO8601DateFormatter().string(from: Date()),
                                                features: table.count, repaired: provenance.repaired, rejected: provenance.rejected))
                    try recordIssues(layer: table.name, provenance.issues)
                }
            }
            try write(tables)
            if let pending {
                let more = try pending.resolve(store: path)
                try FeatureTable.checkWritable(more, hasCRS: crs != nil || newCRS != nil, address: path)
                try write(more)
            }
            dataset.commitGate.mode = .committing
            try dataset.commit()
            dataset.commitGate.mode = .open
        } catch {
            // When SQLite has already rolled the transaction back by itself (SQLITE_FULL, SQLITE_IOERR …),
            // GDAL's view of the layers is stale: the gate then refuses every later commit, so that nothing
            // GDAL writes afterwards (at close) lands outside a transaction.
            let rolledBackBySQLite = connection.map { !$0.inTransaction } ?? false
            dataset.commitGate.mode = rolledBackBySQLite ? .sealed : .open
            dataset.rollback()
            crs = previousCRS
            if rolledBackBySQLite, (error as? StoreError)?.cause == nil {
                throw StoreError.rolledBackBySQLite(file: path, layer: (error as? StoreError)?.layer)
            }
            throw error
        }
    }

    /// Writes `table` as a layer (replacing any layer of its name) with its QGIS aliases and styles when it
    /// carries them (``FeatureTable/presentation``), inside the caller's transaction.
    func writeLayerInTransaction(_ table: FeatureTable, progress: ((Int) -> Void)?) throws {
        try writeRowsInTransaction(table, progress: progress)
        if let presentation = table.presentation {
            try writeQGISMetadataInTransaction(layer: table.name, aliases: presentation.aliases, styles: presentation.styles)
        }
    }

    /// Replaces the layer of `table`'s name by a new one holding `table`'s features.
    ///
    /// A layer that exists already is replaced by stage and rename: the new rows go into a staging layer
    /// (`cim_stage_…`), then the old layer is deleted (`GDALDatasetDeleteLayer`) and the staging layer takes
    /// its name (`OGR_L_Rename`), all inside the caller's transaction. Deleting first would put the old
    /// table's pages on SQLite's free list and the new rows would reuse them at once, so the rollback
    /// journal would have to save every one of them (a 1M-row result layer: ~400 MB journalled, the write
    /// 1.4× slower than into a new file). Staged, the new rows go into fresh pages (or pages that were
    /// already free when the transaction began, which SQLite does not journal); the old table's pages stay in
    /// the file as free pages that the next write reuses.
    private func writeRowsInTransaction(_ table: FeatureTable, progress: ((Int) -> Void)?) throws {
        let replacing = dataset.layerIndex(named: table.name) != nil
        let layer = try createLayer(table, named: replacing ? StoreTables.stagingName() : table.name, progress: progress)
        guard replacing else { return }
        guard let index = dataset.layerIndex(named: table.name) else {
            throw StoreError("the layer vanished while it was being replaced", file: path, layer: table.name)
        }
        GDAL.reset()
        guard GDALDatasetDeleteLayer(dataset.handle, Int32(index)) == OGRERR_NONE else {
            throw StoreError.gdal("cannot replace the layer", message: GDAL.lastError(""), file: path, layer: table.name)
        }
        GDAL.reset()
        guard OGR_L_Rename(layer, table.name) == OGRERR_NONE else {
            throw StoreError.gdal("cannot replace the layer", message: GDAL.lastError(""), file: path, layer: table.name)
        }
    }

    /// Creates the layer `name` (`GDALDatasetCreateLayer`, its fields, its spatial index) and writes
    /// `table`'s features into it; returns GDAL's handle of the new layer.
    private func createLayer(_ table: FeatureTable, named name: String, progress: ((Int) -> Void)?) throws -> OGRLayerH {
        var reference: SpatialReference?
        if table.geometryType != nil, let crs {
            guard let known = SpatialReference(definition: crs.identifier) else {
                throw StoreError("GDAL does not know the CRS \(crs.identifier)", file: path, layer: table.name)
            }
            reference = known
        }
        let srs = reference?.handle
        defer { withExtendedLifetime(reference) {} }
        let ogrType: OGRwkbGeometryType
        switch table.geometryType {
        case nil: ogrType = wkbNone
        case .point?: ogrType = wkbPoint
        case .lineString?: ogrType = wkbLineString
        case .polygon?: ogrType = wkbPolygon
        case .multiPoint?: ogrType = wkbMultiPoint
        case .multiLineString?: ogrType = wkbMultiLineString
        case .multiPolygon?: ogrType = wkbMultiPolygon
        default: ogrType = wkbUnknown
        }
        GDAL.reset()
        let options = ["FID=fid", "GEOMETRY_NAME=geom", "SPATIAL_INDEX=YES"]
        guard let layer = GDAL.withStringList(options, { GDALDatasetCreateLayer(dataset.handle, name, srs, ogrType, $0) }) else {
            throw StoreError.gdal("cannot create the layer", message: GDAL.lastError(""), file: path, layer: table.name)
        }
        try createFields(layer, table.columns.map { FieldSpec($0.name, $0.values.type) }, layerName: table.name)
        if let bulk = GeoPackageConnection(dataset: dataset) {
            // GDAL's deferred spatial index and cached counts are synchronised before the raw inserts.
            GDAL.reset()
            guard OGR_L_SyncToDisk(layer) == OGRERR_NONE else {
                throw StoreError.gdal("cannot create the layer", message: GDAL.lastError(""), file: path, layer: table.name)
            }
            try bulk.insert(table, into: name, progress: progress)
            return layer
        }
        let definition = OGR_L_GetLayerDefn(layer)
        for i in 0 ..< table.count {
            guard let owned = OGRFeature(definition: definition) else { throw StoreError("out of memory", file: path, layer: table.name) }
            let feature = owned.handle
            for (k, column) in table.columns.enumerated() {
                let f = Int32(k)
                switch column.values[i] {
                case let .integer(x): OGR_F_SetFieldInteger64(feature, f, x)
                case let .real(x): OGR_F_SetFieldDouble(feature, f, x)
                case let .text(x): OGR_F_SetFieldString(feature, f, x)
                case .null: OGR_F_SetFieldNull(feature, f)
                }
            }
            if table.geometryType != nil {
                var wkb = table.geometries.wkb(i)
                var geometry: OGRGeometryH?
                let error = wkb.withUnsafeMutableBytes { OGR_G_CreateFromWkbEx($0.baseAddress, srs, &geometry, $0.count) }
                guard error == OGRERR_NONE, let geometry else {
                    throw StoreError("cannot encode geometry", file: path, layer: table.name, feature: "#\(i + 1)")
                }
                OGR_F_SetGeometryDirectly(feature, geometry)
            }
            GDAL.reset()
            guard OGR_L_CreateFeature(layer, feature) == OGRERR_NONE else {
                throw StoreError.gdal("cannot write", message: GDAL.lastError(""), file: path, layer: table.name, feature: "#\(i + 1)")
            }
            if let progress, i % 4096 == 4095 { progress(i + 1) }
        }
        progress?(table.count)
        return layer
    }
}
