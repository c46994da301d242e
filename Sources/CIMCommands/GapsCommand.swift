import ArgumentParser
import CIMAnalysis
import CIMStore
import Foundation

/// `cim gaps STORE`: pipe service distances, pipe-network blank zones (管网空白区) and blank areas.
struct GapsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gaps",
        abstract: "Pipe-network blank zones (管网空白区): buildings with no sewer within reach, grouped into zones; blank built-up land.",
        discussion: """
        Pipe service distance of every building: the distance from its footprint to the nearest pipe of --kinds \
        (0 when a pipe touches it). A building is unserved when that distance exceeds --radius (default 50 m, \
        in the lower half of practice's 30–100 m lateral length) and its reference point lies in the built-up \
        land. Unserved buildings within --merge metres of each other (footprint to footprint) form one blank \
        zone; the zone polygon is the union of their footprints buffered out by half the merge distance and \
        back in by as much, unioned with the footprints. Per zone: buildings, floor area (footprint × floors), \
        residents (residential and mixed buildings, the standard's floor area per resident), distance to the \
        nearest pipe, district.

        Blank areas: the built-up land (the areas of kind --within, default builtup; derived from the \
        buildings when the store has none) minus the union of the pipes' --radius buffers.

        Results go to the layers pipe_service, blank_zones and blank_areas of the store (or of --out); a \
        summary is printed. Everything is computed before anything is written.
        """
    )

    @OptionGroup var stores: StoreOptions
    @Option(name: .long, help: "Pipe kinds that serve buildings: storm, sewer, combined, water, other, unknown (no kind) or all.") var kinds: String = "sewer,combined"
    @Option(name: .long, help: "Service radius in metres: farther buildings are unserved.") var radius: Double = GapsOptions.defaultRadius
    @Option(name: .long, help: "Unserved buildings within this many metres of each other form one zone.") var merge: Double = GapsOptions.defaultMerge
    @Option(name: .long, help: "The areas kind of the built-up land (default: builtup when present, else derived from the buildings).") var within: String?
    @Option(name: .long, help: "The areas kind zones are reported by.") var districts: String = "district"
    @Flag(name: .long, help: "Count buildings of unknown use as residential.") var unknownResidential = false
    @Option(name: .long, help: "A standard file for floor height and floor area per resident (default: the shipped one).") var standard: String?
    @Option(name: .long, help: "Write the result layers to this store (.gpkg or postgresql://…) instead of the store.") var out: String?
    @Option(name: .long, help: "How many of the largest zones to list.") var top: Int = 10
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try OptionValidation.standardFile(standard)
        try OptionValidation.distance(radius, "--radius", zeroAllowed: true)
        try OptionValidation.distance(merge, "--merge", zeroAllowed: true)
        try OptionValidation.integer(top, "--top", in: 0 ... OptionValidation.maximumCount)
        do { _ = try PipeKinds.parse(kinds) } catch let error as AnalysisError { throw ValidationError("--kinds: \(error)") }
    }

    func run() throws {
        let kinds = try PipeKinds.parse(self.kinds)
        let standard = try self.standard.map { try Standard.load(URL(fileURLWithPath: $0)) } ?? Standard.shipped()
        var run = try AnalysisRun(stores, out: out, requires: [.buildings, .pipes], nonEmpty: ["buildings", "pipes"])
        let buildings = try run.load("buildings", fields: ["id", "floors", "height", "use", "residents", "households"])
        let pipes = try run.load("pipes", fields: ["id", "kind"]) // diameters and inverts are for the audit, not here
        let areas = try run.loadIfPresent("areas", fields: ["id", "kind", "name"])
        run.lap("load")
        var options = GapsOptions(kinds: kinds, radius: radius, merge: merge, builtUpKind: within, districtKind: districts,
                                  unknownIsResidential: unknownResidential)
        // The blank areas (the slowest stage) are computed on their own thread while pipe_service and
        // blank_zones are written (one core writes SQLite or COPY, the other is free); all three layers land
        // in one transaction: either all or none.
        options.computeBlankAreas = false
        let progress = StageProgress()
        let partial = try AnalysisRun.analyse(run.store.address) {
            try PipeGaps.run(buildings: buildings, pipes: pipes, areas: areas, standard: standard, options: options, timings: &run.timings) {
                progress.update($0, $1, $2)
            }
        }
        progress.finish()
        let address = run.store.address
        progress.mute(true)
        let blankAreas = BackgroundWork { () throws -> GapsResult in
            var result = partial
            try AnalysisRun.analyse(address) { try PipeGaps.addBlankAreas(to: &result) { progress.update($0, $1, $2) } }
            return result
        }
        let ready = [partial.serviceLayer(), partial.zoneLayer()]
        let source = "cim gaps --kinds \(kinds) --radius \(radius) --merge \(merge)"
        let target = try run.write(ready, then: PendingLayers(names: ["blank_areas"]) { [try blankAreas.wait().blankAreaLayer()] },
                                   whileWaiting: { progress.mute(false) }, source: source) { try QGISMetadata.gaps($0) }
        progress.finish()
        // Without a write (never for gaps today) the blank areas are still waited for.
        let result = try blankAreas.wait()
        run.timings.record("blank areas (alongside the write)", seconds: blankAreas.seconds)
        for warning in result.warnings { printError("warning: \(warning)") }
        try output.emit(Self.summary(result, timings: run.timings, target: target?.address ?? "", top: top))
    }

    /// The wanted fields that the layer has (foreign GeoPackages may lack some).
    static func existing(_ store: any LayerStore, _ layer: String, _ wanted: [String]) -> [String] {
        let have = Set(store.fields(layer).map(\.name))
        return wanted.filter(have.contains)
    }

    static func summary(_ r: GapsResult, timings: StageTimings, target: String, top: Int) -> [SummaryTable] {
        let n = r.buildings.count
        let unserved = r.unservedBuildings
        let served = (0 ..< n).filter(r.isServed).count
        let inScope = r.inScope.filter { $0 }.count
        let unservedFloor = unserved.reduce(0.0) { $0 + r.buildings.floorArea[$1] }
        let unservedResidents = unserved.reduce(0.0) { $0 + r.buildings.residents[$1] }
        let totalFloor = r.buildings.floorArea.reduce(0, +)
        let totalResidents = r.buildings.residents.reduce(0, +)
        func share(_ a: Double, _ b: Double) -> Cell { .real(b > 0 ? a / b * 100 : 0, digits: 1) }
        var overview = SummaryTable(title: "Pipe-network blank zones (管网空白区) — kinds \(r.options.kinds), radius \(fmt(r.options.radius)) m, merge \(fmt(r.options.merge)) m",
                                    key: "overview", headers: ["measure", "value"])
        overview.rows = [
            [.text("pipes used"), .int(r.pipes.count)],
            [.text("pipe length (km)"), .real(r.pipes.lengths.reduce(0, +) / 1000, digits: 2)],
            [.text("buildings"), .int(n)],
            [.text("buildings in the built-up land"), .int(inScope)],
            [.text("served buildings (pipe within the radius)"), .int(served)],
            [.text("unserved buildings (built-up land)"), .int(unserved.count)],
            [.text("unserved buildings (%)"), share(Double(unserved.count), Double(inScope))],
            [.text("unserved floor area (m²)"), .real(unservedFloor, digits: 0)],
            [.text("unserved floor area (%)"), share(unservedFloor, totalFloor)],
            [.text("unserved residents (estimated)"), .real(unservedResidents, digits: 0)],
            [.text("unserved residents (%)"), share(unservedResidents, totalResidents)],
            [.text("blank zones"), .int(r.zones.count)],
            [.text("blank zone area (km²)"), .real(r.zones.reduce(0) { $0 + $1.area } / 1e6, digits: 3)],
            [.text("built-up land"), .text(r.builtUp.source)],
            [.text("built-up area (km²)"), .real(r.builtUpArea / 1e6, digits: 3)],
            [.text("blank area beyond every pipe buffer (km²)"), .real(r.blankAreas.totalArea / 1e6, digits: 3)],
            [.text("blank share of the built-up area (%)"), share(r.blankAreas.totalArea, r.builtUpArea)],
            [.text("results written to"), .text("\(target): pipe_service, blank_zones, blank_areas")],
        ]
        var largest = SummaryTable(title: "Largest blank zones (by floor area)", key: "zones",
                                   headers: ["zone", "buildings", "floor_area_m2", "residents", "area_m2", "nearest_pipe_m", "nearest_pipe", "district"])
        for z in r.zones.prefix(top) {
            largest.rows.append([.text(z.id), .int(z.buildings), .real(z.floorArea, digits: 0), .real(z.residents, digits: 0), .real(z.area, digits: 0),
                                 z.nearestPipeDistance.isFinite ? .real(z.nearestPipeDistance, digits: 1) : .null,
                                 z.nearestPipe >= 0 ? .text(r.pipes.ids[z.nearestPipe]) : .null,
                                 z.district >= 0 ? .text(r.districts!.names[z.district] ?? r.districts!.ids[z.district]) : .null])
        }
        if r.zones.count > top { largest.notes.append("\(r.zones.count - top) more in the layer blank_zones") }
        var tables = [overview, dataQualityTable(r.buildings.quality, counted: r.buildings.count), largest]
        if !r.byDistrict.isEmpty {
            var districts = SummaryTable(title: "By district", key: "districts",
                                         headers: ["district", "name", "buildings", "unserved", "unserved_floor_area_m2", "unserved_residents", "zones", "blank_area_m2"])
            for d in r.byDistrict {
                districts.rows.append([.text(d.id), .text(d.name ?? ""), .int(d.buildings), .int(d.unserved), .real(d.unservedFloorArea, digits: 0),
                                       .real(d.unservedResidents, digits: 0), .int(d.zones), .real(d.blankArea, digits: 0)])
            }
            tables.append(districts)
        }
        var stages = SummaryTable(title: "Timings", key: "timings", headers: ["stage", "seconds"])
        stages.rows = timings.stages.map { [.text($0.name), .real($0.seconds, digits: 3)] }
        tables.append(stages)
        return tables
    }
}

/// A number without trailing zeros ("50", "12.5").
func fmt(_ value: Double) -> String { String(format: "%g", value) }

/// Progress for analyses that report (stage, done, total): one reporter per stage.
///
/// `@unchecked Sendable` is safe here: `stage` and `reporter` are only read and written while holding `lock`.
final class StageProgress: @unchecked Sendable {
    private var stage = ""
    private var reporter: ProgressReporter?
    private var muted = false
    private let lock = NSLock()
    func update(_ name: String, _ done: Int, _ total: Int) {
        lock.lock(); defer { lock.unlock() }
        guard !muted else { return }
        if name != stage {
            reporter?.finish()
            reporter = ProgressReporter(name, total: total)
            stage = name
        }
        reporter?.update(done)
    }
    func finish() { lock.lock(); reporter?.finish(); lock.unlock() }
    /// Stops (true) or resumes (false) drawing: another progress line has the terminal meanwhile.
    func mute(_ muted: Bool) {
        lock.lock(); defer { lock.unlock() }
        self.muted = muted
        if muted { reporter?.finish(); reporter = nil; stage = "" }
    }
}
