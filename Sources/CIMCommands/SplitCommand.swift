import ArgumentParser
import CIMAnalysis
import CIMStore
import CIMTables
import Foundation

/// `cim split STORE --by district|grid:METRES --halo METRES OUTDIR`: one store per tile for a city too
/// large for one worker (see ``TilePlan``), and the folder's `manifest.json` for `cim merge`.
struct SplitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Cuts a city into halo tiles: one store per tile with the buildings it owns and every facility, road and pipe within the halo.",
        discussion: """
        Every building belongs to exactly one tile, the one holding its reference point (PointOnSurface of the \
        footprint): its district (--by district; buildings of no district go to the tile 'outside') or its grid \
        cell (--by grid:METRES, cells [x0, x0+s) × [y0, y0+s) aligned on multiples of s). Each tile's store \
        (OUTDIR/tile-N.gpkg) holds its buildings plus every facility, road, pipe, pipe node, area and \
        waterlogging point whose envelope meets the owned footprints' envelope grown by --halo. Run an \
        analysis on each tile, then cim merge OUTDIR --into STORE. Distances up to the halo are exact in \
        every tile (straight line and along the network: a walk of length d stays within d); use a halo at \
        least the run's cutoff (default 2000 m). OUTDIR must not exist: it is written beside itself and \
        renamed into place, so it is never half-written.
        """
    )

    @Argument(help: "The store to split (.gpkg or postgresql://…).") var store: String
    @Option(name: .long, help: "district, or grid:METRES.") var by: String
    @Option(name: .long, help: "Halo in metres: every feature within it of a tile's buildings is copied into the tile.") var halo: Double
    @Argument(help: "The folder to create for the tiles and manifest.json.") var outdir: String
    @OptionGroup var output: OutputOptions

    /// The layers copied into every tile within its halo (buildings are copied by ownership).
    static let haloLayers = ["facilities", "roads", "pipes", "pipe_nodes", "areas", "waterlogging"]

    func validate() throws {
        do { _ = try TileScheme(parsing: by) } catch let error as AnalysisError { throw ValidationError(error.message) }
        try OptionValidation.distance(halo, "--halo", zeroAllowed: true)
    }

    func run() throws {
        let scheme = try TileScheme(parsing: by)
        let folder = URL(fileURLWithPath: outdir).standardizedFileURL
        guard !FileManager.default.fileExists(atPath: folder.path) else {
            throw StoreError("the tile folder exists already", file: folder.path, hint: "choose a new folder, or remove it first")
        }
        let source = try openStore(store)
        guard let crs = source.crs else { throw StoreError("the store has no CRS yet (no layer imported)", file: source.address) }
        guard source.hasLayer("buildings") else {
            throw StoreError("the store has no buildings layer", file: source.address, hint: "import one: cim import \(source.address) buildings FILE")
        }
        let buildings = try source.snapshot("buildings")
        let others = try Self.haloLayers.filter { source.hasLayer($0) }.map { try source.snapshot($0) }
        let plan = try TilePlan(buildings: buildings, areas: others.first { $0.name == "areas" }, scheme: scheme, halo: halo)
        let fingerprint = try source.fingerprint("buildings")

        // Written in a temporary folder beside the target and renamed into place: all tiles or none.
        let temporary = folder.deletingLastPathComponent().appendingPathComponent(".\(folder.lastPathComponent).tmp-\(getpid())")
        try? FileManager.default.removeItem(at: temporary)
        do {
            try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: false)
        } catch {
            throw StoreError("cannot create the tile folder (\(error.localizedDescription))", file: temporary.path)
        }
        var entries: [TileManifest.Tile] = []
        var table = SummaryTable(title: "Tiles of \(source.address) (\(scheme), halo \(halo) m) in \(folder.path)", key: "tiles",
                                 headers: ["tile", "store", "buildings"] + Self.haloLayers)
        do {
            let provenanceBase = "cim split \(source.address) --by \(scheme) --halo \(halo)"
            for (i, tile) in plan.tiles.enumerated() {
                let name = "tile-\(i + 1).gpkg"
                let target = try openOrCreateStore(temporary.appendingPathComponent(name).path, crs: crs)
                var tables = [buildings.rows(tile.buildingRows)]
                tables += others.map { $0.rows(plan.rowsWithinHalo($0, of: tile)) }
                try target.writeLayers(tables, provenance: LayerProvenance(source: "\(provenanceBase), tile \(tile.id)"))
                let region = tile.region, grown = tile.haloEnvelope
                entries.append(TileManifest.Tile(id: tile.id, store: name, core: [region.minX, region.minY, region.maxX, region.maxY],
                                                 buildings: tile.buildingRows.count,
                                                 haloEnvelope: [grown.minX, grown.minY, grown.maxX, grown.maxY]))
                table.rows.append([.text(tile.id), .text(name), .int(tile.buildingRows.count)]
                                  + Self.haloLayers.map { layer in tables.first { $0.name == layer }.map { .int($0.count) } ?? .null })
            }
            let manifest = TileManifest(source: source.address, by: scheme.description, halo: halo, crs: crs.identifier,
                                        buildingsFeatures: fingerprint.features, buildingsHash: fingerprint.hash, tiles: entries)
            try manifest.encoded().write(to: temporary.appendingPathComponent(TileManifest.fileName))
            try FileManager.default.moveItem(at: temporary, to: folder)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        table.notes.append("next: run cim coverage on each tile, then cim merge \(outdir) --into \(store)")
        try output.emit([table])
    }
}
