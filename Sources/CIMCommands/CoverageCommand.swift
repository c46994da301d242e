import ArgumentParser
struct CoverageCommand: ParsableCommand { static let configuration = CommandConfiguration(commandName: "coverage", abstract: "todo"); func run() throws {} }
