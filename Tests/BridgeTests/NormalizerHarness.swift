import Bridge
import CatalogModel
import Foundation
import KubeAPI
import Logging
import ModelbridgeTesting
import RegistryAPI
import Sandbox
import Synchronization

/// A normalizer wired to fake servers (Kubernetes API, one registry, the catalog) and an
/// in-process storage + location, driven cycle by cycle from the test.
final class NormalizerHarness: Sendable {
    let kube: FakeKubeServer
    let registry: FakeRegistryServer
    let catalog: FakeCatalogServer
    let client: KubeClient
    let transport: RegistryTransport
    let store = MemoryCatalogStore()
    let index = LocationIndex(format: .jsonArray)
    let controller: NormalizerController
    /// storage-rest in process, which a test can make refuse every write.
    let storage: SwitchableSink
    let cluster: ClusterSource
    let clusterTask: Task<Void, any Error>
    static let registryKey = "rhoai-model-registries:modelregistry-public"

    init(probeInterval: Duration = .milliseconds(1)) async throws {
        var quiet = Logger(label: "test.normalizer")
        quiet.logLevel = .critical
        kube = FakeKubeServer(configuration: .init(namespaces: ["default", "rhdh", "team"]), logger: quiet)
        try await kube.start()
        registry = FakeRegistryServer()
        let registryPort = try await registry.start()
        catalog = FakeCatalogServer()
        let catalogPort = try await catalog.start()
        for (name, port) in [("modelregistry-public", registryPort), ("model-catalog", catalogPort)] {
            try kube.store.seedRegistryRoute(port: port, name: name)
        }
        client = try KubeClient(config: KubeConfig(server: kube.url, namespace: "rhdh"), logger: quiet)
        transport = try RegistryTransport(logger: quiet)
        cluster = ClusterSource(client: client, logger: quiet)
        index.markLoaded()
        var interposed: SwitchableSink?
        let engine = BridgeEngine(
            store: store,
            normalizer: NormalizerSetup(
                configuration: NormalizerConfiguration(probeInterval: probeInterval, pollingInterval: .seconds(3600)),
                routes: KubeRouteLister(client: client), transport: transport, cluster: cluster, logger: quiet),
            index: index, storageLogger: quiet
        ) { sink in
            let switchable = SwitchableSink(sink)
            interposed = switchable
            return switchable
        }
        storage = interposed!
        controller = engine.controller
        let cluster = self.cluster
        clusterTask = Task { try await cluster.run() }
        do {
            try await eventually("the KServe informer lists") { cluster.hasSynced }
        } catch {
            // Shut the clients down before failing: a dropped HTTP client traps in debug builds.
            await shutdown()
            throw error
        }
    }

    func shutdown() async {
        clusterTask.cancel()
        _ = try? await clusterTask.value
        try? await transport.shutdown()
        try? await client.shutdown()
        await registry.stop()
        await catalog.stop()
        await kube.stop()
    }

    /// One probe interval: the controller's next cycle.
    func cycle() async { await controller.runCycle() }

    /// The documents location serves, by model name.
    func served() -> [String: ModelCatalog] {
        var result: [String: ModelCatalog] = [:]
        for entry in index.snapshot().entries {
            if let document = try? ModelCatalog.decode(Data(buffer: entry.body)), let name = document.models.first?.name
            {
                result[name] = document
            }
        }
        return result
    }

    /// Registers a model with one version and an artifact; returns (model id, version id).
    @discardableResult
    func register(
        _ name: String, version: String = "v1", properties: CustomProperties = [:], source: (String, String)? = nil
    ) throws -> (String, String) {
        let model = try registry.store.createRegisteredModel(
            RegistryAPI.RegisteredModel(name: name, owner: "alice", state: ModelState(rawValue: "LIVE")))
        let created = try registry.store.createModelVersion(
            RegistryAPI.ModelVersion(
                name: version, registeredModelId: model.id, state: ModelState(rawValue: "LIVE"),
                customProperties: properties))
        _ = try registry.store.upsertVersionArtifact(
            versionId: created.id!,
            RegistryAPI.ModelArtifact(
                name: "\(name)-\(version)", uri: "s3://models/\(name)/\(version)",
                modelSourceClass: source?.0, modelSourceGroup: source.map { _ in "group" }, modelSourceName: source?.1))
        return (model.id!, created.id!)
    }

    /// Seeds a KServe InferenceService with a ready status (as the KServe controller would write it).
    func seedReadyInferenceService(namespace: String, name: String, labels: [String: String] = [:]) throws {
        var labelValues: [String: JSONValue] = [:]
        for (key, value) in labels { labelValues[key] = .string(value) }
        try kube.store.seed(
            kind: "serving.kserve.io/v1beta1/inferenceservices",
            object: [
                "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": .object(labelValues)],
                "spec": ["predictor": ["model": ["storageUri": "s3://bucket/model"]]],
                "status": [
                    "url": .string("https://\(name)-\(namespace).apps.example.com"),
                    "address": ["url": .string("http://\(name)-predictor.\(namespace).svc.cluster.local")],
                    "modelStatus": ["transitionStatus": "UpToDate"],
                    "conditions": [
                        ["type": "IngressReady", "status": "True"], ["type": "PredictorReady", "status": "True"],
                        ["type": "Ready", "status": "True"],
                    ],
                ],
            ])
    }
}

/// Polls `condition` every 10 ms until it holds or the deadline passes (then throws ``DeadlinePassed``).
func eventually(
    _ what: String, timeout: Duration = .seconds(60), _ condition: @Sendable () async throws -> Bool
) async throws {
    try await Poll.until(what, timeout: timeout, condition)
}

/// A storage sink that refuses every call while `refusing` is set, and counts the upserts it
/// was asked for.
final class SwitchableSink: CatalogSink {
    struct Refused: Error {}
    let wrapped: any CatalogSink
    private let state = Mutex((refusing: false, upserts: [String]()))

    init(_ wrapped: any CatalogSink) { self.wrapped = wrapped }

    var refusing: Bool {
        get { state.withLock { $0.refusing } }
        set { state.withLock { $0.refusing = newValue } }
    }

    /// Every upsert asked for (refused or not), by key, in order.
    var upserts: [String] { state.withLock { $0.upserts } }

    func upsert(_ upsert: CatalogUpsert) async throws {
        let refusing = state.withLock { state in
            state.upserts.append(upsert.key.key)
            return state.refusing
        }
        if refusing { throw Refused() }
        try await wrapped.upsert(upsert)
    }

    func postKeySet(_ keys: Set<ImportKey>) async throws {
        if refusing { throw Refused() }
        try await wrapped.postKeySet(keys)
    }
}
