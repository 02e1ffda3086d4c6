import ArgumentParser
import Dispatch
import Foundation
import Logging
import Sandbox
import Synchronization

/// `modelbridge sandbox`: a simulated OpenShift AI (Kubernetes API subset, Model Registries, the
/// model catalog, KServe) and an emulated Developer Hub on loopback, until SIGINT or SIGTERM.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run a simulated OpenShift AI and Developer Hub on this machine.",
        discussion: """
            Writes kubeconfig, sandbox.json (every URL) and sidecars.env (the sidecars' environment) into the \
            state directory, prints "sandbox ready" on standard output, and runs until interrupted. \
            Faults: POST a JSON plan to <backstage>/sandbox/faults, DELETE it to clear. See docs/sandbox.md.

            With --rbac DIR the fake Kubernetes API authorizes as kube-apiserver's RBAC does: it applies the \
            ServiceAccounts, Secrets, Roles, ClusterRoles and bindings of DIR's YAML files, and writes for each \
            ServiceAccount <namespace>.<name>.kubeconfig (its token) and <namespace>.<name>.env (sidecars.env as \
            that account) next to kubeconfig, which stays cluster-admin. For example, the connector as installed:
              modelbridge sandbox --rbac deploy/rbac --state-dir /tmp/sb
              set -a; . /tmp/sb/ai-rhdh.rhdh-rhoai-connector.env; set +a; modelbridge doctor
            """)

    @Option(help: "Where to write kubeconfig, sandbox.json and sidecars.env (default: a new temporary directory).")
    var stateDir: String?

    @Option(help: "What the sandbox holds: demo, empty, or the path of a JSON scenario file.")
    var scenario = "demo"

    @Option(help: "Add N generated models with two versions each to the scenario (for benchmarks).")
    var scale = 0

    @Option(help: "The address every server binds to.")
    var host = "127.0.0.1"

    @Option(help: "Port of the fake Kubernetes API (0 picks a free one).")
    var kubernetesPort = 0

    @Option(help: "Port of the emulated Developer Hub and the /sandbox admin endpoints (0 picks a free one).")
    var backstagePort = 0

    @Option(help: "How often the emulated Developer Hub polls the location, e.g. 30s, 5s, 500ms.")
    var backstageInterval = "30s"

    @Flag(help: "Do not read model cards (TechDocs) after each Backstage cycle.")
    var skipTechdocs = false

    @Option(help: "The location the emulated Developer Hub polls (its baseUrl); also BRIDGE_URL for the sidecars.")
    var locationURL = "http://127.0.0.1:9090"

    @Option(help: "STORAGE_URL written to sidecars.env.")
    var storageURL = "http://127.0.0.1:7070"

    @Option(help: "POD_NAMESPACE written to sidecars.env (created in the fake cluster).")
    var podNamespace = "rhdh"

    @Option(help: "How long a new InferenceService takes to become Ready, e.g. 2s, 0s.")
    var readyDelay = "2s"

    @Option(help: "Faults from the start: a JSON fault plan, or the path of a file holding one (see docs/sandbox.md).")
    var faults: String?

    @Option(
        help: ArgumentHelp(
            "Turn RBAC on and apply the RBAC objects of the YAML files in this folder, e.g. deploy/rbac.",
            valueName: "dir"))
    var rbac: String?

    @OptionGroup var log: LogOptions

    func validate() throws {
        guard scale >= 0 else { throw ValidationError("--scale must be 0 or more, for example --scale 10000") }
        guard let interval = RoleEnvironment.parseDuration(backstageInterval), interval > .zero else {
            throw ValidationError("--backstage-interval must be a positive duration such as 30s or 500ms")
        }
        guard RoleEnvironment.parseDuration(readyDelay) != nil else {
            throw ValidationError("--ready-delay must be a duration such as 2s, 500ms or 0s")
        }
        guard URL(string: locationURL)?.host != nil else {
            throw ValidationError("--location-url must be an absolute URL such as http://127.0.0.1:9090")
        }
        for port in [kubernetesPort, backstagePort] where !(0...65535).contains(port) {
            throw ValidationError("ports must be between 0 and 65535 (0 picks a free one)")
        }
    }

    func run() async throws {
        log.bootstrap()
        let logger = Logger(label: "modelbridge.sandbox")
        var loaded: SandboxScenario
        do {
            loaded = try SandboxScenario.named(scenario)
        } catch {
            throw ValidationError("\(error)")
        }
        if scale > 0 { loaded = loaded.scaled(models: scale) }
        var manifests: SandboxManifests?
        if let rbac {
            do {
                manifests = try SandboxManifests.load(directory: rbac)
            } catch {
                throw ValidationError("--rbac: \(error)")
            }
        }
        let directory =
            stateDir
            ?? FileManager.default.temporaryDirectory.appendingPathComponent(
                "modelbridge-sandbox-\(UUID().uuidString.prefix(8).lowercased())"
            ).path
        let configuration = SandboxConfiguration(
            host: host, kubernetesPort: kubernetesPort, backstagePort: backstagePort, scenario: loaded,
            stateDirectory: directory, readyDelay: RoleEnvironment.parseDuration(readyDelay) ?? .seconds(2),
            backstageInterval: RoleEnvironment.parseDuration(backstageInterval) ?? .seconds(30),
            backstageReadsTechDocs: !skipTechdocs, locationURL: locationURL, storageURL: storageURL,
            podNamespace: podNamespace, faults: try faultPlan(), rbac: manifests)
        let platform = try SandboxPlatform(configuration: configuration, logger: logger)
        let signals = TerminationSignals()
        try await platform.start()
        let description = platform.description
        logger.info(
            "sandbox running",
            metadata: [
                "stateDirectory": "\(directory)", "kubernetes": "\(description.kubernetes)",
                "backstage": "\(description.backstage)", "models": "\(description.counts.models)",
            ])
        FileHandle.standardOutput.write(Data("sandbox ready\n".utf8))
        for await signal in signals.stream {
            logger.info("stopping", metadata: ["signal": "\(signal)"])
            break
        }
        signals.cancel()
        await platform.stop()
    }

    private func faultPlan() throws -> SandboxFaultPlan? {
        guard let faults else { return nil }
        let trimmed = faults.trimmingCharacters(in: .whitespaces)
        let data: Data
        if trimmed.hasPrefix("{") {
            data = Data(trimmed.utf8)
        } else {
            guard let contents = FileManager.default.contents(atPath: trimmed) else {
                throw ValidationError("--faults must be a JSON fault plan or a readable file, not \(faults)")
            }
            data = contents
        }
        do {
            let plan = try JSONDecoder().decode(SandboxFaultPlan.self, from: data)
            if let problem = plan.problem { throw ValidationError("--faults: \(problem)") }
            return plan
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("--faults is not a valid fault plan: \(error)")
        }
    }
}

/// SIGINT and SIGTERM as a stream; the default handlers are turned off so the sandbox stops cleanly.
private final class TerminationSignals: Sendable {
    let stream: AsyncStream<Int32>
    private let sources: Mutex<[any DispatchSourceSignal]>

    init() {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            sources.append(source)
        }
        self.stream = stream
        self.sources = Mutex(sources)
    }

    /// Stops listening for the signals.
    func cancel() {
        sources.withLock { sources in
            for source in sources { source.cancel() }
            sources.removeAll()
        }
    }
}
