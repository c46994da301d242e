import ArgumentParser
import CIMAnalysis
import CIMStore
import Foundation

extension Language: ExpressibleByArgument {}

/// `cim check STORE --year YEAR`: the city health check (城市体检).
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "The city health check (城市体检): every indicator for the city and each area, scored, graded, warned, indexed and diagnosed.",
        discussion: """
        Computes every indicator of the indicator file (default Data/indicators/city-health-check.json) for the \
        city and for every area kind of the store (district, community …; a grid when there are none), with \
        value, unit, numerator, denominator, standard, score, grade (很好/较好/一般/较差) and warning \
        (正常/黄色预警/红色预警); the health index per dimension and overall; and the diagnosis (诊断): for each \
        indicator below its standard, the areas ranked by shortfall with the residents affected and what is \
        behind it. An indicator whose layer is missing is "not computable" with the layer it needs.

        The run is recorded in the store (tables cim_checks and cim_check_values, with the indicator file's \
        name and hash and a fingerprint of every input layer) and the layer check_areas is written, all in one \
        transaction. --baseline compares with a stored check: change per indicator and area, improved or \
        declined, a warning for a decline beyond the file's tolerance and for every bottom-line breach.
        """
    )

    @OptionGroup var stores: StoreOptions
    @Option(name: .long, help: "The check year (e.g. 2025): the time point of the indicators and the year of 'new' buildings.") var year: Int
    @Option(name: .long, help: "An indicator file (default: the shipped Data/indicators/city-health-check.json).") var indicators: String?
    @Option(name: .long, help: "A standard file for thresholds and residents (default: the shipped GB 50180-2018 file).") var standard: String?
    @Option(name: .long, help: "Distance metric of the reach indicators: euclidean or network.") var metric: DistanceMetric = .euclidean
    @Option(name: .long, help: "Compare with a stored check: a year of this store (2024), or OTHER.gpkg[:YEAR] (latest check when no year).") var baseline: String?
    @Option(name: .long, help: "Grid cell size in metres when the store has no areas.") var grid: Double = 500
    @Option(name: .long, help: "Network: merge road vertices closer than this (m).") var snapTolerance: Double = 0
    @Option(name: .long, help: "Network: buildings and facilities farther than this (m) from every walkable road are off-network.") var maxAccess: Double = NetworkCoverage.defaultMaxAccess
    @Flag(name: .long, help: "Count buildings of unknown use as residential.") var unknownResidential = false
    @Option(name: .long, help: "How many areas the diagnosis lists per indicator.") var top: Int = 10
    /// Language of names, grades and warnings in tables: `--lang` of the output options, zh by default here.
    var lang: Language { output.lang ?? .zh }
    @Option(name: .long, help: "Planned facilities (sites.gpkg[:LAYER], field category): check with them added, in memory, and print the changes; nothing is recorded.") var whatIf: String?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if !(1900 ... 2200).contains(year) { throw ValidationError("--year must be a year between 1900 and 2200, got \(year)") }
        try OptionValidation.standardFile(standard)
        try OptionValidation.distance(grid, "--grid", zeroAllowed: false)
        try OptionValidation.tolerance(snapTolerance, "--snap-tolerance")
        try OptionValidation.distance(maxAccess, "--max-access", zeroAllowed: false)
        try OptionValidation.integer(top, "--top", in: 0 ... OptionValidation.maximumCount)
        if let baseline { _ = try BaselineReference.parse(baseline) }
        if let whatIf {
            _ = try WhatIfSites(whatIf)
            if baseline != nil { throw ValidationError("--what-if compares with the plain check of the same store: it excludes --baseline") }
        }
    }

    func run() throws {
        let standard = try self.standard.map { try Standard.load(URL(fileURLWithPath: $0)) } ?? Standard.shipped()
        let system = try self.indicators.map { try IndicatorSystem.load(URL(fileURLWithPath: $0), standard: standard) } ?? IndicatorSystem.shipped(standard: standard)
        let store = try stores.open(update: whatIf == nil)
        guard store.hasLayer("buildings") else {
            throw StoreError("the store has no buildings layer", file: store.address, hint: "import one: cim import \(store.address) buildings FILE")
        }
        if metric == .network && !store.hasLayer("roads") {
            throw StoreError("--metric network needs a roads layer", file: store.address, hint: "import one: cim import \(store.address) roads FILE")
        }
        // The baseline is found before this run is recorded.
        let baselineCheck = try baseline.map { try BaselineReference.parse($0).resolve(current: store) }

        var timings = StageTimings()
        let inputs = try Self.loadInputs(store)
        timings.lap("load")
        let options = CheckOptions(year: year, metric: metric, gridSize: grid, snapTolerance: snapTolerance, maxAccess: maxAccess,
                                   unknownIsResidential: unknownResidential)
        if let whatIf {
            let sites = try WhatIfSites(whatIf)
            var planned = inputs
            planned.facilities = try sites.facilities(adding: inputs.facilities, store: store, standard: standard)
            do {
                let plain = try HealthCheck.run(inputs: inputs, standard: standard, system: system, options: options, diagnosisTop: top, timings: timings)
                let after = try HealthCheck.run(inputs: planned, standard: standard, system: system, options: options, diagnosisTop: top)
                for warning in after.warnings { printError("warning: \(warning)") }
                print(SummaryRenderer.render(CheckWhatIf.tables(plain: plain, whatIf: after, sites: sites.label, language: lang), as: output.resolved, language: lang), terminator: "")
            } catch let error as AnalysisError {
                throw StoreError(error.message, file: store.address, hint: error.hint)
            }
            return
        }
        // The input layers' fingerprints are read on another thread while the check computes (the check
        // works on the snapshots and does not touch the store until it records).
        let layers = ["buildings", "facilities", "roads", "pipes", "pipe_nodes", "areas", "waterlogging"].filter(store.hasLayer)
        let fingerprinting = Fingerprinting(store: store, layers: layers)
        let result: CheckResult
        do {
            result = try HealthCheck.run(inputs: inputs, standard: standard, system: system, options: options, diagnosisTop: top, timings: timings)
        } catch {
            // The fingerprinting thread still holds the store: wait for it before the store goes away.
            _ = try? fingerprinting.wait()
            if let error = error as? AnalysisError { throw StoreError(error.message, file: store.address, hint: error.hint) }
            throw error
        }
        var stages = result.timings
        let fingerprints = try fingerprinting.wait()
        stages.lap("fingerprints (waited for)")
        let time = ISO8601DateFormatter().string(from: Date())
        var record = CheckRecord(year: year, time: time, indicatorFile: system.fileName.isEmpty ? "city-health-check.json" : system.fileName,
                                 indicatorHash: system.fileHash, inputs: fingerprints, cimVersion: CIMCommand.version, metric: metric.rawValue,
                                 index: result.index.overall, dimensionIndex: result.dimensionIndexJSON)
        let areas = try LayerPresentations.attach([result.areaLayer()]) { try QGISMetadata.check($0, system: system) }[0]
        record.id = try store.recordCheck(record, values: result.valueRecords(), areas: areas,
                                          provenance: LayerProvenance(source: "cim check --year \(year) --metric \(metric.rawValue) (\(record.indicatorFile))"))
        stages.lap("record")
        let comparison = baselineCheck.map {
            CheckComparison.compare(current: result, baseline: $0.record, baselineValues: $0.values, source: $0.source)
        }
        for warning in result.warnings { printError("warning: \(warning)") }
        let report = CheckReport(result: result, record: record, store: store.address, comparison: comparison, language: lang, timings: stages, top: top)
        switch output.resolved {
        case .json: print(report.json(), terminator: "")
        case .table: try output.emit(report.tables(), language: lang)
        case .csv: try output.emit([report.valueTable()])  // CSV headers stay English unless --lang zh is given
        }
    }
}

