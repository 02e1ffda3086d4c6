import ArgumentParser
import AsyncHTTPClient
import Bridge
import CatalogModel
import KubeAPI
import Logging

/// `modelbridge storage-rest`: the cache between the normalizer and `location`.
struct StorageRestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storage-rest",
        abstract: "Keep the model-catalog documents and push them to location.",
        discussion: EnvironmentReference.help(for: "storage-rest"))

    @Option(help: "Where to listen: PORT, :PORT or HOST:PORT.")
    var address = "7070"

    @Option(help: "Largest accepted request body, in bytes (413 beyond).")
    var maxBodyBytes = 4 << 20

    @OptionGroup var log: LogOptions

    func validate() throws {
        guard ListenAddress(parsing: address) != nil else {
            throw ValidationError("--address must be PORT, :PORT or HOST:PORT, for example 7070 or 127.0.0.1:7070")
        }
    }

    func run() async throws {
        let environment = RoleEnvironment()
        try environment.check(for: "storage-rest")
        log.bootstrap()
        let logger = Logger(label: "modelbridge.storage")
        try await Cleanup.around { cleanup in
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            cleanup.add { try? await client.shutdown() }
            let bridgeURL = environment["BRIDGE_URL"] ?? environment.siblingURL(port: 9090)
            // The sidecar's own registry: its HTTP figures, its Kubernetes client's requests and the cache sizes.
            let metrics = HTTPServerMetrics(role: "storage-rest")
            let store = try await StoreFactory.make(
                environment: environment, logger: logger,
                requestObserver: RESTClientMetrics(registry: metrics.registry).observer)
            cleanup.add { try? await store.shutdown() }
            let format = try environment.normalizerFormat()
            let service = StorageService(
                store: store.store,
                location: HTTPLocationSink(baseURL: bridgeURL, client: client, token: environment["BRIDGE_TOKEN"]),
                backstage: BackstageSetup.pusher(
                    environment: environment, client: client, kube: store.kube, bridgeURL: bridgeURL, format: format,
                    logger: logger),
                format: format, logger: logger)
            let server = RoleServer(
                name: "storage-rest", address: ListenAddress(parsing: address)!,
                responder: StorageResponder(
                    service: service,
                    guardian: .sharedSecret(
                        environment["BRIDGE_TOKEN"], podAddresses: Set([environment["POD_IP"]].compactMap { $0 })),
                    maximumBodySize: maxBodyBytes,
                    metrics: metrics,
                    logger: logger),
                logger: logger, shutdownSignals: [.sigterm, .sigint])
            try await server.start()
            logger.info("pushing to location", metadata: ["location": "\(bridgeURL)", "store": "\(store.description)"])
            try await server.wait()
        }
    }
}

/// Push mode from `PUSH_TO_RHDH`, `BKSTG_URL` and `RHDH_TOKEN`.
enum BackstageSetup {
    static func pusher(
        environment: RoleEnvironment, client: HTTPClient, kube: KubeClient?, bridgeURL: String,
        format: NormalizerFormat, logger: Logger
    ) -> BackstagePusher? {
        guard environment.bool("PUSH_TO_RHDH") == true else { return nil }
        let explicit = environment["BKSTG_URL"]
        let namespace = environment["POD_NAMESPACE"]
        let resolver: BackstagePusher.Resolver = {
            if let explicit { return explicit }
            guard let kube, let namespace else { return nil }
            // The last Route in the namespace whose app.kubernetes.io/name mentions backstage (upstream's rule).
            guard let routes = try? await kube.listAll(Route.self, namespace: namespace).items else { return nil }
            let route = routes.last { ($0.metadata.labels?["app.kubernetes.io/name"] ?? "").contains("backstage") }
            return route?.spec?.host.map { "https://\($0)" }
        }
        logger.info("PUSH_TO_RHDH is on: documents are registered as Backstage locations")
        return BackstagePusher(
            client: client, token: environment["RHDH_TOKEN"], bridgeURL: bridgeURL, fileName: format.fileName,
            resolver: resolver, logger: logger)
    }
}
