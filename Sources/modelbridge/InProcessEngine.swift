import Bridge
import CatalogModel
import Foundation
import KubeAPI
import Logging
import UnixSignals

/// The three roles in one process (`modelbridge all`, the demo and the console's in-process
/// mode): location and storage talk in memory, the normalizer writes through the storage
/// service, and the same HTTP ports as the sidecars are served for Developer Hub and tools.
final class InProcessEngine: Sendable {
    let index: LocationIndex
    let service: StorageService
    let runtime: NormalizerRuntime
    let store: StoreFactory.Built
    let kube: KubeClient
    let location: RoleServer<LocationResponder>
    let storage: RoleServer<StorageResponder>
    let admin: RoleServer<NormalizerAdminResponder>
    let logger: Logger

    struct Addresses {
        var location: ListenAddress
        var storage: ListenAddress
        var admin: ListenAddress
    }

    /// Builds everything from the environment; registers every shutdown with `cleanup`.
    init(
        environment: RoleEnvironment, kubeconfig: String?, addresses: Addresses, maxBodyBytes: Int,
        shutdownSignals: Bool, cleanup: Cleanup, logger: Logger
    ) async throws {
        self.logger = logger
        _ = try environment.normalizerFormat()  // a bad NORMALIZER_FORMAT stops it before any client is made
        // One registry for the process: the shared Kubernetes client (the normalizer's and the ConfigMap store's)
        // and the registry transport count their requests in it.
        let metrics = BridgeMetrics()
        let (kube, namespace) = try KubeSetup.client(
            environment: environment, kubeconfig: kubeconfig, requestObserver: metrics.restClient.observer,
            logger: logger)
        self.kube = kube
        cleanup.add { try? await kube.shutdown() }
        let store = try await StoreFactory.make(
            environment: environment, logger: Logger(label: "modelbridge.storage"), kube: kube, namespace: namespace)
        self.store = store
        var engine: BridgeEngine?
        let runtime = try NormalizerRuntime.make(
            environment: environment, kube: kube, namespace: namespace, metrics: metrics,
            logger: Logger(label: "modelbridge.normalizer")
        ) { setup in
            let built = BridgeEngine(store: store.store, normalizer: setup)
            engine = built
            return built.controller
        }
        guard let engine else { preconditionFailure("NormalizerRuntime.make builds its controller") }
        let index = engine.index
        let service = engine.service
        self.index = index
        self.service = service
        self.runtime = runtime
        cleanup.add { try? await runtime.transport.shutdown() }
        let guardian = MutationGuard.sharedSecret(
            environment["BRIDGE_TOKEN"], podAddresses: Set([environment["POD_IP"]].compactMap { $0 }))
        let signals: [UnixSignal] = shutdownSignals ? [.sigterm, .sigint] : []
        // One registry for the process, served on the admin port only, so that nothing is scraped twice.
        let adminMetrics = HTTPServerMetrics(registry: runtime.metrics.registry, role: "rhoai-normalizer")
        location = RoleServer(
            name: "location", address: addresses.location,
            responder: LocationResponder(
                index: index, guardian: guardian,
                upstreamModelCardCounter: environment.bool("MODELCARD_UPSTREAM_COUNTER") ?? false,
                maximumBodySize: maxBodyBytes, metrics: adminMetrics.sibling(role: "location"),
                logger: Logger(label: "modelbridge.location")),
            logger: logger, shutdownSignals: signals)
        storage = RoleServer(
            name: "storage-rest", address: addresses.storage,
            responder: StorageResponder(
                service: service, guardian: guardian, maximumBodySize: maxBodyBytes,
                metrics: adminMetrics.sibling(role: "storage-rest"), logger: Logger(label: "modelbridge.storage")),
            logger: logger, shutdownSignals: signals)
        admin = RoleServer(
            name: "rhoai-normalizer admin", address: addresses.admin,
            responder: NormalizerAdminResponder(
                controller: runtime.controller, metrics: runtime.metrics, server: adminMetrics, guardian: guardian),
            logger: logger, shutdownSignals: signals)
    }

    /// Opens the ports. location answers `/list` with 503 until ``runNormalizer()`` has loaded it from the store,
    /// so Developer Hub never sees an empty list by accident, and the process serves `/healthz` meanwhile.
    func start() async throws {
        try await location.start()
        try await storage.start()
        try await admin.start()
    }

    /// Loads location from the store and runs the normalizer, until cancelled.
    func runNormalizer() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.loadFromStore() }
            group.addTask { try await self.runtime.run() }
            try await group.waitForAll()
        }
    }

    /// Loads every stored document into location, retrying with backoff while the store cannot be read: an
    /// unreachable API server or a missing permission must not end the process (its container would restart in
    /// a loop and take the Developer Hub pod's readiness with it).
    func loadFromStore() async throws {
        var delay = Duration.seconds(1)
        while true {
            do {
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
                logger.info(
                    "location loaded from the store", metadata: ["documents": .stringConvertible(entries.count)])
                return
            } catch let error where !(error is CancellationError) {
                logger.warning(
                    "cannot load location from the store; /list answers 503 until it can",
                    metadata: ["error": "\(error)", "retryIn": "\(delay)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(30))
            }
        }
    }

    func stopServers() async {
        await admin.stop()
        await storage.stop()
        await location.stop()
    }
}
