import CIMAnalysis
import CIMStore
import Foundation

/// A layer an analysis needs, with the command that fills it (for the error when it is missing or empty).
struct RequiredLayer {
    var name: String
    var importHint: String?

    static let buildings = RequiredLayer(name: "buildings")
    static let facilities = RequiredLayer(name: "facilities")
    static let roads = RequiredLayer(name: "roads")
    static let pipes = RequiredLayer(name: "pipes", importHint: "--map kind=FIELD --map diameter_mm=FIELD")
}

/// One run of an analysis command, the same steps for every one: open the store → check the layers the
/// analysis needs → snapshot them with the fields it reads → run → write the result layers in one
/// transaction (to the store, or to `--out`) with their QGIS metadata → print the summary.
///
/// The store is opened for writing only when the results go into it; `--out` is checked before any
/// work (a new .gpkg, or an existing store of the same CRS), so a wrong target never costs a run.
struct AnalysisRun {
    /// The store analysed.
    let store: any LayerStore
    /// `--out`, when the results go elsewhere.
    let out: String?
    /// False for runs that only compute (what-if without `--out`): nothing is written.
    let writes: Bool
    var timings = StageTimings()

    /// Opens the store and checks the target and the required layers (each present; those in `nonEmpty`
    /// with at least one feature).
    init(_ options: StoreOptions, out: String?, writes: Bool = true, requires layers: [RequiredLayer], nonEmpty: Set<String> = []) throws {
        self.store = try options.open(update: writes && out == nil)
        self.out = out
        self.writes = writes || out != nil
        if let out { try checkResultTarget(out, for: store) }
        for layer in layers {
            let hint = "import one: cim import \(store.address) \(layer.name) FILE\(layer.importHint.map { " " + $0 } ?? "")"
            guard store.hasLayer(layer.name) else {
                throw StoreError("the store has no \(layer.name) layer", file: store.address, hint: hint)
            }
            if nonEmpty.contains(layer.name), store.featureCount(layer.name) == 0 {
                throw StoreError("the \(layer.name) layer is empty", file: store.address, layer: layer.name, hint: hint)
            }
        }
    }

    /// Loads a layer with the fields among `fields` that it has (a GeoPackage from elsewhere may lack some
    /// optional ones); `required` fields must be there.
    func load(_ layer: String, fields: [String], required: [String] = []) throws -> FeatureTable {
        let have = Set(store.fields(layer).map(\.name))
        for field in required where !have.contains(field) {
            throw StoreError("the layer has no field '\(field)'", file: store.address, layer: layer,
                             hint: "import it again with --map \(field)=SOURCE_FIELD")
        }
        return try store.snapshot(layer, fields: fields.filter { have.contains($0) })
    }

    /// Loads a layer when the store has it.
    func loadIfPresent(_ layer: String, fields: [String]) throws -> FeatureTable? {
        store.hasLayer(layer) ? try load(layer, fields: fields) : nil
    }

    /// Closes a timing stage.
    mutating func lap(_ stage: String) { timings.lap(stage) }

    /// Runs an analysis of the store at `address`, turning its errors into errors that name the store.
    static func analyse<T>(_ address: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as AnalysisError {
            throw StoreError(error.message, file: address, hint: error.hint)
        }
    }

    /// Writes the result layers with the QGIS aliases and styles `qgis` sets for them, all in one transaction
    /// (either everything lands or nothing), with a progress line; returns where they went (nil when nothing
    /// is written).
    ///
    /// `pending` names layers still being computed (on another thread) and a function that waits for them:
    /// they are written after `tables`, in the same transaction (``PendingLayers``). `whileWaiting` runs
    /// once `tables` are written, before the wait (a command hands the terminal back to its analysis'
    /// progress line there).
    @discardableResult
    mutating func write(_ tables: [FeatureTable], then pending: PendingLayers? = nil, whileWaiting: (() -> Void)? = nil, source: String,
                        qgis: ((LayerPresentations) throws -> Void)? = nil) throws -> (any LayerStore)? {
        guard writes else { return nil }
        let tables = try qgis.map { try LayerPresentations.attach(tables, $0) } ?? tables
        let target = try out.map { try openResultTarget($0, for: store) } ?? store
        var writer = ProgressReporter("writing \(tables.map(\.name).joined(separator: ", "))", total: tables.map(\.count).reduce(0, +))
        var written: [String: Int] = [:]
        let attached = pending.map { pending in
            PendingLayers(names: pending.names) {
                writer.finish()
                whileWaiting?()
                let more = try pending.tables()
                writer = ProgressReporter("writing \(more.map(\.name).joined(separator: ", "))", total: more.map(\.count).reduce(0, +))
                written = [:]
                return try qgis.map { try LayerPresentations.attach(more, $0) } ?? more
            }
        }
        try target.writeLayers(tables, then: attached, provenance: LayerProvenance(source: source), establishing: nil) { name, count in
            written[name] = count
            writer.update(written.values.reduce(0, +))
        }
        writer.finish()
        timings.lap("write")
        return target
    }
}
