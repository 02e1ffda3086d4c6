import Foundation
import Testing

@testable import CatalogModel

/// One test per expected-output fixture. Where we differ from upstream on purpose, the
/// expected value is patched here with the reason, and `docs/compatibility.md` explains it.
@Suite struct GoldenTests {
    static let registry = "rhoai-model-registries:modelregistry-public"
    let settings = NormalizerSettings()

    struct MnistScenario {
        let model: RegisteredModel
        let versions: [ModelVersion]
        let artifacts: [ModelArtifact]
        let services: [RegistryInferenceService]
        let environments: [String: ServingEnvironment]
        let readme: String

        init() throws {
            model = try Fixtures.registryItems("MnistRegisteredModels", RegisteredModel.init(json:))[0]
            versions = try Fixtures.registryItems("MnistModelVersions", ModelVersion.init(json:))
            artifacts = try Fixtures.registryItems("MnistModelArtifacts", ModelArtifact.init(json:))
            services = try Fixtures.registryItems("MnistInferenceServices", RegistryInferenceService.init(json:))
            let environment = try ServingEnvironment(
                json: Fixtures.json("model-registry/MnistServingEnvironmentsGet.json"))
            environments = [environment.id: environment]
            readme = try Fixtures.json("model-catalog/GraniteCatalogModelGet.json")["readme"]?.stringValue ?? ""
        }

        func input(version: ModelVersion) -> RegistryVersionInput {
            RegistryVersionInput(
                registry: GoldenTests.registry, model: model, version: version, artifacts: artifacts,
                inferenceServices: services, servingEnvironments: environments, modelCardMarkdown: readme)
        }
    }

    func expected(_ name: String) throws -> JSONValue {
        try Fixtures.json("expected-output/derived/\(name)")
    }

    func compare(_ produced: NormalizedDocument, _ expected: JSONValue, record name: String) throws {
        try Fixtures.record(produced.document, as: "golden-" + name)
        let actual = try JSONValue.parse(produced.document.encodedJSON())
        #expect(normalizedForComparison(actual) == normalizedForComparison(expected))
    }

    /// Upstream always joined the two descriptions with a newline, giving `"\n…"` or `"\n"`;
    /// we join only the non-empty ones.
    func joinedDescription(_ text: String) -> JSONValue {
        .string(text.split(separator: "\n", omittingEmptySubsequences: true).joined(separator: "\n"))
    }

    @Test func d1PollMnistV1MatchesUpstreamExceptTheDescriptionJoin() throws {
        let scenario = try MnistScenario()
        let cluster = ClusterView(inferenceServices: [
            try Fixtures.kserve("controller-test.ggmtest.mnist-v1-random-suffix")
        ])
        let produced = RegistryNormalizer(settings: settings).normalize(
            scenario.input(version: scenario.versions.first { $0.name == "v1" }!), cluster: cluster)
        var expected = try expected("D1.kubeflow-poll.mnist_v1.model-catalog.json")
        let description = joinedDescription("\nsimple model that does not require a GPU")
        expected.setModel(["description"], to: description)
        expected.set(["modelServer", "description"], to: description)
        try compare(produced, expected, record: "D1")
        #expect(produced.modelCard?.key == "RedHatrhelai1granite-7b-starter")
        #expect(produced.epoch == "1740512730384")
    }

    @Test func d2PollMnistV3HasNoServerAndMatchesUpstreamExceptTheDescriptionJoin() throws {
        let scenario = try MnistScenario()
        let cluster = ClusterView(inferenceServices: [
            try Fixtures.kserve("controller-test.ggmtest.mnist-v1-random-suffix")
        ])
        let produced = RegistryNormalizer(settings: settings).normalize(
            scenario.input(version: scenario.versions.first { $0.name == "v3" }!), cluster: cluster)
        var expected = try expected("D2.kubeflow-poll.mnist_v3.model-catalog.json")
        expected.setModel(["description"], to: joinedDescription("\nsimple model that does not require a GPU"))
        try compare(produced, expected, record: "D2")
        #expect(produced.document.modelServer == nil)
    }

