import ArgumentParser

/// `modelbridge demo`: the sandbox, the three roles and the console in one command.
///
/// Until the sandbox and the sidecars land, it says what it will run and exits non-zero, so
/// nobody mistakes the plan for the product.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the simulated platform, the three sidecars and the console on this machine."
    )

    @Flag(help: "Print where everything listens and the Backstage entity count instead of opening the console.")
    var headless = false

    @Option(help: "The sandbox scenario: demo, empty, or a scenario file.")
    var scenario = "demo"

    func run() throws {
        print(
            """
            modelbridge demo (scenario: \(scenario)\(headless ? ", headless" : "")) will:
              1. start the sandbox: a Kubernetes API subset, two Model Registries, the model catalog
                 and an emulated Developer Hub, all on 127.0.0.1;
              2. start the location, storage-rest and rhoai-normalizer roles against it;
              3. \(headless ? "print where everything listens and the Backstage entity count as it changes" : "open the operations console").
            The sandbox and the sidecars are not built yet; this command only describes the plan.
            """)
        throw ExitCode(2)
    }
}