extension CheckCommand {
    /// The snapshots a check reads (the layers the store has, with the fields they have); throws when the
    /// buildings layer is missing or empty.
    static func loadInputs(_ store: any LayerStore) throws -> CheckInputs {
        func load(_ layer: String, _ fields: [String]) throws -> FeatureTable? {
            store.hasLayer(layer) ? try store.snapshot(layer, fields: GapsCommand.existing(store, layer, fields)) : nil
        }
        guard let buildings = try load("buildings", ["id", "floors", "height", "use", "year"]), buildings.count > 0 else {
            throw StoreError("the buildings layer is empty", file: store.address, layer: "buildings")
        }
        return CheckInputs(buildings: buildings, facilities: try load("facilities", ["category"]), roads: try load("roads", ["walkable"]),
                           pipes: try load("pipes", ["id", "kind", "diameter_mm", "up_invert", "down_invert"]),
                           pipeNodes: try load("pipe_nodes", ["id", "kind", "ground_z", "invert_z"]),
                           areas: try load("areas", ["id", "kind", "name"]), waterlogging: try load("waterlogging", ["id"]))
    }
}

/// Reads the fingerprints of layers (``Store/fingerprint(_:)``) on a background thread.
///
/// `@unchecked Sendable` is safe here: the store (not `Sendable`: one connection) is handed to the
/// background thread, and the caller does not use it again until ``wait()`` has returned; `result` is
/// written before `group.leave()` and read after `group.wait()`, which orders the two threads' accesses.
final class Fingerprinting: @unchecked Sendable {
    private let group = DispatchGroup()
    private var result: Result<[LayerFingerprint], Error> = .success([])
    private let store: any LayerStore

