import Foundation
import KubeAPI
import RegistryAPI

/// Puts a ``SandboxScenario`` into the fakes' stores directly (no HTTP, so 10,000 models load in
/// seconds): registry models, versions, artifacts, serving environments and deployment records;
/// catalog sources and models; namespaces and KServe-only services in the Kubernetes store.
///
/// ```swift
/// try SandboxScenarioLoader.seed(scenario.registries[0], into: registryServer.store)
/// try SandboxScenarioLoader.seed(scenario.catalog, into: catalogServer.store)
/// try SandboxScenarioLoader.seedKubernetes(scenario, extraNamespaces: ["rhdh"], into: kube.store)
/// ```
public enum SandboxScenarioLoader {
    /// What a scenario holds, for status pages and tests.
    public struct Counts: Sendable, Hashable, Codable {
        public var registries = 0
        public var models = 0
        public var archivedModels = 0
        public var versions = 0
        public var archivedVersions = 0
        public var artifacts = 0
        public var catalogModels = 0
        public var modelCards = 0
        /// Registry deployment records (DEPLOYED and UNDEPLOYED).
        public var deploymentRecords = 0
        public var deployed = 0
        /// KServe-only services.
        public var kserveServices = 0
        public var neverReady = 0
        /// Artifacts that point at a catalog model with a readme.
        public var artifactsWithModelCards = 0

        public init() {}
    }

    /// Counts what `scenario` holds.
    public static func counts(of scenario: SandboxScenario) -> Counts {
        var counts = Counts()
        counts.registries = scenario.registries.count
        var cards = Set<String>()
        for source in scenario.catalog.sources {
            counts.catalogModels += source.models.count
            for model in source.models where !(model.readme ?? "").isEmpty {
                cards.insert("\(source.id)|\(model.name)")
            }
        }
        counts.modelCards = cards.count
        for model in scenario.registries.flatMap(\.models) {
            counts.models += 1
            if model.state == ModelState.archived.rawValue { counts.archivedModels += 1 }
            for version in model.versions {
                counts.versions += 1
                if version.state == ModelState.archived.rawValue { counts.archivedVersions += 1 }
                counts.artifacts += version.artifacts.count
                counts.artifactsWithModelCards +=
                    version.artifacts.filter { artifact in
                        guard let source = artifact.modelSourceClass, let name = artifact.modelSourceName else {
                            return false
                        }
                        let full =
                            (artifact.modelSourceGroup ?? "").isEmpty ? name : "\(artifact.modelSourceGroup!)/\(name)"
                        return cards.contains("\(source)|\(full)")
                    }.count
                counts.deploymentRecords += version.deployments.count
                counts.deployed += version.deployments.filter { $0.desiredState != "UNDEPLOYED" }.count
            }
        }
        counts.kserveServices = scenario.inferenceServices.count
        counts.neverReady = scenario.inferenceServices.filter { $0.neverReady == true }.count
        return counts
    }

    /// Creates the registry's models, versions, artifacts, serving environments and deployment records.
    public static func seed(_ registry: SandboxScenario.Registry, into store: FakeRegistryStore) throws {
        var environments: [String: String] = Dictionary(
            store.servingEnvironments().compactMap { environment in
                environment.id.flatMap { id in environment.name.map { ($0, id) } }
            }, uniquingKeysWith: { first, _ in first })
        for model in registry.models {
            let created = try store.createRegisteredModel(
                RegisteredModel(
                    name: model.name, description: model.description, owner: model.owner,
                    state: model.state.map(ModelState.init(rawValue:)),
                    customProperties: properties(model.customProperties)))
            guard let modelID = created.id else { continue }
            for version in model.versions {
                let createdVersion = try store.createModelVersion(
                    ModelVersion(
                        name: version.name, description: version.description, registeredModelId: modelID,
                        author: version.author, state: version.state.map(ModelState.init(rawValue:)),
                        customProperties: properties(version.customProperties)))
                guard let versionID = createdVersion.id else { continue }
                for artifact in version.artifacts {
                    _ = try store.upsertVersionArtifact(
                        versionId: versionID,
                        ModelArtifact(
                            name: artifact.name, uri: artifact.uri, modelFormatName: artifact.modelFormatName,
                            modelFormatVersion: artifact.modelFormatVersion, modelSourceKind: artifact.modelSourceKind,
                            modelSourceClass: artifact.modelSourceClass, modelSourceGroup: artifact.modelSourceGroup,
                            modelSourceName: artifact.modelSourceName))
                }
                for deployment in version.deployments {
                    let environmentID: String
                    if let known = environments[deployment.namespace] {
                        environmentID = known
                    } else {
                        let environment = try store.createServingEnvironment(
                            ServingEnvironment(name: deployment.namespace))
                        environmentID = environment.id ?? ""
                        environments[deployment.namespace] = environmentID
                    }
                    _ = try store.createInferenceService(
                        RegistryAPI.InferenceService(
                            name: "\(deployment.runtime)/\(UUID().uuidString.lowercased())", registeredModelId: modelID,
                            modelVersionId: versionID, servingEnvironmentId: environmentID, runtime: deployment.runtime,
                            desiredState: deployment.desiredState.map(InferenceServiceState.init(rawValue:))
                                ?? .deployed))
                }
            }
        }
    }

