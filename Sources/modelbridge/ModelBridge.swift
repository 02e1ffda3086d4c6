import ArgumentParser
import Foundation

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

    /// Argument parsing and exit codes as swift-argument-parser does them, except that a bad environment variable
    /// prints only its own message (no usage text: the command line was fine) and exits 2.
    static func main() async {
        do {
            var command = try await asyncParseAsRoot(nil)
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch let error as EnvironmentError {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            Foundation.exit(2)
        } catch {
            exit(withError: error)
        }
    }
}
