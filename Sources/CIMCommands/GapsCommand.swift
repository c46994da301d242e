import ArgumentParser

/// `cim gaps` (not yet available).
struct GapsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gaps", abstract: "(not yet available)", shouldDisplay: false)
    func run() throws { throw ValidationError("cim gaps is not available in this build") }
}
