import Bridge
import CatalogModel
import Foundation
import KubeAPI
import RegistryAPI
import Sandbox
import Testing

/// The normalizer against fake registries and a fake Kubernetes API. Each `cycle()` is one
/// probe interval: a change must be served after exactly one.
@Suite(.serialized) struct NormalizerControllerTests {
    @Test func twoHundredFiftyModelsAcrossPagesAllAppear() async throws {
        let harness = try await NormalizerHarness()
        for index in 0..<250 { try harness.register("model-\(index)") }
        await harness.cycle()
        #expect(harness.served().count == 250)
        #expect(try await harness.store.keys().count == 250)
        await harness.shutdown()
    }

    @Test func archiveNewVersionPropertyChangeAndUndeployShowUpWithinOneProbe() async throws {
        let harness = try await NormalizerHarness()
        let (modelID, versionID) = try harness.register("mnist", properties: ["Usage": .string("first")])
        try harness.register("other")
        await harness.cycle()
        #expect(Set(harness.served().keys) == ["mnist-v1", "other-v1"])

        _ = try harness.registry.store.createModelVersion(
            RegistryAPI.ModelVersion(name: "v2", registeredModelId: modelID, state: ModelState(rawValue: "LIVE")))
        await harness.cycle()
        #expect(harness.served()["mnist-v2"] != nil, "a new version appears")

        _ = try harness.registry.store.updateModelVersion(
            id: versionID, RegistryAPI.ModelVersion(customProperties: ["Usage": .string("second")]))
        await harness.cycle()
        #expect(harness.served()["mnist-v1"]?.models.first?.usage == "second", "a changed property shows")

        let otherID = try #require(harness.registry.store.registeredModels().first { $0.name == "other" }?.id)
        _ = try harness.registry.store.updateRegisteredModel(
            id: otherID, RegistryAPI.RegisteredModel(state: ModelState(rawValue: "ARCHIVED")))
        await harness.cycle()
        #expect(harness.served()["other-v1"] == nil, "an archived model disappears")
        #expect(try await harness.store.keys().count == 2)
        await harness.shutdown()
    }

    @Test func deployAndUndeployAttachAndDropTheServer() async throws {
        let harness = try await NormalizerHarness()
        let (modelID, versionID) = try harness.register("mnist")
        let environment = try harness.registry.store.createServingEnvironment(
            RegistryAPI.ServingEnvironment(name: "team"))
        let record = try harness.registry.store.createInferenceService(
            RegistryAPI.InferenceService(
                name: "mnist-v1/uuid", registeredModelId: modelID, modelVersionId: versionID,
                servingEnvironmentId: environment.id, runtime: "mnist-v1",
                desiredState: InferenceServiceState(rawValue: "DEPLOYED")))
        try harness.seedReadyInferenceService(
            namespace: "team", name: "mnist-v1",
            labels: [
                "modelregistry.opendatahub.io/registered-model-id": modelID,
                "modelregistry.opendatahub.io/model-version-id": versionID,
                "modelregistry.opendatahub.io/inference-service-id": record.id!,
            ])
        try await eventually("the informer sees the service") { harness.cluster.inferenceServices().count == 1 }
        await harness.cycle()
        let server = try #require(harness.served()["mnist-v1"]?.modelServer)
        #expect(server.api?.url == "https://mnist-v1-team.apps.example.com")
        #expect(server.api?.annotations?["rhdh.modelcatalog.io/internal-service-url"] != nil)
        #expect(harness.served().count == 1, "a labelled service is not published twice as KServe-only")

        _ = try harness.registry.store.updateInferenceService(
            id: record.id!, RegistryAPI.InferenceService(desiredState: InferenceServiceState(rawValue: "UNDEPLOYED")))
        await harness.cycle()
        #expect(harness.served()["mnist-v1"]?.modelServer == nil, "undeploy drops the server (B27)")
        await harness.shutdown()
    }

