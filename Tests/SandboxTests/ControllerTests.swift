import CatalogModel
import Foundation
import KubeAPI
import Testing

@testable import Sandbox

/// The simulated KServe and registry-deployment controllers, driven through the fake stores.
@Suite struct ControllerTests {
    static let isvcKind = KubeAPI.InferenceService.resource.fakeKindID

    /// Runs a KServe controller on `store` while `body` runs.
    func withKServe<T>(
        _ store: FakeKubeStore, readyDelay: Duration = .zero, _ body: () async throws -> T
    ) async throws -> T {
        let controller = KServeStatusController(
            store: store, configuration: .init(readyDelay: readyDelay), logger: quietLogger())
        let task = Task { await controller.run() }
        defer { task.cancel() }
        return try await body()
    }

    func object(_ store: FakeKubeStore, _ kindID: String, _ namespace: String, _ name: String) -> JSONValue? {
        guard let kind = store.kind(id: kindID) else { return nil }
        return try? store.get(kind, namespace: namespace, name: name)
    }

    func readiness(_ object: JSONValue?) -> KServeInferenceService? {
        guard let object, let data = try? KubeJSON.encoder.encode(object),
            let json = try? JSONValue.parse(data)
        else { return nil }
        return try? KServeInferenceService(json: json)
    }

    @Test func aCreatedInferenceServiceBecomesReadyWithURLs() async throws {
        let store = FakeKubeStore()
        try await withKServe(store, readyDelay: .milliseconds(30)) {
            try store.seed(
                kind: Self.isvcKind,
                object: [
                    "metadata": ["name": "mnist", "namespace": "team-a"],
                    "spec": ["predictor": ["model": ["modelFormat": ["name": "onnx"], "storageUri": "s3://m"]]],
                ])
            try await eventually("mnist is Ready") {
                readiness(object(store, Self.isvcKind, "team-a", "mnist")).map(KServeReadiness.isReady) ?? false
            }
            let service = try #require(readiness(object(store, Self.isvcKind, "team-a", "mnist")))
            #expect(service.statusURL == "https://mnist-team-a.apps.sandbox.example")
            #expect(service.addressURL == "http://mnist-predictor.team-a.svc.cluster.local")
            #expect(service.transitionStatus == "UpToDate")
            #expect(Set(service.conditions.map(\.type)).isSuperset(of: ["IngressReady", "PredictorReady", "Ready"]))
            let predictor = try #require(object(store, KubeService.resource.fakeKindID, "team-a", "mnist-predictor"))
            #expect(predictor["metadata"]?["ownerReferences"]?.arrayValue?.first?["name"] == "mnist")
        }
    }

    @Test func aRawDeploymentThatIsNotExposedGetsTheInternalURL() async throws {
        let store = FakeKubeStore()
        try await withKServe(store) {
            let (kindID, object) = SandboxScenarioLoader.kubernetesObject(
                for: .init(namespace: "ns", name: "raw", modelFormat: "sklearn", deploymentMode: "RawDeployment"))
            try store.seed(kind: kindID, object: object)
            try await eventually("raw is Ready") {
                readiness(self.object(store, Self.isvcKind, "ns", "raw")).map(KServeReadiness.isReady) ?? false
            }
            #expect(
                readiness(self.object(store, Self.isvcKind, "ns", "raw"))?.statusURL
                    == "http://raw-predictor.ns.svc.cluster.local")
        }
    }

    @Test func aNeverReadyServiceGetsAFailedStatusAndStaysNotReady() async throws {
        let store = FakeKubeStore()
        try await withKServe(store) {
            let (kindID, object) = SandboxScenarioLoader.kubernetesObject(
                for: .init(namespace: "ns", name: "broken", neverReady: true))
            try store.seed(kind: kindID, object: object)
            try await eventually("broken has a status") {
                self.object(store, Self.isvcKind, "ns", "broken")?["status"]?["conditions"] != nil
            }
            let service = try #require(readiness(self.object(store, Self.isvcKind, "ns", "broken")))
            #expect(!KServeReadiness.isReady(service))
            #expect(service.transitionStatus == "BlockedByFailedLoad")
        }
    }

    @Test func deletingAnInferenceServiceDeletesItsPredictorService() async throws {
        let store = FakeKubeStore()
        try await withKServe(store) {
            try store.seed(kind: Self.isvcKind, object: ["metadata": ["name": "gone", "namespace": "ns"]])
            try await eventually("the predictor Service exists") {
                object(store, KubeService.resource.fakeKindID, "ns", "gone-predictor") != nil
            }
            let kind = try #require(store.kind(id: Self.isvcKind))
            _ = try store.delete(kind, namespace: "ns", name: "gone")
            try await eventually("the predictor Service is deleted") {
                object(store, KubeService.resource.fakeKindID, "ns", "gone-predictor") == nil
            }
        }
    }
}
