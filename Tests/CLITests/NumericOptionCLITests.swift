import Foundation
import Testing

/// Every numeric option of every command, found in the command's `--help` (so that a new option cannot be
/// forgotten: an option that is neither listed here as non-numeric nor refused below fails the test), is
/// given NaN, infinities, a negative number, an absurdly large number and — where it makes no sense — zero.
/// Each must exit with status 2 and ONE line naming the option, print nothing else, and write nothing.
@Suite(.serialized) struct NumericOptionCLITests {
    /// The options of each command that take no number.
    static let nonNumeric: [String: Set<String>] = [
        "import": ["source-layer", "map", "values", "preset", "source-crs", "crs", "diameter-unit", "encoding", "x", "y", "set",
                   "id-prefix", "no-node-where", "keep-fields", "format", "lang"],
        "info": ["format", "lang"],
        "query": ["where", "coords-crs", "format", "lang"],
        "export": ["where", "fields", "t-srs"],
        "coverage": ["standard", "metric", "areas", "out", "what-if", "format", "lang"],
        "isochrones": ["category", "standard", "out", "format", "lang"],
        "gaps": ["kinds", "within", "districts", "standard", "out", "format", "lang"],
        "audit": ["kinds", "out", "format", "lang"],
        "generate": ["standard", "format", "lang"],
        "bench": ["stages", "store", "work", "format", "lang"],
        "check": ["indicators", "standard", "metric", "baseline", "lang", "what-if", "format"],
        "checks": ["format", "lang"],
        "plan": ["category", "candidates", "metric", "weight", "what-if-out", "standard", "format", "lang"],
        "explain": ["metric", "areas", "standard", "format", "lang"],
        "report": ["lang", "indicators", "standard", "out"],
        "batch": ["format", "out-dir", "lang"],
        "split": ["format", "out-dir", "lang"],
        "merge": ["into", "standard", "areas", "format", "out-dir", "lang"],
        "fingerprints": ["record-in", "format", "out-dir", "lang"],
    ]
    /// Numeric options for which 0 is meaningful (a tolerance of 0, listing no rows, seed 0 …).
    static let zeroAllowed: [String: Set<String>] = [
        "query": ["within"], "coverage": ["snap-tolerance", "top"], "isochrones": ["snap-tolerance"],
        "gaps": ["radius", "merge", "top"], "audit": ["gap-tolerance", "node-tolerance", "top"],
        "generate": ["seed"], "bench": ["seed"],
        "check": ["snap-tolerance", "top"], "plan": ["snap-tolerance", "min-gain"], "explain": ["snap-tolerance"],
        "split": ["halo"], "merge": ["snap-tolerance", "top"],
    ]
    /// Coordinates: negative numbers and zero are fine, NaN, infinities and absurd sizes are not.
    static let signedAllowed: [String: Set<String>] = ["query": ["bbox", "near"]]
    /// Options whose value is a list of numbers: how a bad number is put in.
    static let templates: [String: String] = ["bbox": "V,0,1,1", "near": "V,0", "minutes": "5,V", "buildings": "V", "by": "grid:V"]

    /// The command lines, STORE and DIR standing for a store and its folder, that would do real work.
    static let baseArguments: [String: [String]] = [
        "import": ["STORE", "buildings", "DIR/missing.geojson"], "info": ["STORE"], "query": ["STORE", "buildings", "--near", "0,0", "--within", "10"],
        "export": ["STORE", "buildings", "DIR/out.geojson"], "coverage": ["STORE"], "isochrones": ["STORE", "--category", "bus_stop"],
        "gaps": ["STORE", "--kinds", "all"], "audit": ["STORE", "--kinds", "all"], "generate": ["DIR/new.gpkg", "--buildings", "10"],
        "bench": ["--buildings", "10", "--work", "DIR/bench"],
        "check": ["STORE", "--year", "2025"], "checks": ["STORE"], "plan": ["STORE", "--category", "bus_stop", "--add", "2"],
        "explain": ["STORE", "1"], "report": ["STORE", "--out", "DIR/report.html"],
        "batch": ["DIR/cities.json", "--jobs", "1"], "split": ["STORE", "DIR/tiles", "--by", "grid:2000", "--halo", "500"],
        "merge": ["DIR/tiles", "--into", "STORE"], "fingerprints": ["STORE"],
    ]

