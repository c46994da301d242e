import ArgumentParser

/// `cim audit` (not yet available).
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "(not yet available)", shouldDisplay: false)
    func run() throws { throw ValidationError("cim audit is not available in this build") }
}
