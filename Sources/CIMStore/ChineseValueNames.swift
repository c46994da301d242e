import Foundation

/// The Chinese values the bundle understands without a mapping file: the `use`, `kind` … values of
/// `Data/values/chinese-values.json` (住宅 → residential, 商住 → mixed …), and the facility categories of the
/// shipped standard by their `name_zh` and `aliases_zh` (幼儿园 → kindergarten, 农贸市场 → fresh_market).
/// A user's `--values FILE` takes precedence.
public struct ChineseValueNames: Sendable {
    /// layer → field → Chinese value → bundle value.
    public var values: [String: [String: [String: String]]]
    /// Chinese name or alias → category key, and the keys themselves.
    public var categories: [String: String]
    public var categoryKeys: Set<String>

    public init(values: [String: [String: [String: String]]] = [:], categories: [String: String] = [:], categoryKeys: Set<String> = []) {
        self.values = values
        self.categories = categories
        self.categoryKeys = categoryKeys
    }

    /// The shipped lists (`Data/values/chinese-values.json`, `Data/standards/gb50180-2018.json`); empty
    /// lists when the data folder is not found.
    public static let shipped: ChineseValueNames = {
        var names = ChineseValueNames()
        if let url = DataFiles.url("values/chinese-values.json"), let data = FileManager.default.contents(atPath: url.path),
           let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            for (layer, fields) in root {
                guard let fields = fields as? [String: [String: String]] else { continue }
                names.values[layer] = fields
            }
        }
        if let url = DataFiles.url("standards/gb50180-2018.json") { names.addCategories(standardFile: url) }
        return names
    }()

    /// Adds the categories of a standard file: each key, its `name_zh` (and the " / "-separated parts of
    /// it) and its `aliases_zh`.
    mutating func addCategories(standardFile url: URL) {
        guard let data = FileManager.default.contents(atPath: url.path),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let list = root["categories"] as? [[String: Any]] else { return }
        for category in list {
            guard let key = category["key"] as? String else { continue }
            categoryKeys.insert(key)
            var names = (category["aliases_zh"] as? [String]) ?? []
            if let zh = category["name_zh"] as? String { names += [zh] + zh.components(separatedBy: " / ") }
            for name in names where categories[name] == nil { categories[name] = key }
        }
    }

    /// The bundle value of a Chinese value of `field` in `layer`, nil when the lists do not name it.
    public func map(layer: String, field: String, _ value: String) -> String? {
        let table = layer == "facilities" && field == "category" ? categories : values[layer]?[field]
        guard let table else { return nil }
        return table[value] ?? table[value.trimmingCharacters(in: .whitespaces)]
    }
}