    /// The `--name <value>` options of a command's help.
    func valueOptions(_ command: String) throws -> [String] {
        let help = try cim(command, "--help").stdout
        let regex = try NSRegularExpression(pattern: #"--([a-z][a-z-]*) <"#)
        let names = regex.matches(in: help, range: NSRange(help.startIndex..., in: help)).compactMap { Range($0.range(at: 1), in: help).map { String(help[$0]) } }
        return Array(Set(names)).sorted()
    }

    @Test func everyCommandIsCovered() throws {
        let help = try cim("--help").stdout
        let listed = help.components(separatedBy: "SUBCOMMANDS:").last ?? ""
        let regex = try NSRegularExpression(pattern: #"(?m)^  ([a-z]+) "#)
        let commands = regex.matches(in: listed, range: NSRange(listed.startIndex..., in: listed)).compactMap { Range($0.range(at: 1), in: listed).map { String(listed[$0]) } }
        #expect(commands.count >= 10, "\(commands)")
        for command in commands { #expect(Self.nonNumeric[command] != nil, "command \(command) is not walked by this test") }
    }

    @Test(arguments: ["import", "info", "query", "export", "coverage", "isochrones", "gaps", "audit", "generate", "bench",
                      "check", "checks", "plan", "explain", "report", "batch", "split", "merge", "fingerprints"])
    func badNumbersExitWithOneLine(_ command: String) throws {
        let (folder, store) = try helsinkiStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let numeric = try valueOptions(command).filter { !(Self.nonNumeric[command] ?? []).contains($0) }
        let base = Self.baseArguments[command]!.map { $0.replacingOccurrences(of: "STORE", with: store).replacingOccurrences(of: "DIR", with: folder.path) }
        let filesBefore = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        let stateBefore = try StoreState(store)
        for option in numeric {
            var values = ["nan", "inf", "-inf", "1e308", "-0.5e309"]
            if !(Self.signedAllowed[command] ?? []).contains(option) {
                values.append("-1")
                if !(Self.zeroAllowed[command] ?? []).contains(option) { values.append("0") }
            }
            // The command line without the option under test (it may be in the base line).
            var arguments = base
            if let i = arguments.firstIndex(of: "--\(option)") { arguments.removeSubrange(i ... i + 1) }
            for value in values {
                let text = (Self.templates[option] ?? "V").replacingOccurrences(of: "V", with: value)
                let result = try cim([command] + arguments + ["--\(option)=\(text)"])
                let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
                #expect(result.status == 2, "\(command) --\(option)=\(text): status \(result.status), \(result.stderr)")
                #expect(lines.count == 1 && lines[0].hasPrefix("Error:") && lines[0].contains("--\(option)"),
                        "\(command) --\(option)=\(text): one line naming the option, got \(result.stderr)")
                #expect(result.stdout.isEmpty, "\(command) --\(option)=\(text) printed \(result.stdout)")
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == filesBefore, "\(command): nothing written")
        #expect(try StoreState(store) == stateBefore, "\(command): the store is unchanged")
    }

    @Test func badStandardNumbersExitWithOneLine() throws {
        let (folder, store) = try helsinkiStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let shipped = try String(contentsOf: repositoryData.appendingPathComponent("standards/gb50180-2018.json"), encoding: .utf8)
        let stateBefore = try StoreState(store)
        let threshold = try #require(shipped.range(of: #""threshold_m": *[0-9.]+"#, options: .regularExpression))
        let cutoff = try #require(shipped.range(of: #""default_cutoff_m": *[0-9.]+"#, options: .regularExpression))
        let share = try #require(shipped.range(of: #""complete_share": *[0-9.]+"#, options: .regularExpression))
        var cases: [(String, String)] = []
        for value in ["1e308", "-5", "0", "1e999"] {
            cases.append(("threshold_m", shipped.replacingCharacters(in: threshold, with: "\"threshold_m\": \(value)")))
            cases.append(("default_cutoff_m", shipped.replacingCharacters(in: cutoff, with: "\"default_cutoff_m\": \(value)")))
        }
        cases.append(("complete_share", shipped.replacingCharacters(in: share, with: "\"complete_share\": 2")))
        for (i, (key, text)) in cases.enumerated() {
            let file = folder.appendingPathComponent("standard-\(i).json")
            try text.write(to: file, atomically: true, encoding: .utf8)
            for command in [["coverage", store], ["gaps", store, "--kinds", "all"], ["isochrones", store, "--category", "bus_stop"]] {
                let result = try cim(command + ["--standard", file.path])
                let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
                #expect(result.status == 2, "\(command[0]) with a bad \(key): \(result.stderr)")
                #expect(lines.count == 1 && lines[0].contains("--standard") && (lines[0].contains(key) || lines[0].contains("JSON") || lines[0].contains("number")),
                        "\(command[0]) with a bad \(key): \(result.stderr)")
            }
        }
        #expect(try StoreState(store) == stateBefore)
    }
}
