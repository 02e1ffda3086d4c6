import Synchronization
import WireValues

/// Whether a registry honours `filterQuery` (RHOAI 2.24+), as learnt from its answers.
public enum FilterQuerySupport: String, Sendable, Hashable {
    /// Not tried yet.
    case unknown
    /// The server filtered the list.
    case honoured
    /// The server answered but returned entries the filter excludes (2.20–2.23 ignore it).
    case ignored
    /// The server answered 400 to it.
    case rejected
}

/// Reads one Model Registry (REST `v1alpha3`).
///
/// Every list is a global paged list: `pageSize` is always sent, `nextPageToken` is followed to
/// the end, `orderBy` always comes with `sortOrder`. A read that fails on any page throws a
/// ``RegistryError``; it never returns fewer items as if complete.
///
/// ```swift
/// let client = RegistryClient(endpoint: endpoint, token: token, transport: transport)
/// let fingerprint = try await client.probe()
/// if fingerprint.changedCollections(since: last).isEmpty == false {
///     let models = try await client.registeredModels()
///     let versions = try await client.modelVersions()
///     let changed = try await client.modelVersions(updatedAfter: last?.newestUpdate)
/// }
/// ```
public final class RegistryClient: Sendable {
    /// Registry key (see ``RegistryEndpoint/key``); also the key of the request count.
    public let key: String
    /// Base URL, e.g. `https://host/api/model_registry/v1alpha3`.
    public let baseURL: String
    /// Items asked for per page (at most 100, which MLMD-backed servers accept).
    public let pageSize: Int
    private let reader: JSONReader
    private let filterState = Mutex(FilterQuerySupport.unknown)

    /// A client for a discovered registry.
    public convenience init(
        endpoint: RegistryEndpoint, token: String?, transport: RegistryTransport, pageSize: Int = 100
    ) {
        self.init(key: endpoint.key, baseURL: endpoint.baseURL, token: token, transport: transport, pageSize: pageSize)
    }

    /// A client for the registry at `baseURL` (including `/api/model_registry/v1alpha3`).
    public init(
        key: String, baseURL: String, token: String?, transport: RegistryTransport, pageSize: Int = 100,
        maxPages: Int = 10_000
    ) {
        self.key = key
        self.baseURL = baseURL
        self.pageSize = max(1, pageSize)
        self.reader = JSONReader(key: key, token: token, transport: transport, maxPages: maxPages)
    }

    /// Requests this registry has cost so far (through the shared transport).
    public var requestCount: Int { reader.transport.requestCount(registry: key) }

    /// What the server has shown about `filterQuery` so far.
    public var filterQuerySupport: FilterQuerySupport { filterState.withLock { $0 } }

    // MARK: Global lists

    // The `…List` reads keep what decodes and return the objects that do not apart; the plain
    // ones are all-or-nothing (they throw on the first undecodable object), as before.

    /// Every registered model, or only those written after `updatedAfter` (ms since epoch).
    public func registeredModels(updatedAfter: Int64? = nil) async throws -> [RegisteredModel] {
        try await registeredModelList(updatedAfter: updatedAfter).strict(registry: key)
    }

    /// Every registered model that decodes, and the ones that do not.
    public func registeredModelList(updatedAfter: Int64? = nil) async throws -> DecodedList<RegisteredModel> {
        try await list(.registeredModels, updatedAfter: updatedAfter)
    }

    /// Every model version of every model (`GET /model_versions`; join on `registeredModelId`).
    public func modelVersions(updatedAfter: Int64? = nil) async throws -> [ModelVersion] {
        try await modelVersionList(updatedAfter: updatedAfter).strict(registry: key)
    }

    /// Every model version that decodes, and the ones that do not.
    public func modelVersionList(updatedAfter: Int64? = nil) async throws -> DecodedList<ModelVersion> {
        try await list(.modelVersions, updatedAfter: updatedAfter)
    }

