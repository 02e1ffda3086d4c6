import ArgumentParser
import Bridge
import CatalogModel
import Logging

/// `modelbridge all`: the three roles in one process, talking in memory instead of over HTTP.
struct AllCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Run location, storage-rest and rhoai-normalizer in one process.",
        discussion: EnvironmentReference.help(for: "all"))

    @Option(help: "Where location listens (PORT, :PORT or HOST:PORT).")
    var locationAddress = "9090"

    @Option(help: "Where storage-rest listens (PORT, :PORT or HOST:PORT).")
    var storageAddress = "7070"

    @Option(help: "Admin port for /metrics, /healthz, /readyz and POST /resync.")
    var metricsAddress = ":8081"

    @Option(help: "A kubeconfig file (wins over KUBECONFIG).")
    var kubeconfig: String?

    @Option(help: "Largest accepted request body, in bytes (413 beyond).")
    var maxBodyBytes = 4 << 20

    @OptionGroup var log: LogOptions

    func validate() throws {
        for (flag, value) in [
            ("--location-address", locationAddress), ("--storage-address", storageAddress),
            ("--metrics-address", metricsAddress),
        ] where ListenAddress(parsing: value) == nil {
            throw ValidationError("\(flag) must be PORT, :PORT or HOST:PORT")
        }
    }

    func run() async throws {
        let environment = RoleEnvironment()
        try environment.check(for: "all")
        log.bootstrap()
        let logger = Logger(label: "modelbridge.all")
        try await Cleanup.around { cleanup in
            let engine = try await InProcessEngine(
                environment: environment, kubeconfig: kubeconfig,
                addresses: .init(
                    location: ListenAddress(parsing: locationAddress)!,
                    storage: ListenAddress(parsing: storageAddress)!,
                    admin: ListenAddress(parsing: metricsAddress)!),
                maxBodyBytes: maxBodyBytes, shutdownSignals: true, cleanup: cleanup, logger: logger)
            cleanup.add { await engine.stopServers() }
            try await engine.start()
            let work = Task { try await engine.runNormalizer() }
            try await engine.location.wait()
            work.cancel()
            _ = try? await work.value
        }
    }
}
