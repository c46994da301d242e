import ArgumentParser
import CIMAnalysis
import CIMStore
import Foundation

/// `cim batch CITIES.json -j N`: many cities into one database, each checked in its own schema, and the
/// cross-city table `cim_batch_summary` (the provincial view).
struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Import and check many cities into one database (one schema each) and write the cross-city table cim_batch_summary.",
        discussion: """
        CITIES.json: {"target": "postgresql://USER@HOST:PORT/DB", "year": 2025, "cities": [{"name": "jiujiang", \
        "source": "jiujiang.gpkg"}, …]} (a source is a store or a bundle GeoPackage; a city may add "metric" and \
        "indicators"). For each city, in its own process (-j at a time): the source's bundle layers that changed \
        since the last batch are copied into the schema named after the city (created when missing) in one \
        transaction, then `cim check --year YEAR` runs there when a layer changed or the year has no check yet \
        (--force: always). A city that fails is reported and does not stop the others. Then cim_batch_summary \
        (city, year, status, check_id, health_index, dimension_index, warnings, …) is written in the schema \
        public, replacing the previous one in one transaction. A folder as the target holds FOLDER/NAME.gpkg per \
        city and FOLDER/batch.gpkg for the summary. Exit status 1 when a city failed.
        """
    )

    @Argument(help: "The batch file (CITIES.json).") var file: String
    @Option(name: .shortAndLong, help: "How many cities to process at once (processes).") var jobs: Int = 2
    @Flag(name: .long, help: "Import every layer and check every city again, changed or not.") var force = false
    @Flag(name: .long, help: "Only (re)write cim_batch_summary from each city's latest check of the year.") var summaryOnly = false
    @Option(name: .long, help: .hidden) var city: String?
    /// With --summary-only: "NAME: why" of a city that failed in a run made elsewhere (Distributed/cim_dask.py),
    /// shown as failed in cim_batch_summary as a city that failed in this process would be.
    @Option(name: .long, help: .hidden) var failed: [String] = []
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try OptionValidation.integer(jobs, "--jobs", in: 1 ... 64)
    }

    func run() throws {
        let plan = try BatchPlan(file: file)
        if let name = city {
            guard let city = plan.cities.first(where: { $0.name == name }) else { throw StoreError("no city '\(name)' in the batch file", file: file) }
            try BatchCity.run(city, plan: plan, force: force)
            return
        }
        if !plan.targetIsDatabase {
            try FileManager.default.createDirectory(atPath: plan.target, withIntermediateDirectories: true)
        }
        var outcomes: [String: BatchCity.Outcome] = [:]
        let started = Date()
        if !summaryOnly {
            outcomes = try BatchCity.runAll(plan, file: file, jobs: jobs, force: force)
        }
        for entry in failed {
            let parts = entry.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let name = parts.first, plan.cities.contains(where: { $0.name == name }) else {
                throw StoreError("--failed \(entry): no such city in the batch file", file: file)
            }
            outcomes[name] = BatchCity.Outcome(city: name, ok: false, error: parts.count > 1 ? parts[1] : "failed")
        }
        let rows = try BatchSummary.write(plan, outcomes: outcomes)
        var table = SummaryTable(title: "Batch \(plan.file): \(plan.cities.count) cities, year \(plan.year) → \(try plan.summaryAddress()): cim_batch_summary",
                                 key: "cities", headers: ["city", "status", "layers_copied", "checked", "health_index", "warnings", "seconds", "error"])
        for row in rows {
            let outcome = outcomes[row.city]
            table.rows.append([.text(row.city), .text(row.status), .list(outcome?.copied ?? []), .bool(outcome?.checked ?? false),
                               row.index.map { .real($0, digits: 2) } ?? .null, .int(row.warnings),
                               outcome.map { .real($0.seconds, digits: 1) } ?? .null, .text(row.error ?? "")])
        }
        table.notes.append("whole batch: \(String(format: "%.1f", Date().timeIntervalSince(started))) s with -j \(jobs)")
        try output.emit([table])
        let failed = rows.filter { $0.status == BatchSummary.failed }
        if !failed.isEmpty {
            throw StoreError("\(failed.count) of \(rows.count) cities failed: \(failed.map(\.city).joined(separator: ", "))", file: file,
                             hint: "the others completed; fix and run the batch again (unchanged cities are skipped)")
        }
    }
}

/// One city of a batch: copy the changed layers, check when needed.
enum BatchCity {
    /// What happened to a city in this run.
    struct Outcome: Codable, Sendable {
        var city: String
        var ok: Bool
        var copied: [String] = []
        var checked = false
        var seconds = 0.0
        var error: String?
    }

    static let statusPrefix = "cim-batch-status: "

    /// Runs one city in this process and prints its outcome as one status line on standard error.
    static func run(_ city: BatchPlan.City, plan: BatchPlan, force: Bool) throws {
        let address = try plan.address(of: city.name)
        let source = try openStore(city.source)
        let store = try openOrCreateStore(address, crs: source.crs)
        let copied = try store.syncBundleLayers(from: source, force: force).copied
        let hasCheck = try store.checkRecords().contains { $0.year == plan.year && $0.metric == city.metric }
        var checked = false
        if force || !copied.isEmpty || !hasCheck {
            var arguments = [address, "--year", String(plan.year), "--metric", city.metric, "--format", "json"]
            if let indicators = city.indicators { arguments += ["--indicators", indicators] }
            var check = try CheckCommand.parse(arguments)
            try check.run()
            checked = true
        }
        let outcome = Outcome(city: city.name, ok: true, copied: copied, checked: checked)
        let line = String(decoding: try JSONEncoder().encode(outcome), as: UTF8.self)
        FileHandle.standardError.write(Data((statusPrefix + line + "\n").utf8))
    }

