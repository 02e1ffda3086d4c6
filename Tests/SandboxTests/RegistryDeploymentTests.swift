import KubeAPI
import RegistryAPI
import Testing

@testable import Sandbox

/// Deploying and undeploying through the registry creates and deletes labelled KServe objects.
@Suite struct RegistryDeploymentTests {
    @Test func deployedCreatesALabelledInferenceServiceAndUndeployedDeletesIt() throws {
        let kube = FakeKubeStore()
        try kube.seed(kind: Namespace.resource.fakeKindID, object: ["metadata": ["name": "team-a"]])
        let registry = FakeRegistryStore()
        let model = try registry.createRegisteredModel(RegisteredModel(name: "Granite_3.1", owner: "alice"))
        let version = try registry.createModelVersion(ModelVersion(name: "v1", registeredModelId: model.id))
        _ = try registry.upsertVersionArtifact(
            versionId: version.id!, ModelArtifact(uri: "s3://b/granite", modelFormatName: "vLLM"))
        let environment = try registry.createServingEnvironment(ServingEnvironment(name: "team-a"))
        let record = try registry.createInferenceService(
            RegistryAPI.InferenceService(
                name: "granite/abc", registeredModelId: model.id, modelVersionId: version.id,
                servingEnvironmentId: environment.id, runtime: "granite-runtime", desiredState: .deployed))
        let controller = RegistryDeploymentController(
            kube: kube, sources: [.init(name: "public", store: registry)], logger: quietLogger())
        let kind = try #require(kube.kind(id: KubeAPI.InferenceService.resource.fakeKindID))

        controller.reconcileNow()
        let created = try kube.get(kind, namespace: "team-a", name: "granite-runtime")
        let labels = created["metadata"]?["labels"]
        #expect(labels?["modelregistry.opendatahub.io/registered-model-id"]?.stringValue == model.id)
        #expect(labels?["modelregistry.opendatahub.io/model-version-id"]?.stringValue == version.id)
        #expect(labels?["modelregistry.opendatahub.io/inference-service-id"]?.stringValue == record.id)
        #expect(created["spec"]?["predictor"]?["model"]?["storageUri"] == "s3://b/granite")

        controller.reconcileNow()
        #expect(
            try kube.list(
                kind, namespace: nil, labels: FakeKubeSelector(), fields: FakeKubeSelector(), limit: nil,
                continueToken: nil
            ).items.count == 1)

        _ = try registry.updateInferenceService(id: record.id!, RegistryAPI.InferenceService(desiredState: .undeployed))
        controller.reconcileNow()
        #expect((try? kube.get(kind, namespace: "team-a", name: "granite-runtime")) == nil)
    }

    @Test func theKubernetesNameComesFromTheRuntimeElseTheRecordName() {
        #expect(
            RegistryDeploymentController.kubernetesName(for: .init(name: "x/1", runtime: "My_Runtime.v2"))
                == "my-runtime-v2")
        #expect(RegistryDeploymentController.kubernetesName(for: .init(name: "mnist-isvc/uid-1")) == "mnist-isvc")
        #expect(RegistryDeploymentController.kubernetesName(for: .init()) == nil)
    }
}
