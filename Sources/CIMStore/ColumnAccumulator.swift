/// Attribute columns filled row by row while a layer is read (by OGR or straight from the GeoPackage
/// table): one typed array per field, reserved up front, turned into ``AttributeColumn``s at the end.
struct ColumnAccumulator {
    let specs: [FieldSpec]
    private var ints: [[Int64?]]
    private var reals: [[Double?]]
    private var texts: [[String?]]

    /// Columns for `specs`, with room for `expected` rows.
    init(_ specs: [FieldSpec], expected: Int) {
        self.specs = specs
        ints = Array(repeating: [], count: specs.count)
        reals = Array(repeating: [], count: specs.count)
        texts = Array(repeating: [], count: specs.count)
        for (k, spec) in specs.enumerated() {
            switch spec.type {
            case .integer: ints[k].reserveCapacity(expected)
            case .real: reals[k].reserveCapacity(expected)
            case .text: texts[k].reserveCapacity(expected)
            }
        }
    }

    @inline(__always) mutating func append(_ k: Int, integer value: Int64?) { ints[k].append(value) }
    @inline(__always) mutating func append(_ k: Int, real value: Double?) { reals[k].append(value) }
    @inline(__always) mutating func append(_ k: Int, text value: String?) { texts[k].append(value) }

    /// The columns, in `specs` order.
    var columns: [AttributeColumn] {
        specs.enumerated().map { k, spec -> AttributeColumn in
            switch spec.type {
            case .integer: return AttributeColumn(spec.name, .integer(ints[k]))
            case .real: return AttributeColumn(spec.name, .real(reals[k]))
            case .text: return AttributeColumn(spec.name, .text(texts[k]))
            }
        }
    }
}
