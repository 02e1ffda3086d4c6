import Foundation

/// Everything the registry path needs for one model version. The caller reads the registry
/// and the catalog; the normalizer only decides.
public struct RegistryVersionInput: Sendable {
    /// The registry's stable identity (its route, `namespace:name`); part of the key.
    public var registry: String
    public var model: RegisteredModel
    public var version: ModelVersion
    /// The version's artifacts, in registry order.
    public var artifacts: [ModelArtifact]
    /// The registry's inference-service records (any; those of other versions are ignored).
    public var inferenceServices: [RegistryInferenceService]
    /// Serving environments by id.
    public var servingEnvironments: [String: ServingEnvironment]
    /// The markdown of the model card of the first artifact with a catalog source, when the
    /// catalog returned a non-empty `readme` for it.
    public var modelCardMarkdown: String?

    public init(
        registry: String, model: RegisteredModel, version: ModelVersion, artifacts: [ModelArtifact] = [],
        inferenceServices: [RegistryInferenceService] = [], servingEnvironments: [String: ServingEnvironment] = [:],
        modelCardMarkdown: String? = nil
    ) {
        self.registry = registry
        self.model = model
        self.version = version
        self.artifacts = artifacts
        self.inferenceServices = inferenceServices
        self.servingEnvironments = servingEnvironments
        self.modelCardMarkdown = modelCardMarkdown
    }

    /// The artifact whose catalog source names the model card.
    public var modelCardSource: CatalogSource? { artifacts.lazy.compactMap(\.catalogSource).first }
}

/// The registry path of the normalizer (upstream §2.2–2.7): one document per registered
/// model × live model version.
///
/// ```swift
/// let normalizer = RegistryNormalizer(settings: NormalizerSettings())
/// let result = normalizer.normalize(input, cluster: clusterView)
/// ```
public struct RegistryNormalizer: Sendable {
    public var settings: NormalizerSettings

    public init(settings: NormalizerSettings) {
        self.settings = settings
    }

    /// Whether a version is published at all: neither it nor its model is archived.
    public static func isLive(model: RegisteredModel, version: ModelVersion) -> Bool {
        model.state != .archived && version.state != .archived
    }

    /// The key of a version, without normalizing it.
    public static func key(registry: String, model: RegisteredModel, version: ModelVersion) -> ImportKey {
        ImportKey.registry(registry: registry, model: model.name, version: version.name)
    }

