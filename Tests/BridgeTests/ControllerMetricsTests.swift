import CatalogModel
import Foundation
import Hummingbird
import HummingbirdTesting
import KubeAPI
import Logging
import ModelbridgeTesting
import RegistryAPI
import Sandbox
import Synchronization
import Testing

@testable import Bridge

/// The controller-runtime and client-go families of issue #17: the work queue's in-progress
/// figures, the worker gauges, the request families of the Kubernetes client and the registry
/// transport, the cache sizes of the ConfigMap store and the model-card fetch results.
@Suite struct ControllerMetricsTests {
    /// The label names each sample of `family` carries.
    static func labelNames(_ family: String, in scrape: String) -> Set<Set<String>> {
        PrometheusText.labelNames(family, in: scrape)
    }

    /// The value of the one sample of `family` with exactly `labels`.
    static func value(_ family: String, _ labels: [String: String] = [:], in scrape: String) -> Double? {
        PrometheusText.value(family, labels, in: scrape)
    }

    static let quiet: Logger = {
        var logger = Logger(label: "test.metrics")
        logger.logLevel = .critical
        return logger
    }()

    static let queue = ["name": "rhoai-normalizer"]
    static let controller = ["controller": "rhoai-normalizer"]

    // MARK: Work queue and workers

    @Test func theWorkQueueAndWorkerFamiliesHaveControllerRuntimeNamesAndLabels() {
        let scrape = BridgeMetrics().render()
        for family in [
            "workqueue_depth", "workqueue_adds_total", "workqueue_retries_total", "workqueue_unfinished_work_seconds",
            "workqueue_longest_running_processor_seconds", "workqueue_queue_duration_seconds_count",
            "workqueue_work_duration_seconds_count",
        ] {
            #expect(Self.labelNames(family, in: scrape) == [["name"]], "\(family)")
        }
        #expect(Self.labelNames("workqueue_queue_duration_seconds_bucket", in: scrape) == [["name", "le"]])
        for family in ["controller_runtime_active_workers", "controller_runtime_max_concurrent_reconciles"] {
            #expect(Self.labelNames(family, in: scrape) == [["controller"]], "\(family)")
        }
        #expect(scrape.contains("# TYPE workqueue_queue_duration_seconds histogram"))
        #expect(scrape.contains("# TYPE workqueue_unfinished_work_seconds gauge"))
        #expect(scrape.contains("# TYPE workqueue_longest_running_processor_seconds gauge"))
        // A trap ends the process: there is nothing to count, so the family is not pretended.
        #expect(!scrape.contains("controller_runtime_reconcile_panics_total"))
    }

    @Test func aResyncOfAStringThatIsNoDocumentKeyIsA400AndAsksForNothing() async throws {
        let transport = try RegistryTransport(logger: Self.quiet)
        let controller = NormalizerController(
            configuration: NormalizerConfiguration(), routes: NoRoutes(), transport: transport, cluster: nil,
            sink: GatedSink(), logger: Self.quiet)
        let (bad, good) = try await Application(
            responder: NormalizerAdminResponder(controller: controller, metrics: BridgeMetrics())
        )
        .test(.live) { client in
            let bad = try await client.execute(uri: "/resync?key=no-underscore", method: .post)
            let good = try await client.execute(uri: "/resync?key=mnist_v1", method: .post)
            return (bad, good)
        }
        #expect(bad.status == .badRequest)
        #expect(String(buffer: bad.body).contains("is not a valid import key"), "\(String(buffer: bad.body))")
        #expect(good.status == .accepted)
        try await transport.shutdown()
    }

