import ArgumentParser

/// `cim bench` (not yet available).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "(not yet available)", shouldDisplay: false)
    func run() throws { throw ValidationError("cim bench is not available in this build") }
}
