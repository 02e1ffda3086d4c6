import Foundation
import Hummingbird
import Logging
import RegistryAPI

/// A fake model catalog (`/api/model_catalog/v1alpha1`) on loopback: `GET /sources`,
/// `GET /models?source=&q=`, `GET /sources/{id}/models/{name…}` (the name may contain `/`)
/// and `…/artifacts`, with paging and the catalog's 404 `Unknown source`.
///
/// ```swift
/// let catalog = FakeCatalogServer()
/// catalog.store.addSource(CatalogSource(id: "redhat_ai_models", name: "Red Hat"))
/// try catalog.store.putModel(CatalogModelEntry(name: "rhelai1/granite-8b", readme: "# Card"), source: "redhat_ai_models")
/// try await catalog.start()
/// let client = CatalogClient(key: "catalog", baseURL: catalog.baseURL, token: nil, transport: transport)
/// ```
public final class FakeCatalogServer: Sendable {
    /// The API path prefix.
    public static let basePath = RegistryDiscovery.catalogBasePath

    public let store: FakeCatalogStore
    public let faults = FakeRegistryFaults()
    public let requestLog = FakeRegistryRequestLog()
    public let requiredToken: String?
    private let runner = FakeRegistryHTTPRunner()
    private let logger: Logger

    public init(
        store: FakeCatalogStore = FakeCatalogStore(), requiredToken: String? = nil,
        logger: Logger? = nil
    ) {
        self.store = store
        self.requiredToken = requiredToken
        // Quiet by default (warnings and worse) so test output stays readable.
        self.logger = logger ?? FakeRegistryHTTPRunner.quietLogger("sandbox.catalog")
    }

    /// Starts listening and returns the port (ephemeral by default).
    @discardableResult
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> Int {
        try await runner.start(router: makeRouter(), host: host, port: port, logger: logger)
    }

    /// Stops listening.
    public func stop() async {
        await runner.stop()
    }

    /// The bound port, while running.
    public var port: Int? { runner.port }

    /// `http://127.0.0.1:<port>` while running.
    public var origin: String { "http://127.0.0.1:\(port ?? 0)" }

    /// `http://127.0.0.1:<port>/api/model_catalog/v1alpha1` while running.
    public var baseURL: String { origin + Self.basePath }

    private func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.middlewares.add(FakeRegistryMiddleware(log: requestLog, faults: faults, requiredToken: requiredToken))
        let api = router.group(RouterPath(Self.basePath))
        let store = self.store
        api.get("sources") { request, _ in
            let query = FakeRegistryQuery(rawQuery: request.uri.query)
            var sources = store.sources()
            if let name = query["name"] {
                sources = sources.filter { $0.name == name }
            }
            return try self.page(sources.map(FakeCatalogListed.source), request)
        }
        api.get("models") { request, _ in
            let query = FakeRegistryQuery(rawQuery: request.uri.query)
            guard let source = query["source"] else {
                throw FakeRegistryError.notFound("Unknown source: ")
            }
            var models = try store.models(source: source)
            if let words = query["q"]?.lowercased() {
                models = models.filter { model in
                    [model.name, model.description, model.provider].compactMap { $0?.lowercased() }
                        .contains { $0.contains(words) }
                }
            }
            return try self.page(models.map(FakeCatalogListed.model), request)
        }
        api.get("sources/:source/models/**") { request, context in
            let source = Self.decode(try context.parameters.require("source"))
            let name = Self.decode(context.parameters.getCatchAll().joined(separator: "/"))
            if let model = try? store.model(source: source, name: name) {
                return try FakeRegistryResponses.json(model)
            }
            if name.hasSuffix("/artifacts") {
                let artifacts = try store.artifacts(source: source, name: String(name.dropLast("/artifacts".count)))
                return try self.page(artifacts.map(FakeCatalogListed.artifact), request)
            }
            throw FakeRegistryError.notFound("no model found '\(name)' in source '\(source)'")
        }
        return router
    }

    private static func decode(_ text: String) -> String {
        text.removingPercentEncoding ?? text
    }

    /// Catalog lists page with the same rules as the registry (default size 10 when omitted).
    private func page(_ items: [FakeCatalogListed], _ request: Request) throws -> Response {
        let query = FakeRegistryQuery(rawQuery: request.uri.query)
        if let orderBy = query["orderBy"], !["ID", "NAME", "CREATE_TIME", "LAST_UPDATE_TIME"].contains(orderBy) {
            throw FakeRegistryError.badRequest("invalid orderBy \(orderBy)")
        }
        var listing = try FakeRegistryListRequest(query: query, filterMode: .ignored)
        let echoed = listing.pageSize
        if listing.pageSize == 0 { listing.pageSize = 10 }
        if let status = faults.pageFault(page: listing.pageNumber, path: request.uri.path) {
            throw FakeRegistryError(status: status, message: "injected failure on page \(listing.pageNumber)")
        }
        let numbered = items.enumerated().map { position, item in
            var item = item
            item.id = String(position + 1)
            return item
        }
        var page = listing.page(of: numbered)
        page.pageSize = echoed == 0 ? 10 : echoed
        return try FakeRegistryResponses.json(FakeCatalogListPage(page))
    }
}

/// A catalog list item, wrapped so the registry's paging code can order it: ids are positions.
struct FakeCatalogListed: RegistryEntity {
    var id: String?
    var name: String?
    var externalId: String?
    var description: String?
    var customProperties: CustomProperties?
    var createTimeSinceEpoch: String?
    var lastUpdateTimeSinceEpoch: String?
    var payload: Payload

    enum Payload: Codable, Sendable, Hashable {
        case source(CatalogSource)
        case model(CatalogModelEntry)
        case artifact(CatalogModelArtifact)
    }

    static func source(_ source: CatalogSource) -> FakeCatalogListed {
        FakeCatalogListed(name: source.id, payload: .source(source))
    }

    static func model(_ model: CatalogModelEntry) -> FakeCatalogListed {
        FakeCatalogListed(
            name: model.name, createTimeSinceEpoch: model.createTimeSinceEpoch,
            lastUpdateTimeSinceEpoch: model.lastUpdateTimeSinceEpoch, payload: .model(model)
        )
    }

    static func artifact(_ artifact: CatalogModelArtifact) -> FakeCatalogListed {
        FakeCatalogListed(
            name: artifact.uri, createTimeSinceEpoch: artifact.createTimeSinceEpoch,
            lastUpdateTimeSinceEpoch: artifact.lastUpdateTimeSinceEpoch, payload: .artifact(artifact)
        )
    }
}

/// A catalog list page in its wire shape.
struct FakeCatalogListPage: Encodable {
    var page: ListPage<FakeCatalogListed>

    init(_ page: ListPage<FakeCatalogListed>) {
        self.page = page
    }

    enum CodingKeys: String, CodingKey {
        case items, nextPageToken, pageSize, size
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var items = container.nestedUnkeyedContainer(forKey: .items)
        for item in page.items {
            switch item.payload {
            case .source(let source): try items.encode(source)
            case .model(let model): try items.encode(model)
            case .artifact(let artifact): try items.encode(artifact)
            }
        }
        try container.encode(page.nextPageToken, forKey: .nextPageToken)
        try container.encode(page.pageSize, forKey: .pageSize)
        try container.encode(page.size, forKey: .size)
    }
}
