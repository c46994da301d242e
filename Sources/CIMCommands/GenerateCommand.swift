import ArgumentParser

/// `cim generate` (not yet available).
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "generate", abstract: "(not yet available)", shouldDisplay: false)
    func run() throws { throw ValidationError("cim generate is not available in this build") }
}