    /// Builds the document of one model version. Without `includingLegacyYAML` the document's
    /// ``NormalizedDocument/legacyYAML`` is left empty: rendering YAML costs most of the time of
    /// a document, so callers serving JSON skip it.
    public func normalize(_ input: RegistryVersionInput, cluster: ClusterView, includingLegacyYAML: Bool = true)
        -> NormalizedDocument
    {
        let model = input.model
        let version = input.version
        let property = { (key: String) -> String? in
            // Version first, then model; only string values count (upstream `commonGetStringPropVal`).
            if let value = version.customProperties[key]?.string { return value }
            return model.customProperties[key]?.string
        }
        let owner =
            [property(PropertyKey.owner), model.owner].lazy.compactMap { raw -> String? in
                guard let raw else { return nil }
                let name = BackstageRules.ownerName(raw, fallback: "")
                return name.isEmpty ? nil : name
            }.first ?? settings.defaultOwner
        let lifecycle =
            nonEmpty(NameSanitizer.sanitizeName(property(PropertyKey.lifecycle) ?? ""))
            ?? settings.defaultLifecycle
        let description = [model.description, version.description].compactMap(nonEmpty).joined(separator: "\n")
        let tags = TagBuilder.registryTags(model: model, version: version, artifacts: input.artifacts)
        let readableName =
            NameSanitizer.sanitizeName(model.name) + "-" + NameSanitizer.sanitizeModelVersion(version.name)
        let modelName = BackstageRules.entityName(
            candidate: readableName, identity: "\(input.registry)\u{0}\(model.name)\u{0}\(version.name)")

        var modelCard: ModelCard?
        var annotations = [OutputAnnotation.modelName: modelName]
        if let source = input.modelCardSource, let markdown = nonEmpty(input.modelCardMarkdown) {
            let card = ModelCard(key: source.modelCardKey, markdown: markdown)
            modelCard = card
            annotations[OutputAnnotation.techDocs] = modelCardURL(key: card.key)
        } else if let link = property(PropertyKey.techDocs), isHTTPURL(link) {
            annotations[OutputAnnotation.techDocs] = link
        }

        let document = ModelCatalog(
            models: [
                Model(
                    name: modelName, owner: owner, lifecycle: lifecycle, description: description,
                    annotations: annotations,
                    artifactLocationURL: input.artifacts.lazy.compactMap({ nonEmpty($0.uri) }).first,
                    ethics: property(PropertyKey.ethics), howToUseURL: nonEmpty(property(PropertyKey.howToUse)),
                    license: nonEmpty(property(PropertyKey.license)), support: property(PropertyKey.support),
                    tags: tags,
                    training: property(PropertyKey.training), usage: property(PropertyKey.usage))
            ],
            modelServer: resolveServer(input, cluster: cluster).flatMap { service in
                cluster.endpoint(service).map { endpoint in
                    ModelServer(
                        name: BackstageRules.entityName(
                            candidate: NameSanitizer.sanitizeName(service.name),
                            identity: "\(service.namespace)\u{0}\(service.name)"),
                        owner: owner, lifecycle: lifecycle, description: description,
                        api: ModelServerAPI(
                            url: endpoint.url, type: APIType(propertyValue: property(PropertyKey.apiType)),
                            spec: nonEmpty(property(PropertyKey.apiSpec)) ?? "TBD", tags: tags,
                            annotations: endpoint.annotations.isEmpty ? nil : endpoint.annotations),
                        authentication: cluster.requiresAuthentication(service),
                        homepageURL: nonEmpty(property(PropertyKey.homepageURL)), tags: tags,
                        usage: property(PropertyKey.usage))
                }
            })
        let key = RegistryNormalizer.key(registry: input.registry, model: model, version: version)
        return NormalizedDocument(
            key: key, document: document,
            epoch: newestEpoch([version.lastUpdateTimeSinceEpoch, model.lastUpdateTimeSinceEpoch]),
            modelCard: modelCard, reconcilerType: .kubeflow,
            legacyYAML: includingLegacyYAML
                ? LegacyCatalogInfo.registryYAML(
                    input, document: document, owner: owner, lifecycle: lifecycle, cluster: cluster,
                    server: resolveServer(input, cluster: cluster)) : "")
    }

    /// The KServe object that serves this version, matched by labels before any name (B25)
    /// and honouring `desiredState` (B27):
    /// 1. For each registry record of this version that is DEPLOYED: a KServe object carrying
    ///    all three registry labels, else the registered-model and version labels, else the
    ///    object named by the record's `runtime` in its serving environment's namespace.
    /// 2. With no registry record for this version: a KServe object labelled with the model
    ///    and version (upstream's two-label fallback).
    /// 3. Records exist but none is DEPLOYED: no server.
    public func resolveServer(_ input: RegistryVersionInput, cluster: ClusterView) -> KServeInferenceService? {
        let records = input.inferenceServices.filter { record in
            record.modelVersionId == input.version.id
                && (record.registeredModelId == nil || record.registeredModelId == input.model.id)
        }.sorted { $0.id < $1.id }
        let labelled = cluster.labelled(registeredModelID: input.model.id, modelVersionID: input.version.id)
        if records.isEmpty { return labelled.first }
        for record in records where record.desiredState != .undeployed {
            let namespace = record.servingEnvironmentId.flatMap { input.servingEnvironments[$0]?.name }
            let inNamespace = labelled.filter { namespace == nil || $0.namespace == namespace }
            if let exact = inNamespace.first(where: { RegistryLabel.inferenceServiceID($0.labels) == record.id }) {
                return exact
            }
            if let byModel = inNamespace.first(where: { RegistryLabel.inferenceServiceID($0.labels) == nil }) {
                return byModel
            }
            if let namespace, let name = record.kserveName,
                let byName = cluster.inferenceService(namespace: namespace, name: name)
            {
                return byName
            }
        }
        return nil
    }

    func modelCardURL(key: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = key.addingPercentEncoding(withAllowedCharacters: allowed) ?? key
        return settings.modelCardBaseURL + "/modelcard?key=" + encoded
    }
}
