import Bridge
import Doctor
import Foundation
import KubeAPI
import Logging
import ModelbridgeTesting
import RegistryAPI
import Sandbox

/// A healthy installation on loopback for `modelbridge doctor`: the fake Kubernetes API (with the cache ConfigMap),
/// one fake Model Registry and the catalog behind labelled Routes, and the three roles serving `/readyz` on real
/// ports (location and storage-rest in memory, the normalizer after one complete cycle).
final class DoctorHarness: Sendable {
    static let namespace = "ai-rhdh"
    static let registryKey = "rhoai-model-registries:modelregistry-public-https"

    let kube: FakeKubeServer
    let registry: FakeRegistryServer
    let catalog: FakeCatalogServer
    let client: KubeClient
    let transport: RegistryTransport
    let location: RoleServer<LocationResponder>
    let storage: RoleServer<StorageResponder>
    let admin: RoleServer<NormalizerAdminResponder>

    static func quiet() -> Logger {
        var logger = Logger(label: "deploy-tests")
        logger.logLevel = .critical
        return logger
    }

    init() async throws {
        let quiet = Self.quiet()
        // The API over TLS with a token, as in the pod, so that the doctor's TLS check has nothing to warn about.
        let pki = try TestPKI()
        kube = FakeKubeServer(
            configuration: .init(
                acceptedTokens: ["connector-token"],
                tls: .init(
                    certificateChainPEM: Array(pki.serverCertificatePEM.utf8),
                    privateKeyPEM: Array(pki.serverKeyPEM.utf8)),
                namespaces: ["default", Self.namespace, "rhoai-model-registries"]),
            logger: quiet)
        try await kube.start()
        registry = FakeRegistryServer()
        let registryPort = try await registry.start()
        catalog = FakeCatalogServer()
        let catalogPort = try await catalog.start()
        for (name, port) in [("modelregistry-public-https", registryPort), ("model-catalog-https", catalogPort)] {
            try kube.store.seedRegistryRoute(port: port, name: name)
        }
        try kube.store.seed(
            kind: "v1/configmaps",
            object: [
                "metadata": ["name": "bac-import-model", "namespace": .string(Self.namespace)],
                "binaryData": ["mnist_v1": .string(Data(repeating: 65, count: 20_000).base64EncodedString())],
            ])
        client = try KubeClient(
            config: KubeConfig(
                server: kube.url, namespace: Self.namespace, credentials: .token("connector-token"),
                tls: KubeTLSSettings(trustRootsPEM: Array(pki.caPEM.utf8))),
            logger: quiet)
        transport = try RegistryTransport(logger: quiet)

        let configuration = NormalizerConfiguration(registryToken: "connector-token")
        let engine = BridgeEngine(
            store: MemoryCatalogStore(),
            normalizer: NormalizerSetup(
                configuration: configuration, routes: KubeRouteLister(client: client), transport: transport,
                cluster: nil, logger: quiet),
            storageLogger: quiet)
        let (index, service, controller) = (engine.index, engine.service, engine.controller)
        index.markLoaded()
        await controller.runCycle()

        let loopback = ListenAddress(host: "127.0.0.1", port: 0)
        location = RoleServer(
            name: "location", address: loopback, responder: LocationResponder(index: index, logger: quiet),
            logger: quiet)
        storage = RoleServer(
            name: "storage-rest", address: loopback, responder: StorageResponder(service: service, logger: quiet),
            logger: quiet)
        admin = RoleServer(
            name: "rhoai-normalizer admin", address: loopback,
            responder: NormalizerAdminResponder(controller: controller, metrics: BridgeMetrics()), logger: quiet)
        try await location.start()
        try await storage.start()
        try await admin.start()
    }

    /// The doctor's settings for this installation, as the sidecars' environment would give them.
    func settings(environment: [String: String] = [:]) -> DoctorSettings {
        DoctorSettings(
            environment: ["POD_NAMESPACE": Self.namespace].merging(environment) { $1 }, namespace: Self.namespace,
            kube: client.config,
            sidecarOverrides: [.location: location.url, .storageRest: storage.url, .normalizer: admin.url])
    }

    func runDoctor(environment: [String: String] = [:]) async -> DoctorReport {
        await Doctor(settings: settings(environment: environment), kube: client, probeTimeout: .seconds(3)).run()
    }

    func shutdown() async {
        await location.stop()
        await storage.stop()
        await admin.stop()
        try? await transport.shutdown()
        try? await client.shutdown()
        await registry.stop()
        await catalog.stop()
        await kube.stop()
    }

    /// Runs `body` with a fresh harness and always shuts it down.
    static func with(_ body: (DoctorHarness) async throws -> Void) async throws {
        let harness = try await DoctorHarness()
        do {
            try await body(harness)
        } catch {
            await harness.shutdown()
            throw error
        }
        await harness.shutdown()
    }
}
