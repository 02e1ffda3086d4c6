import Foundation
import KubeAPI
import Logging
import Sandbox
import WireValues

/// Starts a fake API server and a client for it (in `namespace`), runs `body`, and always stops both.
public func withFakeKube<T>(
    _ configuration: FakeKubeServerConfiguration = FakeKubeServerConfiguration(),
    namespace: String = "default",
    credentials: KubeCredentials = .none,
    tls: KubeTLSSettings = KubeTLSSettings(),
    options: KubeClientOptions = KubeClientOptions(),
    logger: Logger = .quiet("test.kube"),
    _ body: (FakeKubeServer, KubeClient) async throws -> T
) async throws -> T {
    let server = FakeKubeServer(configuration: configuration, logger: logger)
    try await server.start()
    let client: KubeClient
    do {
        client = try KubeClient(
            config: KubeConfig(server: server.url, namespace: namespace, credentials: credentials, tls: tls),
            options: options, logger: logger)
    } catch {
        await server.stop()
        throw error
    }
    do {
        let result = try await body(server, client)
        try await client.shutdown()
        await server.stop()
        return result
    } catch {
        try? await client.shutdown()
        await server.stop()
        throw error
    }
}

extension FakeKubeStore {
    /// The Route through which the normalizer finds a Model Registry: operator-labelled, in
    /// `rhoai-model-registries`, its host the registry at `127.0.0.1:port`.
    public func seedRegistryRoute(port: Int, name: String = "modelregistry-public") throws {
        try seed(
            kind: "route.openshift.io/v1/routes",
            object: [
                "metadata": [
                    "name": .string(name), "namespace": "rhoai-model-registries",
                    "labels": ["app.kubernetes.io/managed-by": "model-registry-operator"],
                ],
                "spec": ["host": .string("127.0.0.1:\(port)")],
                "status": ["ingress": [["host": .string("127.0.0.1:\(port)")]]],
            ])
    }

    /// The service account `operator` in `namespace`, allowed to get and list pods there but not to proxy to them,
    /// and the Backstage pod `backstage-developer-hub-x` (label `rhdh.redhat.com/app=backstage-developer-hub`,
    /// one container `location`).
    public func seedOperatorWhoMayReadPodsButNotProxy(namespace: String = "rhdh") throws {
        try seed(
            kind: "v1/serviceaccounts", object: ["metadata": ["name": "operator", "namespace": .string(namespace)]])
        try seed(
            kind: "rbac.authorization.k8s.io/v1/roles",
            object: [
                "metadata": ["name": "pods-reader", "namespace": .string(namespace)],
                "rules": [["apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]]],
            ])
        try seed(
            kind: "rbac.authorization.k8s.io/v1/rolebindings",
            object: [
                "metadata": ["name": "operator-reads-pods", "namespace": .string(namespace)],
                "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pods-reader"],
                "subjects": [["kind": "ServiceAccount", "name": "operator", "namespace": .string(namespace)]],
            ])
        try seed(
            kind: "v1/pods",
            object: [
                "metadata": [
                    "name": "backstage-developer-hub-x", "namespace": .string(namespace),
                    "labels": ["rhdh.redhat.com/app": "backstage-developer-hub"],
                ],
                "spec": ["containers": [["name": "location", "image": "modelbridge"]]],
            ])
    }
}

/// A fake Kubernetes API with one Model Registry behind an operator-labelled Route.
public struct FakeCluster: Sendable {
    public let kube: FakeKubeServer
    public let registry: FakeRegistryServer
    /// The registry's loopback port (the Route's host).
    public let registryPort: Int

    /// Starts both (the API with `configuration`, by default namespaces `default` and `rhdh`) and seeds the Route.
    public static func start(
        _ configuration: FakeKubeServerConfiguration = .init(namespaces: ["default", "rhdh"]),
        logger: Logger = .quiet("test.kube")
    ) async throws -> FakeCluster {
        let kube = FakeKubeServer(configuration: configuration, logger: logger)
        try await kube.start()
        let registry = FakeRegistryServer()
        let port: Int
        do {
            port = try await registry.start()
            try kube.store.seedRegistryRoute(port: port)
        } catch {
            await registry.stop()
            await kube.stop()
            throw error
        }
        return FakeCluster(kube: kube, registry: registry, registryPort: port)
    }

    /// Writes a kubeconfig for the fake API (context namespace `rhdh`, token `sandbox-token`) and returns its path.
    public func writeKubeconfig() throws -> String { try Kubeconfig.writeTemporary(server: kube.url) }

    public func stop() async {
        await registry.stop()
        await kube.stop()
    }
}

/// A temporary folder, removed when the value goes away.
public struct TemporaryDirectory: ~Copyable {
    public let path: String

    public init(prefix: String = "modelbridge-tests-") throws {
        path = NSTemporaryDirectory() + prefix + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` inside the folder and returns the file's path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let file = "\(path)/\(name)"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
