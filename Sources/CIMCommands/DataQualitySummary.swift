import CIMAnalysis

/// The "Data quality" table of the coverage and gaps summaries (key `data_quality`): what the numbers rest on.
func dataQualityTable(_ q: BuildingDataQuality, counted: Int, categoriesWithoutFacilities: [String]? = nil) -> SummaryTable {
    var table = SummaryTable(title: "Data quality (what the numbers rest on)", key: "data_quality", headers: ["measure", "value"])
    table.rows = [
        [.text("buildings left out: unknown use (count them with --unknown-residential)"), .int(q.leftOutUnknownUse)],
        [.text("buildings with floors assumed (no floors, no height: 1 floor)"), .int(q.floorsAssumed)],
        [.text("buildings with floors from height ÷ floor height"), .int(q.floorsFromHeight)],
        [.text("buildings with residents from the source (residents)"), .int(q.residentsGiven)],
        [.text("buildings with residents from households × persons per household"), .int(q.residentsFromHouseholds)],
        [.text("buildings with residents estimated from floor area"), .int(max(0, counted - q.residentsGiven - q.residentsFromHouseholds))],
    ]
    if let missing = categoriesWithoutFacilities {
        table.rows.append([.text("categories with no facility at all"), .text(missing.isEmpty ? "none" : missing.joined(separator: ", "))])
    }
    return table
}
