import ArgumentParser
import CIMAnalysis
import CIMStore
import CIMTables
import Foundation

/// `cim merge OUTDIR --into STORE`: joins the coverage each tile of a `cim split` computed into the whole
/// city's result layers (see ``TileMerge``).
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Joins the coverage_buildings rows each tile of cim split owns into the split store, and recomputes coverage_areas and the city figures.",
        discussion: """
        Reads OUTDIR/manifest.json and each tile's coverage_buildings (run cim coverage on every tile first, \
        with one --metric). The distances come from the tiles; the flags, area and city aggregates (from their \
        numerators and denominators) and, for the network metric, the access legs, small-component flags and \
        detours are recomputed on the whole store by the code of cim coverage, so with a halo at least the \
        cutoff the layers equal those of cim coverage on the whole city. A building some distance of which \
        the halo cannot vouch for gets beyond_halo = 1 (and a warning). Give the options the tiles were run \
        with (--standard, --cutoff, --unknown-residential, network options). coverage_buildings and \
        coverage_areas are written in one transaction.
        """
    )

    @Argument(help: "The folder cim split wrote.") var outdir: String
    @Option(name: .long, help: "The store that was split (.gpkg or postgresql://…): the merged layers are written there.") var into: String
    @Option(name: .long, help: "A standard file (default: the shipped GB 50180-2018 file).") var standard: String?
    @Option(name: .long, help: "The areas kind to aggregate over (community, district …).") var areas: String = "community"
    @Option(name: .long, help: "Grid cell size in metres when the store has no areas of that kind.") var grid: Double = 500
    @Option(name: .long, help: "The search cutoff in metres the tiles were run with (default: the standard's, 2000 m).") var cutoff: Double?
    @Flag(name: .long, help: "Count buildings of unknown use as residential (as the tiles were run).") var unknownResidential = false
    @Option(name: .long, help: "Network: the --snap-tolerance the tiles were run with (m).") var snapTolerance: Double = 0
    @Option(name: .long, help: "Network: the --max-access the tiles were run with (m).") var maxAccess: Double = NetworkCoverage.defaultMaxAccess
    @Option(name: .long, help: "How many worst areas to list.") var top: Int = 10
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try OptionValidation.standardFile(standard)
        try OptionValidation.distance(grid, "--grid", zeroAllowed: false)
        try OptionValidation.distance(cutoff, "--cutoff", zeroAllowed: false)
        try OptionValidation.tolerance(snapTolerance, "--snap-tolerance")
        try OptionValidation.distance(maxAccess, "--max-access", zeroAllowed: false)
        try OptionValidation.integer(top, "--top", in: 0 ... OptionValidation.maximumCount)
    }

    func run() throws {
        let standard = try self.standard.map { try Standard.load(URL(fileURLWithPath: $0)) } ?? Standard.shipped()
        let manifest = try TileManifest.read(folder: outdir)
        let store = try openStore(into, update: true)
        let fingerprint = try store.fingerprint("buildings")
        guard fingerprint.features == manifest.buildingsFeatures, fingerprint.hash == manifest.buildingsHash else {
            throw StoreError("the buildings are not those that were split into \(outdir) (from \(manifest.source))", file: store.address,
                             layer: "buildings", hint: "merge into the store that was split, or split it again")
        }
        var timings = StageTimings()
        let folder = URL(fileURLWithPath: outdir)
        let tiles = try manifest.tiles.map { entry -> (id: String, rows: FeatureTable) in
            let path = folder.appendingPathComponent(entry.store).path
            let tile = try openStore(path)
            guard tile.hasLayer("coverage_buildings") else {
                throw StoreError("tile \(entry.id) has no coverage_buildings", file: path, hint: "run cim coverage \(path) on every tile first")
            }
            return (entry.id, try tile.snapshot("coverage_buildings"))
        }
        let buildings = try store.snapshot("buildings", fields: GapsCommand.existing(store, "buildings", ["id", "floors", "height", "use", "residents", "households"]))
        let facilities = try store.snapshot("facilities", fields: ["category"])
        let areaTable = store.hasLayer("areas") ? try store.snapshot("areas", fields: ["id", "kind", "name"]) : nil
        let network = tiles.contains { $0.rows.column("access_m") != nil }
        let roads = network && store.hasLayer("roads") ? try store.snapshot("roads", fields: ["walkable"]) : nil
        timings.lap("load")
        let options = CoverageOptions(cutoff: cutoff, unknownIsResidential: unknownResidential, areaKind: areas, gridSize: grid)
        let merged = try TileMerge.coverage(tiles: tiles, buildings: buildings, facilities: facilities, roads: roads, areas: areaTable,
                                            standard: standard, options: options, snapTolerance: snapTolerance, maxAccess: maxAccess,
                                            halo: manifest.halo, timings: &timings)
        let result = merged.result
        let provenance = LayerProvenance(source: "cim merge \(outdir) (\(manifest.tiles.count) tiles, \(manifest.by), halo \(manifest.halo) m): cim coverage --metric \(result.metric.rawValue) (\(standard.name))")
        let layers = try LayerPresentations.attach([merged.buildingLayer(footprints: buildings), result.areaLayer()]) {
            try QGISMetadata.coverage($0, standard: standard)
        }
        try store.writeLayers(layers, provenance: provenance)
        timings.lap("write")
        for warning in result.warnings { printError("warning: \(warning)") }
        var summary = SummaryTable(title: "Merged \(manifest.tiles.count) tiles of \(outdir) into \(store.address)", key: "merge", headers: ["measure", "value"])
        summary.rows = [
            [.text("tiles"), .int(manifest.tiles.count)],
            [.text("split"), .text("\(manifest.by), halo \(manifest.halo) m")],
            [.text("residential buildings joined"), .int(result.buildings.count)],
            [.text("beyond_halo buildings"), .int(merged.beyondHalo.filter { $0 }.count)],
        ]
        try output.emit([summary] + CoverageCommand.summary(result, timings: timings, target: store.address, top: top))
    }
}