    @Test func runningUpsertsShowAsUnfinishedWorkOnTheAdminScrapeAndVanishWhenDone() async throws {
        let metrics = BridgeMetrics()
        let sink = GatedSink()
        let transport = try RegistryTransport(logger: Self.quiet)
        let controller = NormalizerController(
            configuration: NormalizerConfiguration(upsertParallelism: 3), routes: NoRoutes(), transport: transport,
            cluster: nil, sink: sink, metrics: metrics, logger: Self.quiet)
        let work = (1...4).map { index in
            PushQueue.Upsert(
                key: ImportKey(storedKey: "model\(index)_v1")!, type: .kubeflow,
                body: UpsertBody(body: Data("{}".utf8)), hash: index)
        }
        let pushing = Task { await controller.queue.upsert(work) }
        do {
            try await eventually("three upserts are running") { sink.entered == 3 }
            // The admin port's /metrics, which refreshes the in-progress figures before rendering.
            let scrape = try await Application(
                responder: NormalizerAdminResponder(controller: controller, metrics: metrics)
            )
            .test(.live) { client in
                String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            }
            #expect(Self.value("controller_runtime_max_concurrent_reconciles", Self.controller, in: scrape) == 3)
            #expect(Self.value("controller_runtime_active_workers", Self.controller, in: scrape) == 3)
            #expect(Self.value("workqueue_depth", Self.queue, in: scrape) == 1, "the fourth waits for a worker")
            #expect(Self.value("workqueue_adds_total", Self.queue, in: scrape) == 4)
            #expect(Self.value("workqueue_queue_duration_seconds_count", Self.queue, in: scrape) == 3)
            #expect(Self.value("workqueue_work_duration_seconds_count", Self.queue, in: scrape) == 0)
            let unfinished = try #require(Self.value("workqueue_unfinished_work_seconds", Self.queue, in: scrape))
            let longest = try #require(
                Self.value("workqueue_longest_running_processor_seconds", Self.queue, in: scrape))
            #expect(longest > 0)
            #expect(unfinished > longest, "three running items sum to more than the oldest alone")
        } catch {
            sink.open()
            _ = await pushing.value
            try await transport.shutdown()
            throw error
        }
        sink.open()
        #expect(await pushing.value.count == 4)
        let after = metrics.render()
        #expect(Self.value("controller_runtime_active_workers", Self.controller, in: after) == 0)
        #expect(Self.value("workqueue_depth", Self.queue, in: after) == 0)
        #expect(Self.value("workqueue_unfinished_work_seconds", Self.queue, in: after) == 0)
        #expect(Self.value("workqueue_longest_running_processor_seconds", Self.queue, in: after) == 0)
        #expect(Self.value("workqueue_queue_duration_seconds_count", Self.queue, in: after) == 4)
        #expect(Self.value("workqueue_work_duration_seconds_count", Self.queue, in: after) == 4)
        try await transport.shutdown()
    }

    // MARK: rest_client

    @Test func kubernetesRequestsAreCountedByCodeMethodAndHost() async throws {
        let server = FakeKubeServer(configuration: .init(namespaces: ["rhdh"]), logger: Self.quiet)
        try await server.start()
        let metrics = BridgeMetrics()
        let client = try KubeClient(
            config: KubeConfig(server: server.url, namespace: "rhdh"),
            options: KubeClientOptions(requestObserver: metrics.restClient.observer), logger: Self.quiet)
        let host = String(server.url.dropFirst("http://".count))
        do {
            _ = try await client.listAll(ConfigMap.self, namespace: "rhdh")
            await #expect(throws: KubeAPIError.self) {
                try await client.get(ConfigMap.self, name: "missing", namespace: "rhdh")
            }
        } catch {
            try? await client.shutdown()
            await server.stop()
            throw error
        }
        try await client.shutdown()
        await server.stop()
        let scrape = metrics.render()
        #expect(host.hasPrefix("127.0.0.1:"))
        #expect(
            Self.value("rest_client_requests_total", ["code": "200", "method": "GET", "host": host], in: scrape) == 1)
        #expect(
            Self.value("rest_client_requests_total", ["code": "404", "method": "GET", "host": host], in: scrape) == 1)
        #expect(
            Self.value("rest_client_request_duration_seconds_count", ["verb": "GET", "host": host], in: scrape) == 2)
        #expect(
            Self.labelNames("rest_client_request_duration_seconds_bucket", in: scrape) == [["verb", "host", "le"]])
        #expect(
            Self.value(
                "rest_client_request_duration_seconds_bucket", ["verb": "GET", "host": host, "le": "60.0"], in: scrape)
                == 2, "client-go's buckets end at 60 s")
    }

    @Test func aRefusedKubernetesConnectionCountsAsErrorCode() async throws {
        let metrics = BridgeMetrics()
        let client = try KubeClient(
            config: KubeConfig(server: "http://127.0.0.1:1", namespace: "rhdh"),
            options: KubeClientOptions(
                connectTimeout: .milliseconds(300), requestObserver: metrics.restClient.observer),
            logger: Self.quiet)
        await #expect(throws: KubeAPIError.self) {
            try await client.get(ConfigMap.self, name: "any", namespace: "rhdh")
        }
        try await client.shutdown()
        let scrape = metrics.render()
        #expect(
            Self.value(
                "rest_client_requests_total", ["code": "<error>", "method": "GET", "host": "127.0.0.1:1"], in: scrape)
                == 1)
        #expect(Self.labelNames("rest_client_requests_total", in: scrape) == [["code", "method", "host"]])
    }

    @Test func registryAndCatalogRequestsAreCountedLikeKubernetesOnes() async throws {
        let catalogServer = FakeCatalogServer()
        let port = try await catalogServer.start()
        let metrics = BridgeMetrics()
        let transport = try RegistryTransport(
            configuration: RegistryHTTPConfiguration(connectTimeout: .milliseconds(300)), logger: Self.quiet,
            requestObserver: metrics.restClient.observer)
        let catalog = CatalogClient(key: "catalog", baseURL: catalogServer.baseURL, token: nil, transport: transport)
        let refused = CatalogClient(key: "gone", baseURL: "http://127.0.0.1:1/api", token: nil, transport: transport)
        do {
            _ = try await catalog.sources()
            #expect(try await catalog.model(sourceId: "nope", name: "missing") == nil)
            await #expect(throws: RegistryError.self) { try await refused.sources() }
        } catch {
            try? await transport.shutdown()
            await catalogServer.stop()
            throw error
        }
        try await transport.shutdown()
        await catalogServer.stop()
        let scrape = metrics.render()
        let host = "127.0.0.1:\(port)"
        #expect(
            Self.value("rest_client_requests_total", ["code": "200", "method": "GET", "host": host], in: scrape) == 1)
        #expect(
            Self.value("rest_client_requests_total", ["code": "404", "method": "GET", "host": host], in: scrape) == 1)
        #expect(
            Self.value(
                "rest_client_requests_total", ["code": "<error>", "method": "GET", "host": "127.0.0.1:1"], in: scrape)
                == 1)
        #expect(
            Self.value("rest_client_request_duration_seconds_count", ["verb": "GET", "host": host], in: scrape) == 2)
    }

    // MARK: Model cards

    @Test func modelCardFetchesAreCountedByResultFromZero() async throws {
        let fresh = BridgeMetrics().render()
        #expect(Self.labelNames("modelbridge_model_card_fetches_total", in: fresh) == [["result"]])
        for result in ["ok", "not_found", "error"] {
            #expect(Self.value("modelbridge_model_card_fetches_total", ["result": result], in: fresh) == 0, "\(result)")
        }

        let catalogServer = FakeCatalogServer()
        try await catalogServer.start()
        catalogServer.store.addSource(RegistryAPI.CatalogSource(id: "redhat", name: "Red Hat"))
        _ = try catalogServer.store.putModel(
            CatalogModelEntry(name: "group/granite", readme: "# Card"), source: "redhat")
        let metrics = BridgeMetrics()
        let transport = try RegistryTransport(logger: Self.quiet)
        let catalog = CatalogClient(key: "catalog", baseURL: catalogServer.baseURL, token: nil, transport: transport)
        let reader = RegistryReader(
            client: RegistryClient(key: "registry", baseURL: "http://127.0.0.1:1", token: nil, transport: transport),
            catalog: catalog, metrics: metrics)
        func fetch(_ name: String) async -> CardState? {
            let source = CatalogModel.CatalogSource(sourceClass: "redhat", group: "group", name: name)
            return await reader.fetchCards([source], previous: [:], refresh: true, now: Date())[source]
        }
        let granite = await fetch("granite")
        let missing = await fetch("missing")
        catalogServer.faults.failNextRequests(1, status: 503)
        let failing = await fetch("granite")
        try await transport.shutdown()
        await catalogServer.stop()

        #expect(granite?.markdown == "# Card")
        if case .empty = missing {
        } else {
            Issue.record("no such model is no card, got \(String(describing: missing))")
        }
        if case .failed = failing {} else { Issue.record("a 503 is a failed card, got \(String(describing: failing))") }
        let scrape = metrics.render()
        #expect(Self.value("modelbridge_model_card_fetches_total", ["result": "ok"], in: scrape) == 1)
        #expect(Self.value("modelbridge_model_card_fetches_total", ["result": "not_found"], in: scrape) == 1)
        #expect(Self.value("modelbridge_model_card_fetches_total", ["result": "error"], in: scrape) == 1)
    }

    // MARK: Cache sizes

    @Test func theConfigMapStoreExportsBytesAndBudgetPerConfigMapFromMemory() async throws {
        try await withFakeKube(.init(namespaces: ["default", "rhdh"]), namespace: "rhdh") { server, client in
            let store = ConfigMapCatalogStore(client: client, namespace: "rhdh", logger: Self.quiet)
            try await store.upsert(
                key: "granite_v1",
                body: StorageBody(
                    body: Data(#"{"models":[{"name":"granite"}]}"#.utf8), reconcilerType: "kubeflow",
                    lastUpdateTimeSinceEpoch: "1700000000000"))
            let metrics = HTTPServerMetrics(role: "storage-rest")
            _ = StorageResponder(
                store: store, location: InProcessLocationSink(index: LocationIndex(format: .jsonArray)),
                metrics: metrics, logger: Self.quiet)
            // The scrape asks nothing of the API server: it answers from what the store holds.
            await server.stop()
            let scrape = String(decoding: metrics.render(), as: UTF8.self)
            let configMap = ["configmap": "bac-import-model"]
            let bytes = try #require(Self.value("modelbridge_cache_bytes", configMap, in: scrape))
            #expect(bytes > 0)
            #expect(bytes == Double(store.payloadBytesByConfigMap()["bac-import-model"] ?? -1))
            let budget = Self.value("modelbridge_cache_budget_bytes", configMap, in: scrape)
            #expect(budget == Double(900 * 1024), "the store's default shard budget")
            #expect(Self.labelNames("modelbridge_cache_bytes", in: scrape) == [["configmap"]])
            #expect(Self.labelNames("modelbridge_cache_budget_bytes", in: scrape) == [["configmap"]])
        }
    }

    @Test func aMemoryStoreExportsNoCacheSizes() {
        let metrics = HTTPServerMetrics(role: "storage-rest")
        _ = StorageResponder(
            store: MemoryCatalogStore(), location: InProcessLocationSink(index: LocationIndex(format: .jsonArray)),
            metrics: metrics, logger: Self.quiet)
        let scrape = String(decoding: metrics.render(), as: UTF8.self)
        #expect(!scrape.contains("modelbridge_cache_"))
    }
}

/// No registry routes: the normalizer discovers nothing.
private struct NoRoutes: RouteLister {
    func listRoutes(labelSelector: String?) async throws -> [DiscoveredRoute] { [] }
}

/// A storage sink whose upserts wait until the test opens it, counting those that entered.
private final class GatedSink: CatalogSink {
    private let state = Mutex((entered: 0, isOpen: false, waiters: [CheckedContinuation<Void, Never>]()))

    var entered: Int { state.withLock { $0.entered } }

    /// Lets every waiting upsert, and every later one, through.
    func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func upsert(_ upsert: CatalogUpsert) async throws {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let passes = state.withLock { state in
                state.entered += 1
                if !state.isOpen { state.waiters.append(continuation) }
                return state.isOpen
            }
            if passes { continuation.resume() }
        }
    }

    func postKeySet(_ keys: Set<ImportKey>) async throws {}
}
