import ArgumentParser

/// The `modelbridge` command line: one binary for the three sidecars, the console, the
/// sandbox and the demo.
@main
struct ModelBridge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modelbridge",
        abstract: "Publishes the AI models of Red Hat OpenShift AI into Red Hat Developer Hub.",
        version: ModelBridgeVersion.current,
        subcommands: [
            LocationCommand.self, StorageRestCommand.self, NormalizerCommand.self, AllCommand.self, ConsoleCommand.self,
            DoctorCommand.self, SandboxCommand.self, DemoCommand.self,
        ]
    )
}
