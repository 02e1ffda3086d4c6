import ArgumentParser

/// Placeholder entry point until the benchmarks land.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modelbridge-bench", abstract: "Measure modelbridge against its targets (not written yet).")

    func run() throws {
        throw ValidationError("the benchmarks are not written yet")
    }
}
