import CIMAnalysis
import CIMReport
import CIMStore
import Foundation

/// The result layers a report shows: read from the store when present (coverage_areas, blank_zones,
/// pipe_defects), else computed in memory through the engines of `cim coverage`, `cim gaps` and
/// `cim audit` with their default options (nothing is written).
enum ReportLayers {
    static func gather(into input: inout ReportInput, store: any LayerStore, standard: Standard) throws {
        var timings = StageTimings()
        let fromLayer = input.language == .zh ? "来自图层" : "from the layer"
        let computed = input.language == .zh ? "由报告按相同引擎计算 (默认参数)" : "computed for the report through the same engine (default options)"
        func analysisError<T>(_ body: () throws -> T) throws -> T {
            do { return try body() } catch let error as AnalysisError { throw StoreError(error.message, file: store.address, hint: error.hint) }
        }
        let buildingFields = GapsCommand.existing(store, "buildings", ["id", "floors", "height", "use"])
        var buildings: FeatureTable?
        func loadBuildings() throws -> FeatureTable {
            if let buildings { return buildings }
            let table = try store.snapshot("buildings", fields: buildingFields)
            buildings = table
            return table
        }
        let areas = store.hasLayer("areas") ? try store.snapshot("areas", fields: GapsCommand.existing(store, "areas", ["id", "kind", "name"])) : nil

        if store.hasLayer("coverage_areas") {
            input.coverageAreas = try store.snapshot("coverage_areas")
            input.coverageOrigin = "\(fromLayer) coverage_areas"
        } else if store.hasLayer("facilities") {
            let facilities = try store.snapshot("facilities", fields: ["category"])
            let result = try analysisError {
                try StraightLineCoverage.run(buildings: try loadBuildings(), facilities: facilities, areas: areas, standard: standard,
                                             options: CoverageOptions(), timings: &timings)
            }
            input.coverageAreas = result.areaLayer()
            input.coverageOrigin = "\(computed): cim coverage"
        } else {
            input.coverageOrigin = input.language == .zh ? "需要图层 facilities" : "needs layer facilities"
        }

        if store.hasLayer("pipes") {
            input.pipes = try store.snapshot("pipes", fields: GapsCommand.existing(store, "pipes", ["id", "kind", "diameter_mm", "up_invert", "down_invert"]))
        }
        if store.hasLayer("blank_zones") {
            input.blankZones = try store.snapshot("blank_zones")
            input.drainageOrigin = "\(fromLayer) blank_zones"
        } else if let pipes = input.pipes, pipes.count > 0 {
            let result = try analysisError {
                try PipeGaps.run(buildings: try loadBuildings(), pipes: pipes, areas: areas, standard: standard, options: GapsOptions(), timings: &timings)
            }
            input.blankZones = result.zoneLayer()
            input.drainageOrigin = "\(computed): cim gaps"
        } else {
            input.drainageNeeds = input.language == .zh ? "需要图层 pipes" : "needs layer pipes"
        }
        if input.blankZones != nil { input.buildings = try loadBuildings() }

        if store.hasLayer("pipe_defects") {
            input.defects = try store.snapshot("pipe_defects")
            input.defectsOrigin = "\(fromLayer) pipe_defects"
        } else if let pipes = input.pipes, pipes.count > 0 {
            let nodes = store.hasLayer("pipe_nodes") ? try store.snapshot("pipe_nodes", fields: GapsCommand.existing(store, "pipe_nodes", ["id", "kind", "ground_z", "invert_z"])) : nil
            let result = try analysisError { try PipeAudit.run(pipes: pipes, nodes: nodes, options: AuditOptions(), timings: &timings) }
            input.defects = result.defectLayer()
            input.defectsOrigin = "\(computed): cim audit"
        } else {
            input.defectsOrigin = input.language == .zh ? "需要图层 pipes" : "needs layer pipes"
        }
    }
}