    /// Runs every city in its own process, `jobs` at a time; a failure is an outcome, never an exception.
    static func runAll(_ plan: BatchPlan, file: String, jobs: Int, force: Bool) throws -> [String: Outcome] {
        let executable = URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments[0])
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("cim-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: logs) }
        let progress = ProgressReporter("batch (cities)", total: plan.cities.count)
        var pending = plan.cities[...]
        var running: [(city: String, process: Process, started: Date, err: URL)] = []
        var outcomes: [String: Outcome] = [:]
        while !pending.isEmpty || !running.isEmpty {
            while running.count < jobs, let city = pending.popFirst() {
                let process = Process()
                process.executableURL = executable
                process.arguments = ["batch", file, "--city", city.name] + (force ? ["--force"] : [])
                let out = logs.appendingPathComponent("\(city.name).out"), err = logs.appendingPathComponent("\(city.name).err")
                FileManager.default.createFile(atPath: out.path, contents: nil)
                FileManager.default.createFile(atPath: err.path, contents: nil)
                process.standardOutput = try FileHandle(forWritingTo: out)
                process.standardError = try FileHandle(forWritingTo: err)
                do { try process.run() } catch {
                    outcomes[city.name] = Outcome(city: city.name, ok: false, error: "cannot start cim: \(error.localizedDescription)")
                    continue
                }
                running.append((city.name, process, Date(), err))
            }
            Thread.sleep(forTimeInterval: 0.05)
            for (index, job) in running.enumerated().reversed() where !job.process.isRunning {
                running.remove(at: index)
                let text = (try? String(contentsOf: job.err, encoding: .utf8)) ?? ""
                let lines = text.split(whereSeparator: \.isNewline).map(String.init)
                var outcome = lines.last { $0.hasPrefix(statusPrefix) }
                    .flatMap { try? JSONDecoder().decode(Outcome.self, from: Data($0.dropFirst(statusPrefix.count).utf8)) }
                    ?? Outcome(city: job.city, ok: false)
                if job.process.terminationStatus != 0 || !outcome.ok {
                    outcome.ok = false
                    let error = lines.last { $0.hasPrefix("Error: ") }.map { String($0.dropFirst(7)) }
                    outcome.error = error ?? (job.process.terminationReason == .uncaughtSignal
                        ? "killed by signal \(job.process.terminationStatus)" : "exit status \(job.process.terminationStatus)")
                }
                outcome.seconds = Date().timeIntervalSince(job.started)
                outcomes[job.city] = outcome
                progress.update(outcomes.count)
            }
        }
        progress.finish()
        return outcomes
    }
}

/// The cross-city table `cim_batch_summary`: one row per city of the batch file, from each city's latest
/// check of the year.
enum BatchSummary {
    static let failed = "failed"

    struct Row {
        var city: String
        var status: String
        var checkId: Int?
        var index: Double?
        var dimensions: String?
        var warnings: Int
        var warningList: String
        var checkedAt: String?
        var error: String?
        var source: String
    }

    /// Reads each city's latest check of the year and writes the table, replacing the previous one in one
    /// transaction. A city that failed in this run keeps its failure (and the last good check, if any, is
    /// not shown as current).
    static func write(_ plan: BatchPlan, outcomes: [String: BatchCity.Outcome]) throws -> [Row] {
        var rows: [Row] = []
        for city in plan.cities {
            var row = Row(city: city.name, status: "no check", warnings: 0, warningList: "", source: city.source)
            if let outcome = outcomes[city.name], !outcome.ok {
                row.status = failed
                row.error = outcome.error
                rows.append(row)
                continue
            }
            let address = try plan.address(of: city.name)
            if let store = try? openStore(address),
               let check = try store.checkRecords().last(where: { $0.year == plan.year && $0.metric == city.metric }) {
                let warned = try store.checkValues(check: check.id).filter {
                    $0.areaKind == "city" && ($0.warning == "黄色预警" || $0.warning == "红色预警")
                }
                row.status = "ok"
                row.checkId = check.id
                row.index = check.index
                row.dimensions = check.dimensionIndex
                row.warnings = warned.count
                row.warningList = warned.map { "\($0.indicator): \($0.warning ?? "")" }.joined(separator: "; ")
                row.checkedAt = check.time
            }
            rows.append(row)
        }
        let table = FeatureTable(name: "cim_batch_summary", geometryType: nil, columns: [
            AttributeColumn("city", .text(rows.map(\.city))),
            AttributeColumn("year", .integer(rows.map { _ in Int64(plan.year) })),
            AttributeColumn("status", .text(rows.map(\.status))),
            AttributeColumn("check_id", .integer(rows.map { $0.checkId.map(Int64.init) })),
            AttributeColumn("health_index", .real(rows.map(\.index))),
            AttributeColumn("dimension_index", .text(rows.map(\.dimensions))),
            AttributeColumn("warnings", .integer(rows.map { Int64($0.warnings) })),
            AttributeColumn("warning_list", .text(rows.map(\.warningList))),
            AttributeColumn("checked_at", .text(rows.map(\.checkedAt))),
            AttributeColumn("error", .text(rows.map(\.error))),
            AttributeColumn("source", .text(rows.map(\.source))),
        ])
        let summary = try openOrCreateStore(try plan.summaryAddress())
        try summary.writeLayer(table, provenance: LayerProvenance(source: "cim batch \(plan.file)"))
        return rows
    }
}
