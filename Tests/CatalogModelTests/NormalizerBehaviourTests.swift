import Foundation
import Testing

@testable import CatalogModel

@Suite struct NormalizerBehaviourTests {
    let normalizer = RegistryNormalizer(settings: NormalizerSettings())
    let model = RegisteredModel(id: "1", name: "mnist", owner: "alice", lastUpdateTimeSinceEpoch: "900")
    let version = ModelVersion(id: "2", name: "v1", registeredModelId: "1", lastUpdateTimeSinceEpoch: "1000")

    func kserve(_ name: String = "mnist-v1", namespace: String = "team", labels: [String: String] = [:])
        -> KServeInferenceService
    {
        KServeInferenceService(
            namespace: namespace, name: name, labels: labels, statusURL: "https://\(name).example.com")
    }

    func record(_ state: DesiredState, id: String = "4") -> RegistryInferenceService {
        RegistryInferenceService(
            id: id, name: "mnist-v1/uuid", registeredModelId: "1", modelVersionId: "2", servingEnvironmentId: "3",
            desiredState: state, runtime: "mnist-v1")
    }

    func input(records: [RegistryInferenceService] = [], card: String? = nil, artifacts: [ModelArtifact] = [])
        -> RegistryVersionInput
    {
        RegistryVersionInput(
            registry: "ns:reg", model: model, version: version, artifacts: artifacts, inferenceServices: records,
            servingEnvironments: ["3": ServingEnvironment(id: "3", name: "team")], modelCardMarkdown: card)
    }

