import ArgumentParser
import CIMGenerate
import CIMGeometry
import CIMStore
import Foundation

/// `cim generate --buildings N [--seed S] OUT.gpkg`: a deterministic synthetic city with planted drainage
/// problems, and the truth file that lists them.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a deterministic synthetic city (all bundle layers) with planted drainage problems.",
        discussion: """
        Writes OUT.gpkg with every bundle layer (buildings, facilities, roads, pipes, pipe_nodes, areas, \
        waterlogging) in EPSG:4548, centred near Jiujiang, marked synthetic in cim_metadata, and OUT.truth.json \
        next to it: the planted pipe defects (dangling ends, near-miss breaks, a component with no outlet, \
        reversed slopes, shrinking diameters, zero-length, over-long and duplicate pipes, missing attributes) \
        and the drainage blank areas with their unserved buildings, for testing `cim audit` and `cim gaps`. \
        The same seed and size always give the same layer contents and the same truth file.

        Every building is within --served-within of a sewer or combined pipe, or farther than \
        --unserved-beyond from all of them (those are the blank areas' buildings), so a blank-zone analysis \
        with any lateral distance between the two finds exactly the truth file's buildings.

        Example:
          cim generate --buildings 100000 --seed 7 city.gpkg
        """
    )

    @Argument(help: "The GeoPackage to write (.gpkg); the truth file goes next to it (OUT.truth.json).") var out: String
    @Option(name: .long, help: "How many buildings (exactly).") var buildings: Int
    @Option(name: .long, help: "Random seed.") var seed: UInt64 = 1
    @Option(name: .long, help: "A standard file whose facility categories to place (default: the shipped GB 50180-2018 file).") var standard: String?
    @Option(name: .long, help: "Served buildings are within this distance (m) of a sewer or combined pipe.") var servedWithin: Double = 30
    @Option(name: .long, help: "Unserved buildings are farther than this (m) from every sewer or combined pipe.") var unservedBeyond: Double = 100
    @Flag(name: .long, help: "Replace OUT and its truth file when they exist.") var force = false
    @OptionGroup var output: OutputOptions

    /// The largest city `--buildings` generates (and `cim bench` accepts): 20 million buildings.
    static let maximumBuildings = 20_000_000

    func validate() throws {
        try OptionValidation.standardFile(standard)
        try OptionValidation.integer(buildings, "--buildings", in: 1 ... Self.maximumBuildings)
        try OptionValidation.distance(servedWithin, "--served-within", zeroAllowed: false)
        try OptionValidation.distance(unservedBeyond, "--unserved-beyond", zeroAllowed: false)
        if !out.lowercased().hasSuffix(".gpkg") { throw ValidationError("OUT must be a GeoPackage whose name ends in .gpkg") }
        if servedWithin < 5 || unservedBeyond < servedWithin + 10 {
            throw ValidationError("--served-within must be ≥ 5 and --unserved-beyond at least 10 m larger")
        }
    }

    func run() throws {
        let truthPath = GenerationTruth.path(forStore: out)
        let files = FileManager.default
        for path in [out, truthPath] where files.fileExists(atPath: path) && !force {
            throw StoreError("already exists", file: path, hint: "pass --force to replace it, or choose another name")
        }
        let categories = try standard.map { try FacilityCategory.load(from: URL(fileURLWithPath: $0)) }
        let generator = try CityGenerator(options: CityGeneratorOptions(buildings: buildings, seed: seed, categories: categories,
                                                                        servedWithin: servedWithin, unservedBeyond: unservedBeyond))
        // Written under temporary names and renamed at the end: a failure leaves nothing half-written.
        let outURL = URL(fileURLWithPath: out)
        let directory = outURL.deletingLastPathComponent()
        let pid = ProcessInfo.processInfo.processIdentifier
        let partial = directory.appendingPathComponent(".\(outURL.deletingPathExtension().lastPathComponent).partial-\(pid).gpkg").path
        let partialTruth = directory.appendingPathComponent(".\(outURL.deletingPathExtension().lastPathComponent).partial-\(pid).truth.json").path
        let leftovers = [partial, partialTruth, partial + "-journal", partial + "-wal", partial + "-shm"]
        for path in leftovers where files.fileExists(atPath: path) { try files.removeItem(atPath: path) }
        defer { for path in leftovers where files.fileExists(atPath: path) { try? files.removeItem(atPath: path) } }
        let started = Date()
        let (truth, stats) = try write(generator, to: partial)
        try truth.json().write(toFile: partialTruth, atomically: false, encoding: .utf8)
        for path in [out, truthPath] where files.fileExists(atPath: path) { try files.removeItem(atPath: path) }
        try files.moveItem(atPath: partial, toPath: out)
        try files.moveItem(atPath: partialTruth, toPath: truthPath)
        let seconds = Date().timeIntervalSince(started)
        try output.emit(Self.summary(stats, seed: seed, buildings: buildings, out: out, truth: truthPath, seconds: seconds))
    }

    /// Generates into a new store at `path` (closed when this returns).
    private func write(_ generator: CityGenerator, to path: String) throws -> (GenerationTruth, GenerationStats) {
        let store = try openOrCreateStore(path, crs: try CoordinateReferenceSystem(epsg: CityGenerator.crsCode))
        let provenance = LayerProvenance(source: "cim generate --buildings \(buildings) --seed \(seed) (synthetic)",
                                         sourceCRS: "EPSG:\(CityGenerator.crsCode)")
        var stage: ProgressReporter?
        var stageLabel = ""
        let result = try generator.run(progress: { label, done, total in
            if label != stageLabel {
                stage?.finish()
                stage = ProgressReporter(label, total: total)
                stageLabel = label
            }
            stage?.update(done)
        }, write: { table in
            stage?.finish()
            stageLabel = ""
            let writer = ProgressReporter("writing \(table.name)", total: table.count)
            try store.writeLayer(table, provenance: provenance) { writer.update($0) }
            writer.finish()
        })
        stage?.finish()
        try store.setMetadata("synthetic", "true")
        try store.setMetadata("generator", "cim generate (CIMGenerate, truth format cim-generate-truth v1)")
        try store.setMetadata("seed", String(seed))
        try store.setMetadata("buildings", String(buildings))
        try store.setMetadata("served_within_m", String(servedWithin))
        try store.setMetadata("unserved_beyond_m", String(unservedBeyond))
        try store.setMetadata("truth_file", URL(fileURLWithPath: GenerationTruth.path(forStore: out)).lastPathComponent)
        return result
    }

    static func summary(_ s: GenerationStats, seed: UInt64, buildings: Int, out: String, truth: String, seconds: Double) -> [SummaryTable] {
        let widthKm = (s.extent.maxX - s.extent.minX) / 1000, heightKm = (s.extent.maxY - s.extent.minY) / 1000
        var overview = SummaryTable(title: "Synthetic city (seed \(seed))", key: "overview", headers: ["measure", "value"])
        overview.rows = [
            [.text("buildings"), .int(buildings)],
            [.text("grid (blocks)"), .text("\(s.cols) × \(s.rows)")],
            [.text("extent (km)"), .text(String(format: "%.1f × %.1f", widthKm, heightKm))],
            [.text("area (km²)"), .real(widthKm * heightKm, digits: 1)],
            [.text("residential buildings (%)"), .real(s.residentialShare * 100, digits: 1)],
            [.text("road length (km)"), .real(s.roadKm, digits: 1)],
            [.text("pipe length (km)"), .real(s.pipeKm, digits: 1)],
            [.text("building slots available"), .int(s.slotCapacity)],
            [.text("blank areas / unserved buildings"), .text("\(s.blankAreas) / \(s.unservedBuildings)")],
            [.text("store"), .text(out)],
            [.text("truth file"), .text(truth)],
            [.text("seconds"), .real(seconds, digits: 1)],
        ]
        var layers = SummaryTable(title: "Layers", key: "layers", headers: ["layer", "features"])
        layers.rows = s.layers.map { [.text($0.name), .int($0.count)] }
        var defects = SummaryTable(title: "Planted pipe defects (truth file)", key: "defects", headers: ["type", "count"])
        defects.rows = s.defects.map { [.text($0.type), .int($0.count)] }
        var stages = SummaryTable(title: "Timings", key: "timings", headers: ["stage", "seconds"])
        stages.rows = s.stages.map { [.text($0.name), .real($0.seconds, digits: 2)] }
        return [overview, layers, defects, stages]
    }
}