    /// Every model artifact (`GET /model_artifacts`; these carry no version id).
    public func modelArtifacts(updatedAfter: Int64? = nil) async throws -> [ModelArtifact] {
        try await (list(.modelArtifacts, updatedAfter: updatedAfter) as DecodedList<ModelArtifact>).strict(
            registry: key)
    }

    /// Every registry inference service.
    public func inferenceServices(updatedAfter: Int64? = nil) async throws -> [InferenceService] {
        try await inferenceServiceList(updatedAfter: updatedAfter).strict(registry: key)
    }

    /// Every registry inference service that decodes, and the ones that do not.
    public func inferenceServiceList(updatedAfter: Int64? = nil) async throws -> DecodedList<InferenceService> {
        try await list(.inferenceServices, updatedAfter: updatedAfter)
    }

    /// Every serving environment.
    public func servingEnvironments(updatedAfter: Int64? = nil) async throws -> [ServingEnvironment] {
        try await servingEnvironmentList(updatedAfter: updatedAfter).strict(registry: key)
    }

    /// Every serving environment that decodes, and the ones that do not.
    public func servingEnvironmentList(updatedAfter: Int64? = nil) async throws -> DecodedList<ServingEnvironment> {
        try await list(.servingEnvironments, updatedAfter: updatedAfter)
    }

    // MARK: Nested lists and single entities

    /// The model artifacts of one version (`GET /model_versions/{id}/artifacts`); doc artifacts
    /// are left out.
    public func artifacts(ofVersion versionId: String) async throws -> [ModelArtifact] {
        try await artifactList(ofVersion: versionId).strict(registry: key)
    }

    /// The model artifacts of one version that decode (doc artifacts left out), and every
    /// artifact of it that does not (whether it was a doc artifact cannot be told).
    public func artifactList(ofVersion versionId: String) async throws -> DecodedList<ModelArtifact> {
        let path = "/model_versions/\(PercentEncoding.segment(versionId))/artifacts"
        var read: DecodedList<ModelArtifact> = try await reader.listAll(
            base: baseURL, path: path, query: Self.byId, pageSize: pageSize
        )
        read.items = read.items.filter(\.isModelArtifact)
        return read
    }

    /// The versions of one model (`GET /registered_models/{id}/versions`).
    public func versions(ofModel modelId: String) async throws -> [ModelVersion] {
        let path = "/registered_models/\(PercentEncoding.segment(modelId))/versions"
        let read: DecodedList<ModelVersion> = try await reader.listAll(
            base: baseURL, path: path, query: Self.byId, pageSize: pageSize)
        return try read.strict(registry: key)
    }

    /// `GET /registered_models/{id}`. A missing model throws a ``RegistryError`` with status 404.
    public func registeredModel(id: String) async throws -> RegisteredModel {
        try await single(RegisteredModel.self, path: "/registered_models/\(PercentEncoding.segment(id))")
    }

    /// `GET /model_versions/{id}`.
    public func modelVersion(id: String) async throws -> ModelVersion {
        try await single(ModelVersion.self, path: "/model_versions/\(PercentEncoding.segment(id))")
    }

    /// `GET /model_artifacts/{id}`.
    public func modelArtifact(id: String) async throws -> ModelArtifact {
        try await single(ModelArtifact.self, path: "/model_artifacts/\(PercentEncoding.segment(id))")
    }

    /// `GET /inference_services/{id}`.
    public func inferenceService(id: String) async throws -> InferenceService {
        try await single(InferenceService.self, path: "/inference_services/\(PercentEncoding.segment(id))")
    }

    /// `GET /serving_environments/{id}`.
    public func servingEnvironment(id: String) async throws -> ServingEnvironment {
        try await single(ServingEnvironment.self, path: "/serving_environments/\(PercentEncoding.segment(id))")
    }

    // MARK: Change probe

