/// The KServe-only path of the normalizer (upstream §2.8): one document per inference
/// service that no registry claims, with overrides read from
/// `modelcatalogbridge.rhdh.io/<key>` annotations.
///
/// ```swift
/// let result = KServeNormalizer(settings: settings).normalize(service, cluster: clusterView)
/// ```
public struct KServeNormalizer: Sendable {
    public var settings: NormalizerSettings

    public init(settings: NormalizerSettings) {
        self.settings = settings
    }

    /// Whether the registry path owns this service (it carries registry labels), so the
    /// KServe-only path must leave it alone.
    public static func isRegistryManaged(_ service: KServeInferenceService) -> Bool {
        RegistryLabel.registeredModelID(service.labels) != nil || RegistryLabel.modelVersionID(service.labels) != nil
    }

    /// Builds the document of one inference service. Readiness is the caller's decision
    /// (`KServeReadiness`); this renders whatever it is given. Without `includingLegacyYAML`
    /// the document's ``NormalizedDocument/legacyYAML`` is left empty (callers serving JSON).
    public func normalize(_ service: KServeInferenceService, cluster: ClusterView, includingLegacyYAML: Bool = true)
        -> NormalizedDocument
    {
        let annotation = { (key: String) -> String? in service.annotations[PropertyKey.annotation(key)] }
        let owner = BackstageRules.ownerName(
            annotation(PropertyKey.owner),
            fallback: BackstageRules.ownerName(service.namespace, fallback: settings.defaultOwner))
        let lifecycle =
            nonEmpty(NameSanitizer.sanitizeName(annotation(PropertyKey.lifecycle) ?? ""))
            ?? settings.defaultLifecycle
        let description = annotation(PropertyKey.description) ?? ""
        let readable = NameSanitizer.sanitizeName(
            NameSanitizer.sanitizeName(service.namespace) + "-" + NameSanitizer.sanitizeName(service.name))
        let name = BackstageRules.entityName(
            candidate: readable, identity: "\(service.kind.rawValue)\u{0}\(service.namespace)\u{0}\(service.name)")
        let tags = TagBuilder.labelTags(service.labels)

        var annotations = [OutputAnnotation.modelName: service.name]
        if let link = annotation(PropertyKey.techDocs), isHTTPURL(link) {
            annotations[OutputAnnotation.techDocs] = link
        }
        var artifact = nonEmpty(service.storageURI)
        if artifact == nil, let path = nonEmpty(service.storagePath) { artifact = "s3://" + path }

        let server = cluster.endpoint(service).map { endpoint in
            ModelServer(
                name: name, owner: owner, lifecycle: lifecycle, description: description,
                api: ModelServerAPI(
                    url: endpoint.url, type: APIType(propertyValue: annotation(PropertyKey.apiType)),
                    spec: nonEmpty(annotation(PropertyKey.apiSpec)) ?? "TBD", tags: tags,
                    annotations: endpoint.annotations.isEmpty ? nil : endpoint.annotations),
                authentication: cluster.requiresAuthentication(service),
                homepageURL: nonEmpty(annotation(PropertyKey.homepageURL)), tags: tags,
                usage: annotation(PropertyKey.usage))
        }
        let document = ModelCatalog(
            models: [
                Model(
                    name: name, owner: owner, lifecycle: lifecycle, description: description,
                    annotations: annotations, artifactLocationURL: artifact, ethics: annotation(PropertyKey.ethics),
                    howToUseURL: nonEmpty(annotation(PropertyKey.howToUse)),
                    license: nonEmpty(annotation(PropertyKey.license)), support: annotation(PropertyKey.support),
                    tags: tags, training: annotation(PropertyKey.training), usage: annotation(PropertyKey.usage))
            ],
            modelServer: server)
        return NormalizedDocument(
            key: ImportKey.kserve(namespace: service.namespace, name: service.name), document: document, epoch: "",
            modelCard: nil, reconcilerType: .kserve,
            legacyYAML: includingLegacyYAML ? LegacyCatalogInfo.kserveYAML(service, document: document) : "")
    }
}