    init(store: any LayerStore, layers: [String]) {
        self.store = store
        group.enter()
        DispatchQueue.global().async { [self] in
            result = Result { try layers.map { try self.store.fingerprint($0) } }
            group.leave()
        }
    }

    /// The fingerprints, once read.
    func wait() throws -> [LayerFingerprint] {
        group.wait()
        return try result.get()
    }
}

/// A `--baseline` value: a year of this store, or another store with an optional year.
struct BaselineReference {
    var path: String?
    var year: Int?

    static func parse(_ text: String) throws -> BaselineReference {
        if let year = Int(text) {
            guard (1900 ... 2200).contains(year) else { throw ValidationError("--baseline: \(year) is not a check year (1900–2200)") }
            return BaselineReference(path: nil, year: year)
        }
        if let colon = text.lastIndex(of: ":"), let year = Int(text[text.index(after: colon)...]) {
            guard (1900 ... 2200).contains(year) else { throw ValidationError("--baseline: \(year) is not a check year (1900–2200)") }
            return BaselineReference(path: String(text[..<colon]), year: year)
        }
        guard text.lowercased().hasSuffix(".gpkg") else {
            throw ValidationError("--baseline must be a year (2024) or a store OTHER.gpkg[:YEAR], got '\(text)'")
        }
        return BaselineReference(path: text, year: nil)
    }

    /// The stored check: the latest of the year (or the latest at all) in the store.
    func resolve(current: any LayerStore) throws -> (record: CheckRecord, values: [CheckValueRecord], source: String) {
        let store = try path.map { path -> any LayerStore in
            guard FileManager.default.fileExists(atPath: path) else { throw StoreError("the baseline store does not exist", file: path) }
            return try openStore(path)
        } ?? current
        let checks = try store.checkRecords()
        let candidates = checks.filter { year == nil || $0.year == year! }
        guard let check = candidates.last else {
            let years = Set(checks.map(\.year)).sorted().map(String.init).joined(separator: ", ")
            throw StoreError(year.map { "no stored check of year \($0)" } ?? "no stored check", file: store.address,
                             hint: checks.isEmpty ? "run cim check \(store.address) --year YEAR first" : "stored check years: \(years)")
        }
        return (check, try store.checkValues(check: check.id), path ?? "this store")
    }
}