    @Test func aChangedModelCardIsServedAfterOneProbe() async throws {
        let harness = try await NormalizerHarness()
        harness.catalog.store.addSource(RegistryAPI.CatalogSource(id: "redhat", name: "Red Hat"))
        _ = try harness.catalog.store.putModel(
            CatalogModelEntry(name: "group/granite", readme: "# First card"), source: "redhat")
        try harness.register("granite", source: ("redhat", "granite"))
        await harness.cycle()
        let link = try #require(harness.served()["granite-v1"]?.models.first?.annotations?["TechDocs"])
        #expect(link == "http://localhost:9090/modelcard?key=redhatgroupgranite")
        guard
            case .content(let first, _) = harness.index.modelCard(
                key: "redhatgroupgranite", ifNoneMatch: nil, upstreamCounter: false)
        else {
            Issue.record("no card served")
            return
        }
        #expect(String(buffer: first) == "# First card")

        _ = try harness.catalog.store.putModel(
            CatalogModelEntry(name: "group/granite", readme: "# Second card"), source: "redhat")
        await harness.cycle()
        guard
            case .content(let second, _) = harness.index.modelCard(
                key: "redhatgroupgranite", ifNoneMatch: nil, upstreamCounter: false)
        else {
            Issue.record("no card served after the change")
            return
        }
        #expect(String(buffer: second) == "# Second card")
        await harness.shutdown()
    }

    @Test func namesWithUnderscoresWorkEndToEnd() async throws {
        let harness = try await NormalizerHarness()
        try harness.register("my_model", version: "v_1.0")
        try harness.register("my.model", version: "v_1.0")
        await harness.cycle()
        let entries = harness.index.snapshot().entries
        #expect(entries.count == 2, "sanitised-alike names keep separate keys")
        for entry in entries {
            let document = try #require(
                harness.index.document(segment1: entry.key.segment1, segment2: entry.key.segment2))
            let model = try ModelCatalog.decode(Data(buffer: document.body)).models[0]
            #expect(BackstageRules.isValidEntityName(model.name))
        }
        await harness.shutdown()
    }

    @Test func aRegistryFailingMidPollDeletesNothing() async throws {
        let harness = try await NormalizerHarness()
        for index in 0..<150 { try harness.register("model-\(index)") }
        await harness.cycle()
        #expect(harness.served().count == 150)

        let first = try #require(harness.registry.store.registeredModels().first)
        _ = try harness.registry.store.updateRegisteredModel(
            id: first.id!, RegistryAPI.RegisteredModel(state: ModelState(rawValue: "ARCHIVED")))
        harness.registry.faults.failPage(2, pathContaining: "registered_models")
        await harness.cycle()
        #expect(harness.served().count == 150, "a failed page must not delete anything")
        let reasons = await harness.controller.snapshot().incompleteReasons
        #expect(reasons.contains { $0.contains("registry") })

        harness.registry.faults.reset()
        await harness.cycle()
        #expect(harness.served().count == 149, "once the registry answers in full, the archive applies")
        await harness.shutdown()
    }

    @Test func afterAStorageOutageEveryBackedOffDocumentGoesOutAtTheNextProbe() async throws {
        let harness = try await NormalizerHarness()
        harness.storage.refusing = true
        try harness.register("first")
        try harness.register("second")
        await harness.cycle()
        #expect(harness.storage.upserts.count == 2, "both documents are tried once")

        // Storage keeps refusing: the backoff grows past anything these cycles span, and each
        // probe spends one request (the retry due soonest), not one per waiting document.
        for _ in 0..<5 { await harness.cycle() }
        #expect(harness.storage.upserts.count == 2 + 5, "one early retry per probe while storage refuses")
        #expect(harness.served().isEmpty)

        // Storage is back: the next probe's early retry goes through and takes the other along,
        // although neither document's backoff (by now seconds) has run out.
        harness.storage.refusing = false
        await harness.cycle()
        #expect(Set(harness.served().keys) == ["first-v1", "second-v1"])
        #expect(try await harness.store.keys().count == 2)
        #expect(await harness.controller.snapshot().failing.isEmpty, "no document is left failing")
        await harness.shutdown()
    }

    @Test func kserveOnlyServicesAppearWhenReadyAndGoWhenDeleted() async throws {
        let harness = try await NormalizerHarness()
        try harness.seedReadyInferenceService(namespace: "team", name: "llama")
        try await eventually("the informer sees the service") { harness.cluster.inferenceServices().count == 1 }
        await harness.cycle()
        let document = try #require(harness.served()["team-llama"])
        #expect(document.models.first?.owner == "team")
        #expect(harness.index.snapshot().entries.first?.key.key == "team_llama")

        _ = try await harness.client.delete(KubeAPI.InferenceService.self, name: "llama", namespace: "team")
        try await eventually("the informer sees the delete") { harness.cluster.inferenceServices().isEmpty }
        await harness.cycle()
        #expect(harness.served()["team-llama"] == nil)
        await harness.shutdown()
    }
}
