import ArgumentParser
import Bridge
import ConsoleBridge
import ConsoleCore
import ConsoleTerminal
import Foundation
import Logging
import Sandbox
import UnixSignals

/// `modelbridge demo`: the sandbox, the three roles in this process, and the console.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the simulated platform, the three sidecars and the console on this machine.",
        discussion: """
            Nothing leaves this machine: the sandbox simulates OpenShift AI (a Kubernetes API, two Model \
            Registries, the model catalog, KServe) and Developer Hub (an entity provider polling location). \
            With --headless, prints where everything listens and the number of Developer Hub entities \
            whenever it changes, until interrupted.
            """)

    @Flag(help: "Do not open the console; print URLs and the Developer Hub entity count instead.")
    var headless = false

    @Option(help: "What the sandbox holds: demo, empty, or the path of a JSON scenario file (docs/sandbox.md).")
    var scenario = "demo"

    @Option(help: "Add N generated models with two versions each.")
    var scale = 0

    @Option(help: "How often the emulated Developer Hub polls location (the plugin's default is 30s).")
    var backstageInterval = "5s"

    @Option(help: "How often the normalizer probes the registries.")
    var probeInterval = "2s"

    @Option(help: "Where to write kubeconfig, sandbox.json and sidecars.env (default: a new temporary directory).")
    var stateDir: String?

    @Option(help: "Port of location (0 picks a free one).")
    var locationPort = 0

    @Flag(help: "Open the console read-only: resync and re-push are refused.")
    var readOnly = false

    @OptionGroup var log: LogOptions

    func validate() throws {
        guard scale >= 0 else { throw ValidationError("--scale must be 0 or more") }
        for (flag, value) in [("--backstage-interval", backstageInterval), ("--probe-interval", probeInterval)] {
            guard let duration = RoleEnvironment.parseDuration(value), duration > .zero else {
                throw ValidationError("\(flag) must be a positive duration such as 5s or 500ms")
            }
        }
    }

    func run() async throws {
        if headless {
            log.bootstrap()
        } else {
            // The console owns the terminal: keep log lines off it unless they are errors.
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = .critical
                return handler
            }
        }
        let logger = Logger(label: "modelbridge.demo")
        var loaded = try SandboxScenario.named(scenario)
        if scale > 0 { loaded = loaded.scaled(models: scale) }
        let directory =
            stateDir
            ?? FileManager.default.temporaryDirectory.appendingPathComponent(
                "modelbridge-demo-\(UUID().uuidString.prefix(8).lowercased())"
            ).path
        let locationPort = try self.locationPort == 0 ? LoopbackPort.free() : self.locationPort
        let storagePort = try LoopbackPort.free()
        let adminPort = try LoopbackPort.free()
        let locationURL = "http://127.0.0.1:\(locationPort)"
        let platform = try SandboxPlatform(
            configuration: SandboxConfiguration(
                scenario: loaded, stateDirectory: directory, readyDelay: .seconds(2),
                backstageInterval: RoleEnvironment.parseDuration(backstageInterval) ?? .seconds(5),
                locationURL: locationURL, storageURL: "http://127.0.0.1:\(storagePort)", podNamespace: "rhdh",
                probeInterval: probeInterval, pollingInterval: "1m"),
            logger: logger)
        try await platform.start()
        let environment = RoleEnvironment([
            "KUBECONFIG": directory + "/kubeconfig", "POD_NAMESPACE": "rhdh", "STORAGE_TYPE": "ConfigMap",
            "NORMALIZER_FORMAT": "JsonArrayFormat", "PROBE_INTERVAL": probeInterval, "POLLING_INTERVAL": "1m",
        ])
        do {
            try await Cleanup.around { cleanup in
                let engine = try await InProcessEngine(
                    environment: environment, kubeconfig: nil,
                    addresses: .init(
                        location: ListenAddress(host: "127.0.0.1", port: locationPort),
                        storage: ListenAddress(host: "127.0.0.1", port: storagePort),
                        admin: ListenAddress(host: "127.0.0.1", port: adminPort)),
                    maxBodyBytes: 4 << 20, shutdownSignals: false, cleanup: cleanup, logger: logger)
                cleanup.add { await engine.stopServers() }
                try await engine.start()
                // The Developer Hub pod of the fake cluster, so `pods/proxy` reaches these sidecars (kubectl, console).
                try platform.addDeveloperHubPod(
                    locationPort: locationPort, storagePort: storagePort, normalizerPort: adminPort)
                let work = Task { try await engine.runNormalizer() }
                cleanup.add {
                    work.cancel()
                    _ = try? await work.value
                }
                if headless {
                    try await runHeadless(platform: platform, engine: engine, directory: directory)
                } else {
                    try runConsole(platform: platform, engine: engine)
                }
            }
        } catch {
            await platform.stop()
            throw error
        }
        await platform.stop()
    }

    func runHeadless(platform: SandboxPlatform, engine: InProcessEngine, directory: String) async throws {
        let description = platform.description
        var lines = [
            "modelbridge demo is running (scenario \(scenario), \(description.counts.models) models)",
            "  Kubernetes API         \(description.kubernetes)   kubeconfig: \(directory)/kubeconfig",
        ]
        for registry in description.registries {
            lines.append("  Model Registry         \(registry.url)   (route \(registry.route))")
        }
        lines += [
            "  model catalog          \(description.catalog.url)",
            "  location               \(engine.location.url)/list",
            "  storage-rest           \(engine.storage.url)/list",
            "  rhoai-normalizer       \(engine.admin.url)/metrics",
            "  Developer Hub (sandbox) \(description.backstage)/api/catalog/entities",
            "Press Ctrl-C to stop.",
        ]
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var last = -1
                for await cycle in platform.backstage.cycles() {
                    guard cycle.entityCount != last else { continue }
                    last = cycle.entityCount
                    let kinds = Dictionary(grouping: await platform.backstage.entities, by: \.kind)
                        .map { "\($0.value.count) \($0.key)" }.sorted().joined(separator: ", ")
                    let line = "Developer Hub entities: \(cycle.entityCount)" + (kinds.isEmpty ? "" : " (\(kinds))")
                    FileHandle.standardOutput.write(Data((line + "\n").utf8))
                }
            }
            group.addTask {
                for await _ in signals { return }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    func runConsole(platform: SandboxPlatform, engine: InProcessEngine) throws {
        let consoleEngine = BridgeConsoleEngine(
            index: engine.index, controller: engine.runtime.controller, store: engine.store.store,
            location: InProcessLocationSink(index: engine.index), events: engine.runtime.events,
            format: engine.index.format, mode: .sandbox, context: "sandbox (\(scenario))", readOnly: readOnly)
        try ConsoleRunner.run(
            engine: consoleEngine, options: ConsoleOptions(readOnly: readOnly, ascii: false, startView: .models),
            settings: CursesTerminal.Settings(palette: nil), environment: ProcessInfo.processInfo.environment)
    }
}
