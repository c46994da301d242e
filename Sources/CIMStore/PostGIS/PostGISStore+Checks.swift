import CIMTables
import Foundation

extension PostGISStore {
    /// The fingerprint of a layer: feature count and FNV-1a 64 of its rows in fid order, every field's
    /// length and bytes as `COPY (SELECT * … ORDER BY fid) TO STDOUT (FORMAT binary)` sends them — stable
    /// across reads, changed by any change of the layer's contents.
    public func fingerprint(_ layer: String) throws -> LayerFingerprint {
        guard hasLayer(layer) else { throw StoreError("no such layer", file: address, layer: layer) }
        let order = try keyColumn(layer).map { " ORDER BY \(PostgresConnection.quoted($0))" } ?? ""
        var hash = ContentHash()
        var rows = 0
        try connection.copyOut("COPY (SELECT * FROM \(table(layer))\(order)) TO STDOUT (FORMAT binary)", what: "cannot read the layer", layer: layer) { row in
            rows += 1
            for k in 0 ..< row.count {
                withUnsafeBytes(of: Int64(row.lengths[k]).littleEndian) { hash.add($0) }
                if let bytes = row.bytes(k) { hash.add(bytes) }
            }
        }
        return LayerFingerprint(layer: layer, features: rows, hash: hash.hex)
    }

    /// Records a check in one transaction: a `cim_checks` row (its id the next free one, `cim_checks`
    /// locked against another check recording at once), its `cim_check_values` rows in one COPY, and
    /// `areas` written as its layer (swapped in like every layer) with its `cim_layers` record. Returns the id.
    @discardableResult
    public func recordCheck(_ record: CheckRecord, values: [CheckValueRecord], areas: FeatureTable, provenance: LayerProvenance) throws -> Int {
        guard let crs else { throw StoreError("the store has no CRS yet", file: address, layer: areas.name) }
        let srid = try srid(for: crs)
        if areas.presentation != nil { try ensureLayerStylesTable() }
        let id = try connection.transaction(what: "cannot record the check", layer: StoreTables.checks) { () -> Int in
            try lockLayers([areas.name])
            try ensureStoreTables()
            try connection.execute("LOCK TABLE \(table(StoreTables.checks)) IN EXCLUSIVE MODE", what: "cannot record the check", layer: StoreTables.checks)
            let last = try connection.scalar("SELECT max(check_id) FROM \(table(StoreTables.checks))")
            let id = (last.flatMap { Int($0) } ?? 0) + 1
            let inputs = String(decoding: try JSONEncoder().encode(record.inputs), as: UTF8.self)
            let columns = GeoPackageStore.checkFields.map { PostgresConnection.quoted($0.name) }.joined(separator: ", ")
            try connection.execute("INSERT INTO \(table(StoreTables.checks)) (\(columns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                                   [String(id), String(record.year), record.time, record.indicatorFile, record.indicatorHash, inputs,
                                    record.cimVersion, record.metric, record.index.flatMap { $0.isFinite ? "\($0)" : nil }, record.dimensionIndex],
                                   what: "cannot record the check", layer: StoreTables.checks)
            try insertValues(values, check: id)
            try writeLayerInTransaction(areas, srid: srid, progress: nil)
            try recordLayer(LayerRecord(layer: areas.name, source: provenance.source, sourceLayer: provenance.sourceLayer,
                                        sourceCRS: provenance.sourceCRS, importedAt: record.time, features: areas.count, repaired: 0, rejected: 0))
            return id
        }
        analyze([areas.name])
        return id
    }

    /// Appends the value rows of check `id` to `cim_check_values` in one COPY BINARY (inside the caller's
    /// transaction).
    private func insertValues(_ values: [CheckValueRecord], check id: Int) throws {
        let columns = GeoPackageStore.checkValueFields.map { PostgresConnection.quoted($0.name) }.joined(separator: ", ")
        try connection.copyIn("COPY \(table(StoreTables.checkValues)) (\(columns)) FROM STDIN (FORMAT binary)",
                              what: "cannot record the check values", layer: StoreTables.checkValues) { writer in
            func text(_ value: String?) { if let value { writer.append(text: value) } else { writer.appendNull() } }
            func real(_ value: Double?) { if let value, value.isFinite { writer.append(float64: value) } else { writer.appendNull() } }
            for v in values {
                try writer.beginRow(fields: 12)
                writer.append(int64: Int64(id))
                text(v.indicator); text(v.areaKind); text(v.areaId); text(v.areaName)
                real(v.value); real(v.numerator); real(v.denominator); real(v.score)
                text(v.grade); text(v.warning)
                writer.append(int64: v.computable ? 1 : 0)
            }
        }
    }

    /// The recorded checks, oldest first.
    public func checkRecords() throws -> [CheckRecord] {
        guard try tableExists(StoreTables.checks) else { return [] }
        let result = try connection.execute("""
            SELECT check_id, year, time, indicator_file, indicator_hash, inputs, cim_version, metric, health_index, dimension_index
            FROM \(table(StoreTables.checks)) ORDER BY check_id
            """, what: "cannot read the recorded checks")
        return (0 ..< result.rowCount).map { r in
            let inputs = (try? JSONDecoder().decode([LayerFingerprint].self, from: Data((result.text(row: r, column: 5) ?? "[]").utf8))) ?? []
            return CheckRecord(id: Int(result.integer(row: r, column: 0) ?? 0), year: Int(result.integer(row: r, column: 1) ?? 0),
                               time: result.text(row: r, column: 2) ?? "", indicatorFile: result.text(row: r, column: 3) ?? "",
                               indicatorHash: result.text(row: r, column: 4) ?? "", inputs: inputs, cimVersion: result.text(row: r, column: 6) ?? "",
                               metric: result.text(row: r, column: 7) ?? "", index: result.real(row: r, column: 8),
                               dimensionIndex: result.text(row: r, column: 9) ?? "{}")
        }
    }

    /// The values of one recorded check, in the order they were recorded.
    public func checkValues(check id: Int) throws -> [CheckValueRecord] {
        guard try tableExists(StoreTables.checkValues) else { return [] }
        let result = try connection.execute("""
            SELECT indicator, area_kind, area_id, area_name, value, numerator, denominator, score, grade, warning, computable
            FROM \(table(StoreTables.checkValues)) WHERE check_id = $1 ORDER BY fid
            """, [String(id)], what: "cannot read the check values")
        return (0 ..< result.rowCount).map { r in
            CheckValueRecord(check: id, indicator: result.text(row: r, column: 0) ?? "", areaKind: result.text(row: r, column: 1) ?? "",
                             areaId: result.text(row: r, column: 2) ?? "", areaName: result.text(row: r, column: 3),
                             value: result.real(row: r, column: 4), numerator: result.real(row: r, column: 5),
                             denominator: result.real(row: r, column: 6), score: result.real(row: r, column: 7),
                             grade: result.text(row: r, column: 8), warning: result.text(row: r, column: 9),
                             computable: result.integer(row: r, column: 10) == 1)
        }
    }
}
