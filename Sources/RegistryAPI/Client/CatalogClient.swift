import WireValues

/// Reads the model catalog (REST `v1alpha1`), mainly the model card (`readme`) of the catalog
/// model a registry artifact came from.
///
/// ```swift
/// let catalog = CatalogClient(endpoint: found.catalog!, token: token, transport: transport)
/// if let card = try await catalog.modelCard(for: artifact) { publish(card) }
/// ```
public final class CatalogClient: Sendable {
    /// Catalog key (see ``CatalogEndpoint/key``); also the key of the request count.
    public let key: String
    /// Base URL, e.g. `https://host/api/model_catalog/v1alpha1`.
    public let baseURL: String
    public let pageSize: Int
    private let reader: JSONReader

    /// A client for a discovered catalog.
    public convenience init(endpoint: CatalogEndpoint, token: String?, transport: RegistryTransport) {
        self.init(key: endpoint.key, baseURL: endpoint.baseURL, token: token, transport: transport)
    }

    /// A client for the catalog at `baseURL` (including `/api/model_catalog/v1alpha1`).
    public init(key: String, baseURL: String, token: String?, transport: RegistryTransport, pageSize: Int = 100) {
        self.key = key
        self.baseURL = baseURL
        self.pageSize = max(1, pageSize)
        self.reader = JSONReader(key: key, token: token, transport: transport, maxPages: 10_000)
    }

    /// Requests this catalog has cost so far.
    public var requestCount: Int { reader.transport.requestCount(registry: key) }

    /// `GET /sources/{sourceId}/models/{name}`; `nil` when the catalog answers 404. The model
    /// name may contain `/` (catalog names look like `org/model`): it is sent as path
    /// separators, every other reserved character percent-encoded.
    public func model(sourceId: String, name: String) async throws -> CatalogModelEntry? {
        let path = "/sources/\(PercentEncoding.segment(sourceId))/models/\(PercentEncoding.path(name))"
        do {
            return try await reader.fetch(CatalogModelEntry.self, url: BaseURL(baseURL).url(path))
        } catch let error as RegistryError where error.isNotFound {
            return nil
        }
    }

    /// The newest model of a source (`GET /models?source=&pageSize=1&orderBy=LAST_UPDATE_TIME&sortOrder=DESC`):
    /// one request that tells whether any model card of that source may have changed.
    public func watermark(sourceId: String) async throws -> CollectionWatermark {
        let url = BaseURL(baseURL).url(
            "/models",
            query: [
                ("source", sourceId), ("pageSize", "1"), ("orderBy", "LAST_UPDATE_TIME"), ("sortOrder", "DESC"),
            ])
        let page = try await reader.fetch(ListPage<ProbeItem>.self, url: url) ?? .empty
        let newest = page.items.first
        return CollectionWatermark(
            newestUpdate: newest?.lastUpdateTimeSinceEpoch.flatMap { Int64($0) }, newestId: newest?.id, size: page.size)
    }

    /// The model card of the catalog model `{group}/{name}` in source `sourceClass`, as the
    /// bridge reads it from a registry artifact's `modelSourceClass/Group/Name`. `nil` when the
    /// catalog has no such model, or it has no readme. An empty group is left out of the path.
    public func modelCard(sourceClass: String, group: String?, name: String) async throws -> String? {
        let fullName = (group?.isEmpty ?? true) ? name : "\(group!)/\(name)"
        return try await model(sourceId: sourceClass, name: fullName)?.readme
    }

    /// The model card for a registry artifact, or `nil` when the artifact names no catalog model.
    public func modelCard(for artifact: ModelArtifact) async throws -> String? {
        guard let sourceClass = artifact.modelSourceClass, !sourceClass.isEmpty,
            let name = artifact.modelSourceName, !name.isEmpty
        else { return nil }
        return try await modelCard(sourceClass: sourceClass, group: artifact.modelSourceGroup, name: name)
    }

    /// Every catalog source (`GET /sources`, paged).
    public func sources() async throws -> [CatalogSource] {
        let read: DecodedList<CatalogSource> = try await reader.listAll(
            base: baseURL, path: "/sources", query: [("orderBy", "ID"), ("sortOrder", "ASC")], pageSize: pageSize
        )
        return try read.strict(registry: key)
    }

    /// The artifacts of a catalog model (`GET /sources/{id}/models/{name}/artifacts`; the name is
    /// one path segment here, so `/` is encoded).
    public func modelArtifacts(sourceId: String, name: String) async throws -> [CatalogModelArtifact] {
        let path = "/sources/\(PercentEncoding.segment(sourceId))/models/\(PercentEncoding.segment(name))/artifacts"
        let read: DecodedList<CatalogModelArtifact> = try await reader.listAll(
            base: baseURL, path: path, query: [("orderBy", "ID"), ("sortOrder", "ASC")], pageSize: pageSize
        )
        return try read.strict(registry: key)
    }
}
