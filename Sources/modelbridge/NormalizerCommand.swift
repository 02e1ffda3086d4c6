import ArgumentParser
import AsyncHTTPClient
import Bridge
import Logging

/// `modelbridge rhoai-normalizer`: turns registries and KServe into documents in storage.
struct NormalizerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rhoai-normalizer",
        abstract: "Read the Model Registries, the model catalog and KServe, and keep storage-rest up to date.",
        discussion: EnvironmentReference.help(for: "rhoai-normalizer"))

    @Option(help: "Admin port for /metrics, /healthz, /readyz and POST /resync: PORT, :PORT or HOST:PORT.")
    var metricsAddress = ":8081"

    @Option(help: "A kubeconfig file (wins over KUBECONFIG).")
    var kubeconfig: String?

    @OptionGroup var log: LogOptions

    func validate() throws {
        guard ListenAddress(parsing: metricsAddress) != nil else {
            throw ValidationError("--metrics-address must be PORT, :PORT or HOST:PORT, for example :8081")
        }
    }

    func run() async throws {
        let environment = RoleEnvironment()
        try environment.check(for: "rhoai-normalizer")
        log.bootstrap()
        let logger = Logger(label: "modelbridge.normalizer")
        try await Cleanup.around { cleanup in
            let metrics = BridgeMetrics()
            let (kube, namespace) = try KubeSetup.client(
                environment: environment, kubeconfig: kubeconfig, requestObserver: metrics.restClient.observer,
                logger: logger)
            cleanup.add { try? await kube.shutdown() }
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            cleanup.add { try? await http.shutdown() }
            let storageURL = environment["STORAGE_URL"] ?? environment.siblingURL(port: 7070)
            let sink = HTTPCatalogSink(baseURL: storageURL, client: http, token: environment["BRIDGE_TOKEN"])
            let runtime = try NormalizerRuntime.make(
                environment: environment, kube: kube, namespace: namespace, metrics: metrics, logger: logger
            ) { $0.controller(writingTo: sink) }
            cleanup.add { try? await runtime.transport.shutdown() }
            let admin = RoleServer(
                name: "rhoai-normalizer admin", address: ListenAddress(parsing: metricsAddress)!,
                responder: NormalizerAdminResponder(
                    controller: runtime.controller, metrics: runtime.metrics,
                    guardian: .sharedSecret(
                        environment["BRIDGE_TOKEN"], podAddresses: Set([environment["POD_IP"]].compactMap { $0 }))),
                logger: logger, shutdownSignals: [.sigterm, .sigint])
            try await admin.start()
            logger.info("sending documents to storage-rest", metadata: ["storage": "\(storageURL)"])
            let work = Task { try await runtime.run() }
            try await admin.wait()
            work.cancel()
            _ = try? await work.value
        }
    }
}
