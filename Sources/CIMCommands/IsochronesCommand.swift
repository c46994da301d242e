import ArgumentParser
import CIMAnalysis
import CIMStore
import Foundation

/// `cim isochrones STORE --category KEY`: walking service areas along the network.
struct IsochronesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "isochrones",
        abstract: "Walking service areas of a facility category along the road network (5, 10, 15 minutes), for all facilities or per facility.",
        discussion: """
        The reachable street pieces (partial edges included) within each walking distance are buffered by --width \
        metres and dissolved. Minutes become metres through the standard's life-circle levels (5 → 300 m, \
        10 → 500 m, 15 → 1000 m), other minutes through --metres-per-minute. The layer isochrones_<category> \
        is written to the store (or --out).
        """
    )

    @Argument(help: "The store (.gpkg).") var store: String
    @Option(name: .long, help: "The facility category: a key of the standard or its Chinese name (幼儿园).") var category: String
    @Option(name: .long, help: "Walking minutes, comma-separated.") var minutes: String = "5,10,15"
    @Flag(name: .long, help: "One service area per facility instead of one for all.") var perFacility = false
    @Option(name: .long, help: "Buffer width around reachable streets, metres.") var width: Double = Isochrones.defaultWidth
    @Option(name: .long, help: "Walking speed for minutes that are not a life-circle level.") var metresPerMinute: Double = 60
    @Option(name: .long, help: "Merge road vertices closer than this (m).") var snapTolerance: Double = 0
    @Option(name: .long, help: "Facilities farther than this (m) from every walkable road are left out.") var maxAccess: Double = NetworkCoverage.defaultMaxAccess
    @Option(name: .long, help: "A standard file (default: the shipped one).") var standard: String?
    @Option(name: .long, help: "Write the layer to this GeoPackage instead of the store.") var out: String?
    @OptionGroup var output: OutputOptions

    /// The longest walk `--minutes` accepts: a day.
    static let maximumMinutes = 1440.0

    func validate() throws {
        try OptionValidation.standardFile(standard)
        _ = try OptionValidation.realList(minutes, "--minutes", in: 0 ... Self.maximumMinutes, zeroAllowed: false, unit: "minutes")
        try OptionValidation.real(width, "--width", in: 0 ... OptionValidation.maximumTolerance, zeroAllowed: false)
        try OptionValidation.real(metresPerMinute, "--metres-per-minute", in: 0 ... 1_000, zeroAllowed: false, unit: "m/min")
        try OptionValidation.tolerance(snapTolerance, "--snap-tolerance")
        try OptionValidation.distance(maxAccess, "--max-access", zeroAllowed: false)
    }

    func run() throws {
        let values = try OptionValidation.realList(minutes, "--minutes", in: 0 ... Self.maximumMinutes, zeroAllowed: false, unit: "minutes")
        let standard = try self.standard.map { try Standard.load(URL(fileURLWithPath: $0)) } ?? Standard.shipped()
        // A Chinese name (幼儿园) or alias names its category's key; the layer is named by the key.
        let category = standard.category(named: self.category)?.key ?? self.category
        let store = try openStore(self.store, update: out == nil)
        if let out { try checkResultTarget(out, for: store) }
        for layer in ["roads", "facilities"] where !store.hasLayer(layer) {
            throw StoreError("the store has no \(layer) layer", file: store.address, hint: "import one: cim import \(store.address) \(layer) FILE")
        }
        let roads = try store.snapshot("roads", fields: ["walkable"])
        let facilities = try store.snapshot("facilities", fields: GapsCommand.existing(store, "facilities", ["id", "category", "name"]))
        let progress = ProgressReporter("isochrones (facility groups)")
        let result = try Isochrones.run(roads: roads, facilities: facilities, category: category, minutes: values, standard: standard,
                                        perFacility: perFacility, width: width, metresPerMinute: metresPerMinute,
                                        snapTolerance: snapTolerance, maxAccess: maxAccess) { done, _ in progress.update(done) }
        progress.finish()
        if result.offNetwork > 0 { printError("warning: \(result.offNetwork) facility(ies) are over \(Int(maxAccess)) m from any walkable road and were left out") }
        for warning in result.graph.warnings { printError("warning: \(warning)") }
        let name = "isochrones_\(category)"
        let target = try out.map { try openResultTarget($0, for: store) } ?? store
        try target.writeLayer(Isochrones.layer(result.areas, category: category, name: name),
                              provenance: LayerProvenance(source: "cim isochrones --category \(category) --minutes \(minutes)\(perFacility ? " --per-facility" : "")"))
        var table = SummaryTable(title: "Service areas of \(category) along the walk network (written to \(target.address): \(name))", key: "isochrones",
                                 headers: ["facility", "name", "minutes", "metres", "facilities", "area_km2"])
        table.rows = result.areas.prefix(perFacility ? 30 : Int.max).map {
            [.text($0.facilityId ?? "all"), .text($0.facilityName ?? ""), .real($0.minutes, digits: 0), .real($0.metres, digits: 0), .int($0.facilities), .real($0.areaM2 / 1e6, digits: 3)]
        }
        if perFacility && result.areas.count > 30 { table.notes.append("\(result.areas.count - 30) more rows in the layer") }
        try output.emit([table])
    }
}