    /// One `pageSize=1&orderBy=LAST_UPDATE_TIME&sortOrder=DESC` request per probed collection
    /// (4 requests): the newest write of each. Compare with the previous fingerprint to decide
    /// whether a full (or delta) read is needed.
    public func probe() async throws -> ChangeFingerprint {
        try await withThrowingTaskGroup(of: (RegistryCollection, CollectionWatermark).self) { group in
            for collection in RegistryCollection.probed {
                group.addTask { (collection, try await self.watermark(of: collection)) }
            }
            var watermarks: [RegistryCollection: CollectionWatermark] = [:]
            for try await (collection, watermark) in group {
                watermarks[collection] = watermark
            }
            return ChangeFingerprint(watermarks: watermarks)
        }
    }

    /// The newest entry of one collection.
    public func watermark(of collection: RegistryCollection) async throws -> CollectionWatermark {
        let url = BaseURL(baseURL).url(
            collection.path,
            query: [("pageSize", "1"), ("orderBy", "LAST_UPDATE_TIME"), ("sortOrder", "DESC")]
        )
        let page = try await reader.fetch(ListPage<ProbeItem>.self, url: url) ?? .empty
        let newest = page.items.first
        return CollectionWatermark(
            newestUpdate: newest?.lastUpdateTimeSinceEpoch.flatMap { Int64($0) },
            newestId: newest?.id,
            size: page.size
        )
    }

    // MARK: Internals

    private static let byId: [(String, String)] = [("orderBy", "ID"), ("sortOrder", "ASC")]

    private func single<T: Decodable>(_ type: T.Type, path: String) async throws -> T {
        let url = BaseURL(baseURL).url(path)
        guard let value = try await reader.fetch(type, url: url) else {
            throw RegistryError(
                registry: key, url: url, status: 200, reason: .undecodable("empty body where an entity was expected")
            )
        }
        return value
    }

    /// A paged global list, optionally only entries written after `updatedAfter`. The filter
    /// is sent as `filterQuery` while the server may honour it, and always applied here too.
    /// Undecodable entries are all returned: their update time cannot be read.
    private func list<Item: RegistryEntity>(_ collection: RegistryCollection, updatedAfter: Int64?) async throws
        -> DecodedList<Item>
    {
        guard let updatedAfter else {
            return try await reader.listAll(base: baseURL, path: collection.path, query: Self.byId, pageSize: pageSize)
        }
        let support = filterQuerySupport
        var read: DecodedList<Item>
        if support == .unknown || support == .honoured {
            let query = Self.byId + [("filterQuery", "lastUpdateTimeSinceEpoch > \(updatedAfter)")]
            do {
                read = try await reader.listAll(base: baseURL, path: collection.path, query: query, pageSize: pageSize)
                let ignored = read.items.contains { ($0.lastUpdateMillis ?? .max) <= updatedAfter }
                filterState.withLock { $0 = ignored ? .ignored : .honoured }
            } catch let error as RegistryError where error.status == 400 && error.pagesRead == 0 {
                filterState.withLock { $0 = .rejected }
                read = try await reader.listAll(
                    base: baseURL, path: collection.path, query: Self.byId, pageSize: pageSize
                )
            }
        } else {
            read = try await reader.listAll(base: baseURL, path: collection.path, query: Self.byId, pageSize: pageSize)
        }
        // Entries without a readable timestamp are kept: better one extra than one lost.
        read.items = read.items.filter { ($0.lastUpdateMillis ?? .max) > updatedAfter }
        return read
    }
}

/// The two fields the change probe reads.
struct ProbeItem: Codable, Sendable, Hashable {
    var id: String?
    var lastUpdateTimeSinceEpoch: String?

    enum CodingKeys: String, CodingKey {
        case id, lastUpdateTimeSinceEpoch
    }

    /// Never fails on a field: a damaged newest object must not fail the probe. An unreadable
    /// field reads as `nil`, which differs from the last fingerprint and so forces a read.
    init(from decoder: any Decoder) throws {
        let c = try? GoStyleKeyedContainer(decoder: decoder, keyedBy: CodingKeys.self)
        id = (try? c?.lenientString(.id)) ?? nil
        lastUpdateTimeSinceEpoch = (try? c?.lenientString(.lastUpdateTimeSinceEpoch)) ?? nil
    }
}
