import Bridge
import CatalogModel
import Foundation
import KubeAPI
import Logging
import ModelbridgeTesting
import RegistryAPI
import Sandbox

/// The normalizer wired to the fakes (Kubernetes API, one registry, the catalog) with storage
/// and location in process, driven one cycle (one probe interval) at a time, every log line
/// captured. Storage is in memory, or the real ConfigMap store against the fake API.
final class DrillHarness: Sendable {
    enum StoreKind: Sendable {
        case memory
        case configMaps
    }

    let kube: FakeKubeServer
    let registry: FakeRegistryServer
    let catalog: FakeCatalogServer
    let client: KubeClient
    let storeClient: KubeClient
    let transport: RegistryTransport
    let store: any CatalogStore
    let index = LocationIndex(format: .jsonArray)
    let controller: NormalizerController
    let cluster: ClusterSource
    let clusterTask: Task<Void, any Error>
    let logs: LogCapture

    init(
        store kind: StoreKind = .memory, requestTimeout: Duration = .seconds(5), registryToken: String? = nil,
        kubeToken: String? = nil, logs: LogCapture = LogCapture(), logLevel: Logger.Level = .info
    ) async throws {
        self.logs = logs
        var quiet = Logger(label: "drill.fakes")
        quiet.logLevel = .critical
        kube = FakeKubeServer(
            configuration: .init(
                acceptedTokens: kubeToken.map { [$0] }, namespaces: ["default", "rhdh", "team"]), logger: quiet)
        try await kube.start()
        registry = FakeRegistryServer(requiredToken: registryToken)
        let registryPort = try await registry.start()
        catalog = FakeCatalogServer(requiredToken: registryToken)
        let catalogPort = try await catalog.start()
        for (name, port) in [("modelregistry-public", registryPort), ("model-catalog", catalogPort)] {
            try Self.seedRoute(kube, name: name, port: port)
        }
        let credentials: KubeCredentials = kubeToken.map { .token($0) } ?? .none
        client = try KubeClient(
            config: KubeConfig(server: kube.url, namespace: "rhdh", credentials: credentials),
            logger: logs.logger("drill.kube", level: logLevel))
        storeClient = try KubeClient(
            config: KubeConfig(server: kube.url, namespace: "rhdh", credentials: credentials),
            logger: logs.logger("drill.storage.kube", level: logLevel))
        transport = try RegistryTransport(
            configuration: RegistryHTTPConfiguration(requestTimeout: requestTimeout),
            logger: logs.logger("drill.registry", level: logLevel))
        cluster = ClusterSource(client: client, logger: logs.logger("drill.cluster", level: logLevel))
        switch kind {
        case .memory:
            store = MemoryCatalogStore()
        case .configMaps:
            store = ConfigMapCatalogStore(
                client: storeClient, namespace: "rhdh", logger: logs.logger("drill.configmap", level: logLevel))
        }
        index.markLoaded()
        controller =
            BridgeEngine(
                store: store,
                normalizer: NormalizerSetup(
                    configuration: NormalizerConfiguration(
                        registryToken: registryToken, probeInterval: .milliseconds(1), pollingInterval: .seconds(3600)),
                    routes: KubeRouteLister(client: client), transport: transport, cluster: cluster,
                    logger: logs.logger("drill.normalizer", level: logLevel)),
                index: index, storageLogger: logs.logger("drill.storage", level: logLevel)
            ).controller
        let cluster = self.cluster
        clusterTask = Task { try await cluster.run() }
        do {
            try await poll(until: "the KServe informer lists") { cluster.hasSynced }
        } catch {
            // Shut the clients down before failing: a dropped HTTP client traps in debug builds.
            await shutdown()
            throw error
        }
    }

    /// Points a registry route (`modelregistry-public`, `model-catalog`) at another port.
    func pointRoute(_ name: String, toPort port: Int) throws { try Self.seedRoute(kube, name: name, port: port) }

    static func seedRoute(_ kube: FakeKubeServer, name: String, port: Int) throws {
        try kube.store.seedRegistryRoute(port: port, name: name)
    }

    func shutdown() async {
        clusterTask.cancel()
        _ = try? await clusterTask.value
        try? await transport.shutdown()
        try? await client.shutdown()
        try? await storeClient.shutdown()
        await registry.stop()
        await catalog.stop()
        await kube.stop()
    }

    /// One probe interval: the controller's next cycle.
    func cycle() async { await controller.runCycle() }

    /// The names of the models location serves (the first model of each document).
    func servedNames() -> Set<String> {
        var names: Set<String> = []
        for entry in index.snapshot().entries {
            if let document = try? ModelCatalog.decode(Data(buffer: entry.body)), let name = document.models.first?.name
            {
                names.insert(name)
            }
        }
        return names
    }

    /// The artifact locations of the models location serves: they identify a model whose
    /// name a test damaged (``register(_:version:)`` puts the name in the artifact URI).
    func servedArtifactLocations() -> Set<String> {
        var locations: Set<String> = []
        for entry in index.snapshot().entries {
            if let document = try? ModelCatalog.decode(Data(buffer: entry.body)) {
                locations.formUnion(document.models.compactMap(\.artifactLocationURL))
            }
        }
        return locations
    }

    /// The keys location serves.
    func servedKeys() -> Set<String> { Set(index.snapshot().entries.map(\.key.key)) }

    /// Registers a model with one live version and an artifact; returns (model id, version id).
    @discardableResult
    func register(_ name: String, version: String = "v1") throws -> (String, String) {
        let model = try registry.store.createRegisteredModel(
            RegistryAPI.RegisteredModel(name: name, owner: "alice", state: ModelState(rawValue: "LIVE")))
        let created = try registry.store.createModelVersion(
            RegistryAPI.ModelVersion(name: version, registeredModelId: model.id, state: ModelState(rawValue: "LIVE")))
        _ = try registry.store.upsertVersionArtifact(
            versionId: created.id!,
            RegistryAPI.ModelArtifact(name: "\(name)-\(version)", uri: "s3://models/\(name)/\(version)"))
        return (model.id!, created.id!)
    }

    /// A ready KServe InferenceService, as the KServe controller would leave it.
    static func readyInferenceService(namespace: String, name: String) -> JSONValue {
        [
            "apiVersion": "serving.kserve.io/v1beta1", "kind": "InferenceService",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "spec": ["predictor": ["model": ["storageUri": "s3://bucket/model", "modelFormat": ["name": "onnx"]]]],
            "status": [
                "url": .string("https://\(name)-\(namespace).apps.example.com"),
                "address": ["url": .string("http://\(name)-predictor.\(namespace).svc.cluster.local")],
                "modelStatus": ["transitionStatus": "UpToDate"],
                "conditions": [
                    ["type": "IngressReady", "status": "True"], ["type": "PredictorReady", "status": "True"],
                    ["type": "Ready", "status": "True"],
                ],
            ],
        ]
    }

    func seedInferenceService(_ object: JSONValue) throws {
        try kube.store.seed(kind: "serving.kserve.io/v1beta1/inferenceservices", object: object)
    }
}
