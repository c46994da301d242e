import Foundation

extension Standard {
    /// The category a user names: its key (`kindergarten`), its Chinese name or an alias (`name_zh` or an
    /// `aliases_zh` entry: 幼儿园, 菜场 …) or its English name (any case); nil when the standard has no such
    /// category.
    public func category(named name: String) -> Category? {
        let text = name.trimmingCharacters(in: .whitespaces)
        return category(text) ?? categories.first { $0.isNamed(text) } ?? categories.first { $0.nameEn.lowercased() == text.lowercased() }
    }

    /// The key of the category a user names, or an error listing the keys.
    public func categoryKey(named name: String) throws -> String {
        guard let category = category(named: name) else {
            throw AnalysisError("no category '\(name)' in the standard \(self.name)",
                                hint: "categories: \(categories.map { "\($0.key) (\($0.nameZh))" }.joined(separator: ", "))")
        }
        return category.key
    }

    /// The standard with only the categories that serve `key` (itself and those that count as it), so a
    /// coverage run computes that category alone, with the same facilities and thresholds.
    public func restricted(to key: String) -> Standard {
        var copy = self
        let serving = Set(servingCategories(key))
        copy.categories = categories.filter { serving.contains($0.key) }
        return copy
    }
}
