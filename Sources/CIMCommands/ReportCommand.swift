import ArgumentParser
import CIMAnalysis
import CIMReport
import CIMStore
import Foundation

/// `cim report STORE --out report.html`: the health-check report (城市体检报告) as one self-contained HTML file.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The health-check report (城市体检报告): one self-contained HTML file with tables and SVG maps, zh or en.",
        discussion: """
        Uses the stored check of --year (the latest of that year; without --year the latest check) and runs the \
        check without recording it when there is none. Life-circle coverage, blank zones and pipe defects come \
        from the layers coverage_areas, blank_zones and pipe_defects when the store has them, else they are \
        computed for the report through the same engines as cim coverage, cim gaps and cim audit (default \
        options). The store is only read. The file has no external references: inline CSS and SVG, system fonts.
        """
    )

    @Argument(help: "The store (.gpkg).") var store: String
    @Option(name: .long, help: "Language of the report: zh (default) or en.") var lang: Language = .zh
    @Option(name: .long, help: "The check year (default: the year of the latest stored check).") var year: Int?
    @Option(name: .long, help: "Compare with the latest stored check of this year.") var baseline: Int?
    @Option(name: .long, help: "An indicator file (default: the shipped Data/indicators/city-health-check.json).") var indicators: String?
    @Option(name: .long, help: "A standard file (default: the shipped GB 50180-2018 file).") var standard: String?
    @Option(name: .long, help: "Maps draw layers with more features than this as grid cells.") var maxDrawn: Int = 20_000
    @Option(name: .long, help: "The HTML file to write.") var out: String

    func validate() throws {
        if let year, !(1900 ... 2200).contains(year) { throw ValidationError("--year must be a year between 1900 and 2200, got \(year)") }
        if let baseline, !(1900 ... 2200).contains(baseline) { throw ValidationError("--baseline must be a year between 1900 and 2200, got \(baseline)") }
        if !(100 ... 10_000_000).contains(maxDrawn) { throw ValidationError("--max-drawn must be between 100 and 10000000") }
        let ext = (out as NSString).pathExtension.lowercased()
        if ext != "html" && ext != "htm" { throw ValidationError("--out must be an .html file, got '\(out)'") }
    }

    func run() throws {
        let standard = try self.standard.map { try Standard.load(URL(fileURLWithPath: $0)) } ?? Standard.shipped()
        let system = try self.indicators.map { try IndicatorSystem.load(URL(fileURLWithPath: $0), standard: standard) } ?? IndicatorSystem.shipped(standard: standard)
        guard FileManager.default.fileExists(atPath: store) else { throw StoreError("the store does not exist", file: store) }
        let store = try openStore(self.store)
        guard store.hasLayer("buildings") else {
            throw StoreError("the store has no buildings layer", file: store.address, hint: "import one: cim import \(store.address) buildings FILE")
        }
        let checks = try store.checkRecords()
        var input: ReportInput
        let now = ISO8601DateFormatter().string(from: Date())
        let name = (store.address as NSString).lastPathComponent
        if let stored = checks.last(where: { year == nil || $0.year == year! }) {
            let areas = store.hasLayer("check_areas") ? try store.snapshot("check_areas", fields: ["kind", "id", "name"])
                : store.hasLayer("areas") ? try store.snapshot("areas", fields: ["kind", "id", "name"]) : nil
            input = ReportInput(language: lang, storeName: name, crs: store.crs, check: stored, checkStored: true,
                                values: try store.checkValues(check: stored.id), system: system, standard: standard,
                                layers: try store.layerRecords(), checkAreas: areas, generatedAt: now)
        } else {
            guard let year else {
                throw StoreError("the store has no recorded check", file: store.address, hint: "give --year YEAR to compute one for the report, or run cim check \(store.address) --year YEAR")
            }
            printError("note: no stored check of \(year) in \(store.address); computing it for the report (not recorded)")
            let result: CheckResult
            do {
                result = try HealthCheck.run(inputs: try CheckCommand.loadInputs(store), standard: standard, system: system,
                                             options: CheckOptions(year: year, metric: .euclidean, gridSize: 500, snapTolerance: 0,
                                                                   maxAccess: NetworkCoverage.defaultMaxAccess, unknownIsResidential: false))
            } catch let error as AnalysisError {
                throw StoreError(error.message, file: store.address, hint: error.hint)
            }
            let record = CheckRecord(year: year, time: now, indicatorFile: system.fileName.isEmpty ? "city-health-check.json" : system.fileName,
                                     indicatorHash: system.fileHash, inputs: [], cimVersion: CIMCommand.version, metric: "euclidean",
                                     index: result.index.overall, dimensionIndex: result.dimensionIndexJSON)
            var needs: [String: String] = [:]
            for r in result.indicators { if let n = r.needs { needs[r.indicator.key] = n } }
            input = ReportInput(language: lang, storeName: name, crs: store.crs, check: record, checkStored: false, values: result.valueRecords(),
                                needs: needs, system: system, standard: standard, layers: try store.layerRecords(), checkAreas: result.areaLayer(),
                                generatedAt: now)
        }
        if let baseline {
            guard let check = checks.last(where: { $0.year == baseline }) else {
                let years = Set(checks.map(\.year)).sorted().map(String.init).joined(separator: ", ")
                throw StoreError("no stored check of year \(baseline)", file: store.address,
                                 hint: checks.isEmpty ? "run cim check \(store.address) --year \(baseline) first" : "stored check years: \(years)")
            }
            input.baseline = (check, try store.checkValues(check: check.id))
        }
        input.maxDrawnFeatures = maxDrawn
        try ReportLayers.gather(into: &input, store: store, standard: standard)
        let html = HealthReport(input).render()
        try writeAtomically(html, to: out)
        let size = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? html.utf8.count
        print("report written to \(out) (\(String(format: "%.1f", Double(size) / 1_048_576)) MB, check #\(input.check.id) of \(input.check.year), \(lang.rawValue))")
    }

    /// Writes beside the target and moves into place, so a failed run leaves any previous report whole.
    private func writeAtomically(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: directory.path) else {
            throw StoreError("the folder of the report does not exist", file: path)
        }
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try Data(text.utf8).write(to: temporary)
            // rename(2) replaces the target in one step (FileManager.replaceItemAt is not atomic on Linux).
            guard rename(temporary.path, url.path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw StoreError("cannot write the report: \(error.localizedDescription)", file: path)
        }
    }
}