    @Test func anUndeployedRecordDropsTheServerEvenWhenALabelledServiceRemains() {
        let labelled = kserve(labels: [
            "modelregistry.opendatahub.io/registered-model-id": "1",
            "modelregistry.opendatahub.io/model-version-id": "2",
        ])
        let cluster = ClusterView(inferenceServices: [labelled])
        #expect(
            normalizer.normalize(input(records: [record(.undeployed)]), cluster: cluster).document.modelServer == nil)
        #expect(normalizer.normalize(input(records: [record(.deployed)]), cluster: cluster).document.modelServer != nil)
    }

    @Test func kubeflowLabelPrefixIsReadToo() {
        let labelled = kserve(labels: [
            "modelregistry.kubeflow.org/registered-model-id": "1", "modelregistry.kubeflow.org/model-version-id": "2",
        ])
        let document = normalizer.normalize(input(), cluster: ClusterView(inferenceServices: [labelled]))
        #expect(document.document.modelServer?.name == "mnist-v1")
    }

    @Test func labelsWinOverNamesAndAPrefixIsNeverEnough() {
        // `mnist` must not match `mnist-v1` by prefix (B25); the exact runtime name does match.
        let prefixOnly = kserve("mnist")
        let cluster = ClusterView(inferenceServices: [prefixOnly])
        #expect(normalizer.normalize(input(records: [record(.deployed)]), cluster: cluster).document.modelServer == nil)
        let exact = ClusterView(inferenceServices: [prefixOnly, kserve("mnist-v1")])
        #expect(
            normalizer.normalize(input(records: [record(.deployed)]), cluster: exact).document.modelServer?.name
                == "mnist-v1")
        let labelled = kserve(
            "other",
            labels: [
                "modelregistry.opendatahub.io/registered-model-id": "1",
                "modelregistry.opendatahub.io/model-version-id": "2",
                "modelregistry.opendatahub.io/inference-service-id": "4",
            ])
        let both = ClusterView(inferenceServices: [kserve("mnist-v1"), labelled])
        #expect(
            normalizer.normalize(input(records: [record(.deployed)]), cluster: both).document.modelServer?.name
                == "other")
    }

    @Test func aServiceInAnotherNamespaceThanTheServingEnvironmentIsNotMatchedByName() {
        let cluster = ClusterView(inferenceServices: [kserve(namespace: "elsewhere")])
        #expect(normalizer.normalize(input(records: [record(.deployed)]), cluster: cluster).document.modelServer == nil)
    }

    @Test func epochsAreComparedAsNumbers() {
        var older = model
        older.lastUpdateTimeSinceEpoch = "999"
        var newer = version
        newer.lastUpdateTimeSinceEpoch = "1000"
        let document = normalizer.normalize(
            RegistryVersionInput(registry: "r", model: older, version: newer),
            cluster: ClusterView(inferenceServices: []))
        #expect(document.epoch == "1000")
    }

    @Test func theModelCardLinkAppearsOnlyWhenACardExists() {
        let artifact = ModelArtifact(
            uri: "oci://x", modelSourceClass: "Red Hat", modelSourceGroup: "rhelai1", modelSourceName: "granite 7b")
        let withCard = normalizer.normalize(
            input(card: "# Card", artifacts: [artifact]), cluster: ClusterView(inferenceServices: []))
        #expect(
            withCard.document.models[0].annotations?["TechDocs"]
                == "http://localhost:9090/modelcard?key=RedHatrhelai1granite7b")
        #expect(withCard.modelCard == ModelCard(key: "RedHatrhelai1granite7b", markdown: "# Card"))
        let emptyCard = normalizer.normalize(
            input(card: "", artifacts: [artifact]), cluster: ClusterView(inferenceServices: []))
        #expect(emptyCard.document.models[0].annotations?["TechDocs"] == nil)
        #expect(emptyCard.modelCard == nil)
    }

    @Test func aValidTechDocsPropertyIsUsedWhenThereIsNoCard() {
        var withLink = version
        withLink.customProperties["TechDocs"] = .string("https://docs.example.com/mnist")
        let document = normalizer.normalize(
            RegistryVersionInput(
                registry: "r", model: model, version: withLink, artifacts: [ModelArtifact(uri: "s3://x")]),
            cluster: ClusterView(inferenceServices: []))
        #expect(document.document.models[0].annotations?["TechDocs"] == "https://docs.example.com/mnist")
        withLink.customProperties["TechDocs"] = .string("not a url")
        let invalid = normalizer.normalize(
            RegistryVersionInput(registry: "r", model: model, version: withLink),
            cluster: ClusterView(inferenceServices: []))
        #expect(invalid.document.models[0].annotations?["TechDocs"] == nil)
    }

    @Test func versionPropertiesWinOverModelPropertiesAndOnlyStringsCount() {
        var m = model
        m.customProperties = ["Owner": .string("model-owner"), "Usage": .string("model usage")]
        var v = version
        v.customProperties = ["Owner": .string("version-owner"), "Usage": .int("3"), "gpu": .bool(true)]
        let document = normalizer.normalize(
            RegistryVersionInput(registry: "r", model: m, version: v), cluster: ClusterView(inferenceServices: []))
        #expect(document.document.models[0].owner == "version-owner")
        #expect(document.document.models[0].usage == "model usage")
        #expect(document.document.models[0].tags?.contains("gpu") == true)
    }

    @Test func emptyOptionalPropertiesAreOmittedNotWrittenEmpty() throws {
        var v = version
        v.customProperties = ["How to use": .string(""), "License": .string(""), "Homepage URL": .string("")]
        let document = normalizer.normalize(
            RegistryVersionInput(registry: "r", model: model, version: v, artifacts: [ModelArtifact(uri: "")]),
            cluster: ClusterView(inferenceServices: [
                kserve(labels: [
                    "modelregistry.opendatahub.io/registered-model-id": "1",
                    "modelregistry.opendatahub.io/model-version-id": "2",
                ])
            ]))
        let text = String(decoding: try document.document.encodedJSON(), as: UTF8.self)
        #expect(!text.contains("howToUseURL") && !text.contains("license") && !text.contains("homepageURL"))
        #expect(!text.contains("artifactLocationURL"))
        #expect(!text.replacingOccurrences(of: #""description":"""#, with: "").contains(#""""#))
        try Fixtures.record(document.document, as: "behaviour-empty-optionals")
    }

    @Test func internalURLComesFromTheAddressOrTheOwnedPredictorService() {
        var service = kserve(labels: [
            "modelregistry.opendatahub.io/registered-model-id": "1",
            "modelregistry.opendatahub.io/model-version-id": "2",
        ])
        let predictor = KubeService(
            namespace: "team", name: "mnist-v1-predictor",
            ownerReferences: [OwnerReference(kind: "InferenceService", name: "mnist-v1")],
            ports: [.init(port: 8443, targetPort: 8080)])
        let account = KubeServiceAccount(
            namespace: "team", name: "mnist-v1-sa",
            ownerReferences: [OwnerReference(kind: "InferenceService", name: "mnist-v1")])
        var cluster = ClusterView(inferenceServices: [service], services: [predictor], serviceAccounts: [account])
        var api = normalizer.normalize(input(), cluster: cluster).document.modelServer?.api
        #expect(
            api?.annotations?["rhdh.modelcatalog.io/internal-service-url"]
                == "http://mnist-v1-predictor.team.svc.cluster.local:8443")
        #expect(api?.annotations?["rhdh.modelcatalog.io/external-route-url"] == "https://mnist-v1.example.com")
        #expect(normalizer.normalize(input(), cluster: cluster).document.modelServer?.authentication == true)
        service.statusURL = nil
        service.addressURL = "http://mnist-v1.team.svc.cluster.local"
        cluster = ClusterView(inferenceServices: [service])
        api = normalizer.normalize(input(), cluster: cluster).document.modelServer?.api
        #expect(api?.url == "http://mnist-v1.team.svc.cluster.local")
        #expect(api?.annotations?["rhdh.modelcatalog.io/external-route-url"] == nil)
    }

    @Test func aServiceWithoutAnyURLGivesNoServer() {
        var service = kserve(labels: [
            "modelregistry.opendatahub.io/registered-model-id": "1",
            "modelregistry.opendatahub.io/model-version-id": "2",
        ])
        service.statusURL = nil
        #expect(
            normalizer.normalize(input(), cluster: ClusterView(inferenceServices: [service])).document.modelServer
                == nil)
    }

    @Test func kserveReadinessFollowsTheUpstreamRules() throws {
        #expect(!KServeReadiness.isReady(try Fixtures.kserve("controller-test.foo.bar.not-ready")))
        #expect(KServeReadiness.isReady(try Fixtures.kserve("controller-test.faa.bor.ready")))
        var service = try Fixtures.kserve("controller-test.foo.bar.ready")
        service.conditions[1].status = "False"
        #expect(KServeReadiness.notReadyReason(service) == "condition PredictorReady is False")
        service = try Fixtures.kserve("controller-test.foo.bar.ready")
        service.transitionStatus = "InProgress"
        #expect(!KServeReadiness.isReady(service))
    }

    @Test func labelledServicesBelongToTheRegistryPath() throws {
        #expect(KServeNormalizer.isRegistryManaged(try Fixtures.kserve("controller-test.faa.bor.labelled")))
        #expect(!KServeNormalizer.isRegistryManaged(try Fixtures.kserve("controller-test.faa.bor.ready")))
    }

    @Test func theRealKServeManifestGivesItsLabelTagAndStorageURI() throws {
        // The manifest is applied with `-n`, so it names no namespace of its own.
        var manifest = try JSONValue.parseYAML(Fixtures.text("kserve/assets.mnist-v1.inferenceservice.yaml"))
        manifest.set(["metadata", "namespace"], to: .string("ggmtest"))
        var service = try KServeInferenceService(json: manifest)
        service.statusURL = "https://mnist-v1.example.com"
        let document = KServeNormalizer(settings: NormalizerSettings()).normalize(
            service, cluster: ClusterView(inferenceServices: [service]))
        let model = document.document.models[0]
        #expect(model.name == "ggmtest-mnist-v1")
        #expect(model.tags?.contains("networkingkserveiovisibility-exposed") == true)
        #expect(model.artifactLocationURL == service.storageURI && service.storageURI != nil)
        #expect(document.document.modelServer?.authentication == true)
        try Fixtures.record(document.document, as: "kserve-asset-mnist-v1")
    }
}