    /// Creates the catalog sources and models.
    public static func seed(_ catalog: SandboxScenario.Catalog, into store: FakeCatalogStore) throws {
        for source in catalog.sources {
            store.addSource(CatalogSource(id: source.id, name: source.name ?? source.id, enabled: true))
            for model in source.models {
                try store.putModel(
                    CatalogModelEntry(
                        name: model.name, description: model.description, readme: model.readme,
                        provider: model.provider,
                        license: model.license),
                    source: source.id)
            }
        }
    }

    /// Creates every namespace the scenario names (plus `extraNamespaces`) and its KServe-only services.
    public static func seedKubernetes(
        _ scenario: SandboxScenario, extraNamespaces: [String] = [], into store: FakeKubeStore
    ) throws {
        var namespaces = extraNamespaces + scenario.namespaces + scenario.registries.map(\.namespace)
        namespaces += scenario.registries.flatMap(\.models).flatMap(\.versions).flatMap(\.deployments).map(\.namespace)
        namespaces += scenario.inferenceServices.map(\.namespace)
        var seen = Set<String>()
        let namespaceKind = Namespace.resource.fakeKindID
        for namespace in namespaces where seen.insert(namespace).inserted {
            guard let kind = store.kind(id: namespaceKind),
                (try? store.get(kind, namespace: nil, name: namespace)) == nil
            else { continue }
            try store.seed(kind: namespaceKind, object: ["metadata": ["name": .string(namespace)]])
        }
        for service in scenario.inferenceServices {
            let (kindID, object) = kubernetesObject(for: service)
            try store.seed(kind: kindID, object: object)
        }
    }

    /// The Kubernetes object of a KServe-only service, and its store kind.
    static func kubernetesObject(for service: SandboxScenario.KServeService) -> (String, JSONValue) {
        var labels = (service.labels ?? [:]).mapValues { JSONValue.string($0) }
        var annotations = (service.annotations ?? [:]).mapValues { JSONValue.string($0) }
        if let mode = service.deploymentMode {
            annotations[KServeStatusController.deploymentModeAnnotation] = .string(mode)
        }
        if service.exposed == true { labels[KServeStatusController.visibilityLabel] = "exposed" }
        if service.auth == true { annotations[KServeStatusController.authAnnotation] = "true" }
        if service.neverReady == true { annotations[KServeStatusController.neverReadyAnnotation] = "true" }
        let metadata: JSONValue = [
            "name": .string(service.name), "namespace": .string(service.namespace), "labels": .object(labels),
            "annotations": .object(annotations),
        ]
        if service.kind == LLMInferenceService.resource.kind {
            var model: JSONValue = ["name": .string(service.name)]
            if let uri = service.storageUri { model["uri"] = .string(uri) }
            return (LLMInferenceService.resource.fakeKindID, ["metadata": metadata, "spec": ["model": model]])
        }
        var model: JSONValue = ["modelFormat": ["name": .string(service.modelFormat ?? "onnx")]]
        if let runtime = service.runtime { model["runtime"] = .string(runtime) }
        if let uri = service.storageUri { model["storageUri"] = .string(uri) }
        return (
            KubeAPI.InferenceService.resource.fakeKindID,
            ["metadata": metadata, "spec": ["predictor": ["model": model]]]
        )
    }

    private static func properties(_ values: [String: String]?) -> CustomProperties? {
        values.map { $0.mapValues { MetadataValue.string($0) } }
    }
}
