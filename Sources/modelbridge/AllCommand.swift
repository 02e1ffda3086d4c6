import ArgumentParser
import Bridge
import CatalogModel
import Logging

/// `modelbridge all`: the three roles in one process, talking in memory instead of over HTTP.
struct AllCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Run location, storage-rest and rhoai-normalizer in one process.",
        discussion: "Reads the same environment as the three roles; see docs/configuration.md.")

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
        log.bootstrap()
        let environment = RoleEnvironment()
        let logger = Logger(label: "modelbridge.all")
        guard let format = NormalizerFormat(environmentValue: environment["NORMALIZER_FORMAT"]) else {
            throw ValidationError("NORMALIZER_FORMAT must be JsonArrayFormat or CatalogInfoYamlFormat")
        }
        try await Cleanup.around { cleanup in
            let (kube, namespace) = try KubeSetup.client(
                environment: environment, kubeconfig: kubeconfig, logger: logger)
            cleanup.add { try? await kube.shutdown() }
            let store = try await StoreFactory.make(
                environment: environment, logger: Logger(label: "modelbridge.storage"))
            cleanup.add { try? await store.shutdown() }
            let index = LocationIndex(format: format)
            let service = StorageService(
                store: store.store, location: InProcessLocationSink(index: index),
                logger: Logger(label: "modelbridge.storage"))
            let guardian = MutationGuard.sharedSecret(
                environment["BRIDGE_TOKEN"], podAddresses: Set([environment["POD_IP"]].compactMap { $0 }))
            let runtime = try NormalizerRuntime.make(
                environment: environment, kube: kube, namespace: namespace,
                sink: InProcessCatalogSink(service: service),
                logger: Logger(label: "modelbridge.normalizer"))
            cleanup.add { try? await runtime.transport.shutdown() }

            // location serves what the store holds before anything else happens (never an empty list by accident).
            let stored = try await store.store.keys()
            var entries: [(key: String, body: UpsertBody)] = []
            for key in stored {
                guard let entry = try await store.store.fetch(key: key) else { continue }
                entries.append(
                    (
                        key,
                        UpsertBody(
                            body: entry.body, lastUpdateTimeSinceEpoch: entry.lastUpdateTimeSinceEpoch,
                            modelCardKey: entry.modelCardKey ?? "", modelCard: entry.modelCard ?? "")
                    ))
            }
            _ = index.completeLoad(entries)
            logger.info("location loaded from the store", metadata: ["documents": "\(entries.count)"])

            let location = RoleServer(
                name: "location", address: ListenAddress(parsing: locationAddress)!,
                responder: LocationResponder(
                    index: index, guardian: guardian,
                    upstreamModelCardCounter: environment.bool("MODELCARD_UPSTREAM_COUNTER") ?? false,
                    maximumBodySize: maxBodyBytes, logger: Logger(label: "modelbridge.location")),
                logger: logger, shutdownSignals: [.sigterm, .sigint])
            let storage = RoleServer(
                name: "storage-rest", address: ListenAddress(parsing: storageAddress)!,
                responder: StorageResponder(
                    store: store.store, location: InProcessLocationSink(index: index), guardian: guardian,
                    maximumBodySize: maxBodyBytes, logger: Logger(label: "modelbridge.storage")),
                logger: logger, shutdownSignals: [.sigterm, .sigint])
            let admin = RoleServer(
                name: "rhoai-normalizer admin", address: ListenAddress(parsing: metricsAddress)!,
                responder: NormalizerAdminResponder(
                    controller: runtime.controller, metrics: runtime.metrics, guardian: guardian),
                logger: logger, shutdownSignals: [.sigterm, .sigint])
            try await location.start()
            try await storage.start()
            try await admin.start()
            let work = Task { try await runtime.run() }
            try await location.wait()
            await storage.stop()
            await admin.stop()
            work.cancel()
            _ = try? await work.value
        }
    }
}
