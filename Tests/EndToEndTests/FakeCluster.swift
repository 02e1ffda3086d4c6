import Foundation
import Logging
import Sandbox

/// A fake Kubernetes API with one Model Registry behind an operator-labelled Route, and a
/// kubeconfig pointing at it: what the role processes of the end-to-end tests run against.
struct FakeCluster {
    let kube: FakeKubeServer
    let registry: FakeRegistryServer
    /// Path of a kubeconfig for the fake API (context namespace `rhdh`).
    let kubeconfig: String

    static func start() async throws -> FakeCluster {
        var quiet = Logger(label: "e2e")
        quiet.logLevel = .critical
        let kube = FakeKubeServer(configuration: .init(namespaces: ["default", "rhdh"]), logger: quiet)
        try await kube.start()
        let registry = FakeRegistryServer()
        let registryPort = try await registry.start()
        try kube.store.seed(
            kind: "route.openshift.io/v1/routes",
            object: [
                "metadata": [
                    "name": "modelregistry-public", "namespace": "rhoai-model-registries",
                    "labels": ["app.kubernetes.io/managed-by": "model-registry-operator"],
                ],
                "spec": ["host": .string("127.0.0.1:\(registryPort)")],
                "status": ["ingress": [["host": .string("127.0.0.1:\(registryPort)")]]],
            ])
        return FakeCluster(kube: kube, registry: registry, kubeconfig: try writeKubeconfig(server: kube.url))
    }

    func stop() async {
        await registry.stop()
        await kube.stop()
    }
}
