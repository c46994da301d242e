import CIMTables
import CIMGeometry
import Foundation

extension PostGISStore {
    /// Writes several layers in one transaction, each replacing any layer of its name: either all of them
    /// land, or none and the previous contents stay.
    ///
    /// Each layer is built in a new table of the schema — COPY BINARY of every row (``FeatureTableCopyCodec``),
    /// the `fid` primary key, the GiST index on `geom` — and swapped in for the old one (DROP, RENAME) at the
    /// end of the transaction, so readers see the last committed layer the whole time and wait only for the
    /// swap. Writers of the same layer are serialised by an advisory lock per layer: the second waits up to
    /// the session's `lock_timeout` (5 s), then gets "the store is busy". ANALYZE runs after the commit.
    public func writeLayers(_ tables: [FeatureTable], then pending: PendingLayers?, provenance: LayerProvenance,
                            establishing newCRS: CoordinateReferenceSystem?, progress: ((String, Int) -> Void)?) throws {
        let names = tables.map(\.name) + (pending?.names ?? [])
        for name in names {
            guard !StoreTables.isOwn(name), !Self.reservedTables.contains(name), name.utf8.count <= 50 else {
                throw StoreError("'\(name)' cannot be a layer name here (names starting cim_, spatial_ref_sys, layer_styles and names over 50 bytes are reserved)",
                                 file: address, layer: name)
            }
        }
        let hasCRS = crs != nil || newCRS != nil
        try FeatureTable.checkWritable(tables, hasCRS: hasCRS, address: address)
        let storeCRS = crs ?? newCRS
        if let newCRS, crs == nil, newCRS.isGeographic {
            throw StoreError("the store's CRS must be projected (metres), \(newCRS.identifier) is lon/lat", file: address)
        }
        let srid = try storeCRS.map { try self.srid(for: $0) } ?? 0
        // (Pending layers are written by cim's analyses, which always give them a presentation.)
        if pending != nil || tables.contains(where: { $0.presentation != nil }) { try ensureLayerStylesTable() }
        try connection.transaction(what: "cannot write", layer: tables.first?.name) {
            try lockLayers(names)
            try ensureStoreTables()
            if let newCRS, crs == nil {
                try setMetadata("crs", newCRS.identifier)
                try setMetadata("crs_name", newCRS.name)
            }
            let time = ISO8601DateFormatter().string(from: Date())
            /// Writes `tables` with their cim_layers records and import issues.
            func write(_ tables: [FeatureTable]) throws {
                for table in tables {
                    try writeLayerInTransaction(table, srid: srid) { progress?(table.name, $0) }
                    try recordLayer(LayerRecord(layer: table.name, source: provenance.source, sourceLayer: provenance.sourceLayer,
                                                sourceCRS: provenance.sourceCRS, importedAt: time, features: table.count,
                                                repaired: provenance.repaired, rejected: provenance.rejected))
                    try recordIssues(layer: table.name, provenance.issues)
                }
            }
            try write(tables)
            if let pending {
                let more = try pending.resolve(store: address)
                try FeatureTable.checkWritable(more, hasCRS: hasCRS, address: address)
                try write(more)
            }
        }
        if crs == nil, let newCRS { crs = newCRS }
        analyze(names)
    }

    /// Takes the write lock of each layer for the rest of the transaction (`pg_advisory_xact_lock`, in name
    /// order so that two writers of several layers cannot deadlock), waiting up to `lock_timeout`.
    func lockLayers(_ names: [String]) throws {
        for name in Set(names).sorted() {
            try connection.execute("SELECT pg_advisory_xact_lock(hashtext($1))", ["cim layer \(schema).\(name)"], what: "cannot write", layer: name)
        }
    }

    /// Refreshes the planner's statistics of freshly written layers (`ANALYZE`); a failure only costs
    /// query plans, so it is not an error.
    func analyze(_ names: [String]) {
        for name in names { _ = try? connection.execute("ANALYZE \(table(name))", what: "cannot analyze", layer: name) }
    }

    /// Builds `table` in a new table of the schema and swaps it in for the layer of its name, with its QGIS
    /// aliases and styles when it carries them (``FeatureTable/presentation``), inside the caller's transaction.
    func writeLayerInTransaction(_ table: FeatureTable, srid: Int32, progress: ((Int) -> Void)?) throws {
        let stage = StoreTables.stagingName()
        var definitions = ["fid bigint NOT NULL"]
        if let type = table.geometryType { definitions.append("geom \(FeatureTableCopyCodec.geometrySQLType(type, srid: srid))") }
        definitions += table.columns.map { "\(PostgresConnection.quoted($0.name)) \(FeatureTableCopyCodec.sqlType($0.values))" }
        let what = "cannot write"
        try connection.execute("CREATE TABLE \(self.table(stage)) (\(definitions.joined(separator: ", ")))", what: what, layer: table.name)
        try connection.copyIn("COPY \(self.table(stage)) (\(FeatureTableCopyCodec.copyColumns(table, geometryColumn: "geom"))) FROM STDIN (FORMAT binary)",
                              what: what, layer: table.name) { writer in
            try FeatureTableCopyCodec.write(table, srid: srid, into: writer, progress: progress)
        }
        try connection.execute("ALTER TABLE \(self.table(stage)) ADD CONSTRAINT \(PostgresConnection.quoted(stage + "_pkey")) PRIMARY KEY (fid)",
                               what: what, layer: table.name)
        if table.geometryType != nil {
            try connection.execute("CREATE INDEX \(PostgresConnection.quoted(stage + "_geom")) ON \(self.table(stage)) USING GIST (geom)",
                                   what: what, layer: table.name)
        }
        // The swap: from here to the commit the layer is locked (readers wait, briefly, then see the new one).
        try connection.execute("DROP TABLE IF EXISTS \(self.table(table.name))", what: "cannot replace the layer", layer: table.name)
        try connection.execute("ALTER TABLE \(self.table(stage)) RENAME TO \(PostgresConnection.quoted(table.name))", what: what, layer: table.name)
        try connection.execute("ALTER TABLE \(self.table(table.name)) RENAME CONSTRAINT \(PostgresConnection.quoted(stage + "_pkey")) TO \(PostgresConnection.quoted(table.name + "_pkey"))",
                               what: what, layer: table.name)
        if table.geometryType != nil {
            try connection.execute("ALTER INDEX \(self.table(stage + "_geom")) RENAME TO \(PostgresConnection.quoted(table.name + "_geom_idx"))",
                                   what: what, layer: table.name)
        }
        if let presentation = table.presentation {
            try writeQGISMetadataInTransaction(layer: table.name, aliases: presentation.aliases, styles: presentation.styles)
        }
    }
}
