import ArgumentParser
import Glibc
import CIMAnalysis
import CIMGenerate
import CIMGeometry
import CIMNetwork
import CIMStore
import Foundation

/// `cim bench`: times every stage of the analyses on generated cities (or a given store).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time every stage (generate, load, coverage, walk graph, network coverage, pipe service, blank zones, audit) on generated cities.",
        discussion: """
        For each size a synthetic city is generated (`cim generate`, seed --seed) into --work (default a \
        temporary folder, removed afterwards unless --keep), then every stage runs in this process and is timed. \
        Peak memory is the process's maximum resident set size after the stage (getrusage), so run one size per \
        process for per-size peaks (Benchmarks/run.sh does). With --store the stages run on that store instead.
          cim bench --buildings 10k,100k
          cim bench --store city.gpkg --stages load,coverage,network
        """
    )

    enum Stage: String, CaseIterable, ExpressibleByArgument {
        case generate, load, coverage, write, network, gaps, audit
    }

    @Option(name: .long, help: "City sizes in buildings, comma-separated (k and m suffixes).") var buildings: String = "10k,100k"
    @Option(name: .long, help: "Run on this store instead of generated cities.") var store: String?
    @Option(name: .long, help: "Stages to run, comma-separated: \(Stage.allCases.map(\.rawValue).joined(separator: ",")).") var stages: String = Stage.allCases.map(\.rawValue).joined(separator: ",")
    @Option(name: .long, help: "Generator seed.") var seed: UInt64 = 1
    @Option(name: .long, help: "Folder for generated cities (default: a temporary folder).") var work: String?
    @Flag(name: .long, help: "Keep the generated cities.") var keep = false
    @OptionGroup var output: OutputOptions

    func validate() throws {
        for text in buildings.split(separator: ",", omittingEmptySubsequences: false) { _ = try Self.parseSize(String(text)) }
        for name in stages.split(separator: ",") where Stage(rawValue: name.trimmingCharacters(in: .whitespaces)) == nil {
            throw ValidationError("unknown stage '\(name)'; stages: \(Stage.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    static func parseSize(_ text: String) throws -> Int {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let multiplier = t.hasSuffix("m") ? 1_000_000 : t.hasSuffix("k") ? 1_000 : 1
        let digits = multiplier == 1 ? t : String(t.dropLast())
        guard let value = Double(digits), value.isFinite, value * Double(multiplier) >= 1,
              value * Double(multiplier) <= Double(GenerateCommand.maximumBuildings) else {
            throw ValidationError("--buildings takes sizes like 10k,100k,1m, each from 1 to \(GenerateCommand.maximumBuildings); got '\(text)'")
        }
        return Int(value * Double(multiplier))
    }

    struct Row {
        var size: String
        var stage: String
        var seconds: Double
        var items: Int
        var peakMB: Double
    }

    func run() throws {
        let wanted = try stages.split(separator: ",").map { name -> Stage in
            guard let stage = Stage(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown stage '\(name)'; stages: \(Stage.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return stage
        }
        let standard = try Standard.shipped()
        var rows: [Row] = []
        let folder = URL(fileURLWithPath: work ?? FileManager.default.temporaryDirectory.appendingPathComponent("cim-bench-\(UUID().uuidString)").path)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if work == nil && !keep { try? FileManager.default.removeItem(at: folder) } }
        let targets: [(label: String, path: String, size: Int?)]
        if let store {
            targets = [(URL(fileURLWithPath: store).lastPathComponent, store, nil)]
        } else {
            targets = try buildings.split(separator: ",").map { text in
                let n = try Self.parseSize(String(text))
                return (String(text), folder.appendingPathComponent("bench-\(n)-seed\(seed).gpkg").path, n)
            }
        }
        for target in targets {
            func record(_ stage: String, _ seconds: Double, _ items: Int) {
                rows.append(Row(size: target.label, stage: stage, seconds: seconds, items: items, peakMB: peakResidentMB()))
            }
            if let n = target.size, wanted.contains(.generate) || !FileManager.default.fileExists(atPath: target.path) {
                try? FileManager.default.removeItem(atPath: target.path)
                let started = Date()
                let progress = ProgressReporter("generate \(target.label)")
                let generator = try CityGenerator(options: CityGeneratorOptions(buildings: n, seed: seed))
                let output = try openOrCreateStore(target.path, crs: try CoordinateReferenceSystem(epsg: CityGenerator.crsCode))
                try output.setMetadata("synthetic", "true")
                _ = try generator.run(progress: { _, done, _ in progress.update(done) }) {
                    try output.writeLayer($0, provenance: LayerProvenance(source: "cim generate --buildings \(n) --seed \(seed)"))
                }
                progress.finish()
                record("generate (write GeoPackage)", Date().timeIntervalSince(started), n)
            }
            let store = try openStore(target.path, update: wanted.contains(.write))
            var clock = Date()
            func lap(_ stage: String, _ items: Int) { record(stage, Date().timeIntervalSince(clock), items); clock = Date() }
            let buildings = try store.snapshot("buildings", fields: ["id", "floors", "height", "use"])
            lap("load buildings", buildings.count)
            let facilities = try store.snapshot("facilities", fields: ["id", "category"])
            let areas = store.hasLayer("areas") ? try store.snapshot("areas", fields: ["id", "kind", "name"]) : nil
            lap("load facilities, areas", facilities.count + (areas?.count ?? 0))
            let roads = store.hasLayer("roads") ? try store.snapshot("roads", fields: ["walkable"]) : nil
            lap("load roads", roads?.count ?? 0)
            let pipes = store.hasLayer("pipes") ? try store.snapshot("pipes") : nil
            let nodes = store.hasLayer("pipe_nodes") ? try store.snapshot("pipe_nodes") : nil
            lap("load pipes, pipe_nodes", (pipes?.count ?? 0) + (nodes?.count ?? 0))
            let n = buildings.count
            var coverage: CoverageResult?
            if wanted.contains(.coverage) {
                var timings = StageTimings()
                coverage = try StraightLineCoverage.run(buildings: buildings, facilities: facilities, areas: areas, standard: standard,
                                                        options: CoverageOptions(), timings: &timings)
                for stage in timings.stages { record("coverage: \(stage.name)", stage.seconds, coverage!.buildings.count) }
                record("coverage (straight line, \(standard.categories.count) categories) total", timings.stages.map(\.seconds).reduce(0, +), coverage!.buildings.count)
                clock = Date()
            }
            if wanted.contains(.write), let coverage {
                try store.writeLayer(coverage.buildingLayer(footprints: buildings), provenance: LayerProvenance(source: "cim bench"))
                lap("write coverage_buildings", coverage.buildings.count)
            }
            if wanted.contains(.network), let roads {
                var timings = StageTimings()
                let result = try NetworkCoverage.run(buildings: buildings, facilities: facilities, roads: roads, areas: areas, standard: standard,
                                                     options: CoverageOptions(), timings: &timings)
                for stage in timings.stages where !["reference points", "index"].contains(stage.name) {
                    record("network: \(stage.name)", stage.seconds, stage.name == "graph" ? roads.count : result.buildings.count)
                }
                record("network coverage total", timings.stages.map(\.seconds).reduce(0, +), result.buildings.count)
                clock = Date()
            }
            if wanted.contains(.gaps), let pipes {
                var timings = StageTimings()
                _ = try PipeGaps.run(buildings: buildings, pipes: pipes, areas: areas, standard: standard, options: GapsOptions(), timings: &timings)
                for stage in timings.stages { record("gaps: \(stage.name)", stage.seconds, n) }
                record("gaps total", timings.stages.map(\.seconds).reduce(0, +), n)
                clock = Date()
            }
            if wanted.contains(.audit), let pipes {
                var timings = StageTimings()
                _ = try PipeAudit.run(pipes: pipes, nodes: nodes, options: AuditOptions(), timings: &timings)
                record("audit total", timings.stages.map(\.seconds).reduce(0, +), pipes.count)
                clock = Date()
            }
        }
        var table = SummaryTable(title: "cim bench (\(ProcessInfo.processInfo.activeProcessorCount) cores)", key: "stages",
                                 headers: ["city", "stage", "seconds", "items", "items_per_s", "peak_rss_mb"])
        table.rows = rows.map {
            [.text($0.size), .text($0.stage), .real($0.seconds, digits: 3), .int($0.items),
             .real($0.seconds > 0 ? Double($0.items) / $0.seconds : 0, digits: 0), .real($0.peakMB, digits: 0)]
        }
        try output.emit([table])
    }
}

/// The process's peak resident set size so far, in MB (`getrusage`, ru_maxrss in kB on Linux).
func peakResidentMB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}