    @Test func archivedVersionV2IsNotLive() throws {
        let scenario = try MnistScenario()
        let live = scenario.versions.filter { RegistryNormalizer.isLive(model: scenario.model, version: $0) }
        #expect(live.map(\.name) == ["v1", "v3"])
    }

    @Test func d3ReconcileMnistV1NamesTheServerAfterTheKServeObjectAndUsesOneCardKey() throws {
        let scenario = try MnistScenario()
        let version = try ModelVersion(json: Fixtures.json("model-registry/MnistModelVersionGet.json"))
        let cluster = ClusterView(inferenceServices: [
            try Fixtures.kserve("controller-test.ggmtest.mnist-v1.registry-backed")
        ])
        let produced = RegistryNormalizer(settings: settings).normalize(
            scenario.input(version: version), cluster: cluster)
        var expected = try expected("D3.kubeflow-reconcile.mnist_v1.model-catalog.json")
        expected.setModel(["description"], to: .string(""))
        expected.set(["modelServer", "description"], to: .string(""))
        // Upstream named the server after the registry record (`mnist-v1/<uuid>` sanitised);
        // we name it after the KServe object it describes, as upstream's other paths did.
        expected.set(["modelServer", "name"], to: .string("mnist-v1"))
        try compare(produced, expected, record: "D3")

        let request = try Fixtures.json(
            "expected-output/derived/D3.kubeflow-reconcile.mnist_v1.storage-upsert-request.json")
        let body = try UpsertBody(produced, format: .jsonArray)
        #expect(body.lastUpdateTimeSinceEpoch == request["lastUpdateTimeSinceEpoch"]?.stringValue)
        #expect(body.modelCard == request["modelCard"]?.stringValue)
        // B9: upstream's reconcile path sent group+name; the TechDocs link uses class+group+name.
        #expect(request["modelCardKey"]?.stringValue == "rhelai1granite-7b-starter")
        #expect(body.modelCardKey == "RedHatrhelai1granite-7b-starter")
        let wire = try JSONValue.parse(JSONEncoder().encode(body))
        #expect(
            Set(wire.objectValue?.keys.map { $0 } ?? []) == [
                "body", "lastUpdateTimeSinceEpoch", "modelCardKey", "modelCard",
            ])
        #expect(try ModelCatalog.decode(body.body) == produced.document)
    }

    @Test func d4KServeOnlyOwnerIsTheNamespaceWhenNoAnnotationNamesOne() throws {
        let service = try Fixtures.kserve("kserve-test.default.InferSvc-1")
        let produced = KServeNormalizer(settings: NormalizerSettings(defaultLifecycle: "Lifecycle"))
            .normalize(service, cluster: ClusterView(inferenceServices: [service]))
        var expected = try expected("D4.kserve-only.default_InferSvc-1.model-catalog.json")
        // The fixture called upstream's printers with owner "Owner"; its controller passes the
        // namespace, which is what we do.
        expected.setModel(["owner"], to: .string("default"))
        expected.set(["modelServer", "owner"], to: .string("default"))
        try compare(produced, expected, record: "D4")
        #expect(produced.key.key == "default_InferSvc-1" || produced.key.segment2.contains("."))
    }

    @Test func d5KServeOnlyAnnotationsFillEveryFieldAndAnInvalidTechDocsIsDropped() throws {
        let service = try Fixtures.kserve("kserve-test.default.InferSvc-2")
        let produced = KServeNormalizer(settings: settings).normalize(
            service, cluster: ClusterView(inferenceServices: [service]))
        try compare(produced, try expected("D5.kserve-only.default_InferSvc-2.model-catalog.json"), record: "D5")
    }

    @Test func d6KServeOnlyReconcileMatchesUpstreamIncludingStorageWireFormats() throws {
        let service = try Fixtures.kserve("controller-test.foo.bar.ready")
        #expect(KServeReadiness.isReady(service))
        let produced = KServeNormalizer(settings: settings).normalize(
            service, cluster: ClusterView(inferenceServices: [service]))
        try compare(produced, try expected("D6.kserve-only-reconcile.foo_bar.model-catalog.json"), record: "D6")
        #expect(produced.key.key == "foo_bar")
        #expect(produced.key.uri(format: .jsonArray) == "/foo/bar/model-catalog.json")

        let request = try expected("D6.kserve-only-reconcile.foo_bar.storage-upsert-request.json")
        let body = try UpsertBody(produced, format: .jsonArray)
        let decodedRequest = try JSONDecoder().decode(
            UpsertBody.self,
            from: Fixtures.data(
                "expected-output/derived/D6.kserve-only-reconcile.foo_bar.storage-upsert-request.json"))
        #expect(try ModelCatalog.decode(decodedRequest.body) == produced.document)
        #expect(body.lastUpdateTimeSinceEpoch == request["lastUpdateTimeSinceEpoch"]?.stringValue)
        #expect(body.modelCardKey == "" && body.modelCard == "")

        let stored = try JSONDecoder().decode(
            StorageBody.self,
            from: Fixtures.data(
                "expected-output/derived/D6.kserve-only-reconcile.foo_bar.configmap-binarydata-value.json"))
        #expect(stored.reconcilerType == "kserve")
        #expect(try ModelCatalog.decode(stored.body) == produced.document)
    }

    @Test func d7GraniteLabHasNoDeadModelCardLinkAndKeepsOnlyValidTags() throws {
        let model = try Fixtures.registryItems("MultiModelRegisteredModels", RegisteredModel.init(json:))
            .first { $0.id == "1" }!
        let version = try Fixtures.registryItems("Granite8bLabModelVersions", ModelVersion.init(json:))[0]
        let artifacts = try Fixtures.registryItems("Granite8bLabModelArtifacts", ModelArtifact.init(json:))
        let services = try Fixtures.registryItems("MultiModelInferenceServices", RegistryInferenceService.init(json:))
        let input = RegistryVersionInput(
            registry: GoldenTests.registry, model: model, version: version, artifacts: artifacts,
            inferenceServices: services)
        let produced = RegistryNormalizer(settings: settings).normalize(
            input, cluster: ClusterView(inferenceServices: []))
        var expected = try expected("D7.kubeflow-poll.granite-31-8b-lab-v1-140_v1.model-catalog.json")
        // B30: no card was posted (the artifact names no catalog source), so no TechDocs link.
        expected.setModel(["annotations", "TechDocs"], to: nil)
        if let description = expected["models"]?.arrayValue?.first?["description"]?.stringValue {
            expected.setModel(["description"], to: joinedDescription(description))
        }
        try compare(produced, expected, record: "D7")
        #expect(produced.modelCard == nil)
    }

    @Test func multiModelNamesDropDotsLikeUpstream() throws {
        let models = try Fixtures.registryItems("MultiModelRegisteredModels", RegisteredModel.init(json:))
        let versions: [String: String] = [
            "1": "Granite8bLabModelVersions", "3": "Granite8bCodeBaseModelVersions",
            "5": "MultiModelMnistModelVersions",
        ]
        var names: [String] = []
        for model in models {
            let version = try Fixtures.registryItems(versions[model.id]!, ModelVersion.init(json:))[0]
            let produced = RegistryNormalizer(settings: settings).normalize(
                RegistryVersionInput(registry: GoldenTests.registry, model: model, version: version),
                cluster: ClusterView(inferenceServices: []))
            names.append(produced.document.models[0].name)
            try Fixtures.record(produced.document, as: "multimodel-\(model.id)")
        }
        #expect(names == ["granite-31-8b-lab-v1-140-v1", "granite-8b-code-instruct-140-v1", "mnist-v1"])
    }

    @Test func legacyCatalogInfoYamlForModel1MatchesUpstreamWithUniqueEntityNames() throws {
        let model = try Fixtures.registryItems("TestJSONStringRegisteredModelOneLine", RegisteredModel.init(json:))[0]
        #expect(model.owner == "kube:admin", "Go matched the \"Owner\" key case-insensitively; so do we")
        let version = try Fixtures.registryItems("TestJSONStringModelVersionOneLine", ModelVersion.init(json:))[0]
        let artifacts = try Fixtures.registryItems("TestJSONStringModelArtifactOneLine", ModelArtifact.init(json:))
        let produced = RegistryNormalizer(
            settings: NormalizerSettings(defaultOwner: "Owner", defaultLifecycle: "Lifecycle")
        )
        .normalize(
            RegistryVersionInput(registry: GoldenTests.registry, model: model, version: version, artifacts: artifacts),
            cluster: ClusterView(inferenceServices: []))
        let actual = try produced.legacyYAML.components(separatedBy: "---\n").map(JSONValue.parseYAML)
        var expected = try Fixtures.text("expected-output/catalog-info-yaml/listOutput.model-1.yaml")
            .components(separatedBy: "---\n").map(JSONValue.parseYAML)
        #expect(expected.count == 3)
        // Upstream named the Component after the model and the Resource after the raw version
        // (every version of every model collided on `v1`) and pointed dependsOn at an API that
        // is never emitted; the owner came from DEFAULT_OWNER over the model's own owner.
        let name = JSONValue.string("model-1-v1")
        for index in expected.indices {
            expected[index].set(["metadata", "name"], to: name)
            expected[index].set(["spec", "profile", "displayName"], to: name)
            expected[index].set(["spec", "owner"], to: .string("user:kubeadmin"))
        }
        expected[0].set(
            ["spec", "dependsOn"], to: .array([.string("resource:model-1-v1"), .string("api:model-1-v1")]))
        expected[1].set(["spec", "dependencyOf"], to: .array([.string("component:model-1-v1")]))
        expected[2].set(["spec", "dependencyOf"], to: .array([.string("component:model-1-v1")]))
        #expect(actual == expected)
        #expect(produced.document.models[0].owner == "kubeadmin")
    }

    @Test func legacyKServeOnlyYamlIsNotEmpty() throws {
        let service = try Fixtures.kserve("controller-test.foo.bar.ready")
        let produced = KServeNormalizer(settings: settings).normalize(
            service, cluster: ClusterView(inferenceServices: [service]))
        let documents = try produced.legacyYAML.components(separatedBy: "---\n").map(JSONValue.parseYAML)
        #expect(documents.map { $0["kind"]?.stringValue } == ["Component", "Resource", "API"])
        #expect(documents[0]["metadata"]?["name"]?.stringValue == "foo-bar")
        #expect(documents[0]["metadata"]?["links"]?.arrayValue?.first?["url"]?.stringValue == "https://kserve.com")
        #expect(try produced.body(format: .catalogInfoYaml).count > 100)
    }

    @Test func skippingTheLegacyYamlLeavesItEmptyAndTheJsonDocumentUnchanged() throws {
        let mnist = try MnistScenario()
        let input = mnist.input(version: mnist.versions[0])
        let cluster = ClusterView(inferenceServices: [])
        let normalizer = RegistryNormalizer(settings: settings)
        let full = normalizer.normalize(input, cluster: cluster)
        let jsonOnly = normalizer.normalize(input, cluster: cluster, includingLegacyYAML: false)
        #expect(!full.legacyYAML.isEmpty && jsonOnly.legacyYAML.isEmpty)
        #expect(try jsonOnly.body(format: .jsonArray) == full.body(format: .jsonArray))
        #expect(jsonOnly.key == full.key && jsonOnly.epoch == full.epoch && jsonOnly.modelCard == full.modelCard)

        let service = try Fixtures.kserve("controller-test.foo.bar.ready")
        let kserve = KServeNormalizer(settings: settings)
        let served = ClusterView(inferenceServices: [service])
        let kserveJSONOnly = kserve.normalize(service, cluster: served, includingLegacyYAML: false)
        #expect(kserveJSONOnly.legacyYAML.isEmpty)
        #expect(
            try kserveJSONOnly.body(format: .jsonArray)
                == kserve.normalize(service, cluster: served).body(format: .jsonArray))
    }
}
