import CatalogModel
import Foundation
import Hummingbird
import Logging
import NIOCore
import Prometheus

/// The HTTP face of `location`, the service Backstage reads (contract C1–C22):
///
/// | route | answer |
/// |---|---|
/// | `GET /list` | `{"uris":[…]}` sorted; 503 until the first complete load (never an empty list by accident, C5) |
/// | `GET /<seg1>/<seg2>/<file>` | the document; 404 when unknown or removed |
/// | `GET /modelcard?key=` | the markdown with an `ETag`; 304 only for a matching `If-None-Match` |
/// | `POST /upsert?key=` | stores a document and its card (guarded) |
/// | `DELETE /remove?key=` | forgets a document (guarded) |
/// | `GET /healthz` | liveness: 200 while the process serves |
/// | `GET /readyz` | 200 once loaded from storage (the body says how many documents and cards it serves), 503 before |
/// | `GET /state` | ``LocationStateDocument``: what it serves and what Backstage fetched and when, for `modelbridge console --attach-location` |
/// | `GET /metrics` | Prometheus text: HTTP figures per route, documents, cards, last `/list` fetch, `process_*` (when ``HTTPServerMetrics/servesScrapes``) |
///
/// Double slashes from a `baseUrl` with a trailing slash are collapsed (C12).
public struct LocationResponder: HTTPResponder {
    public typealias Context = BridgeRequestContext

    public let index: LocationIndex
    public let guardian: MutationGuard
    /// Upstream's model-card counter (304 after more than ten reads); off by default.
    public let upstreamModelCardCounter: Bool
    /// Largest accepted request body.
    public let maximumBodySize: Int
    let logger: Logger

    private let router: RouterResponder<BridgeRequestContext>

    public init(
        index: LocationIndex, guardian: MutationGuard = MutationGuard(), upstreamModelCardCounter: Bool = false,
        maximumBodySize: Int = 4 << 20, metrics: HTTPServerMetrics? = nil,
        logger: Logger = Logger(label: "modelbridge.location")
    ) {
        self.index = index
        self.guardian = guardian
        self.upstreamModelCardCounter = upstreamModelCardCounter
        self.maximumBodySize = maximumBodySize
        self.logger = logger
        self.router = Self.routes(
            LocationHandlers(index: index, upstreamModelCardCounter: upstreamModelCardCounter, logger: logger),
            guardian: guardian, maximumBodySize: maximumBodySize, metrics: metrics)
        if let metrics { Self.exportFigures(of: index, to: metrics) }
    }

    /// location's own figures, read from the index at each scrape.
    static func exportFigures(of index: LocationIndex, to metrics: HTTPServerMetrics) {
        let registry = metrics.registry
        let loaded = registry.gauge(
            "modelbridge_location_loaded", help: "1 once location has loaded from storage and serves /list")
        let documents = registry.gauge(
            "modelbridge_location_documents", help: "Documents location serves to Developer Hub")
        let cards = registry.gauge("modelbridge_location_model_cards", help: "Model cards location serves")
        let lastList = registry.gauge(
            "modelbridge_location_last_list_fetch_timestamp_seconds",
            help: "When Developer Hub last read /list, in seconds since the epoch (0: never)")
        metrics.refreshOnScrape {
            let figures = index.figures()
            loaded.set(to: figures.loaded ? 1 : 0)
            documents.set(to: Double(figures.documents))
            cards.set(to: Double(figures.cards))
            lastList.set(to: figures.lastListFetch?.timeIntervalSince1970 ?? 0)
        }
    }

    public func respond(to request: Request, context: BridgeRequestContext) async throws -> Response {
        try await router.respond(to: request, context: context)
    }

    static func routes(
        _ handlers: LocationHandlers, guardian: MutationGuard, maximumBodySize: Int, metrics: HTTPServerMetrics?
    ) -> RouterResponder<BridgeRequestContext> {
        let index = handlers.index
        let routes = RoleRouter(maximumBodySize: maximumBodySize, metrics: metrics)
        routes.get("/list") { request, _ in
            try request.allowQuery([])
            guard let body = index.listBody() else {
                return Reply.error(.serviceUnavailable, "location has not finished loading from storage yet")
            }
            return Reply.bytes(body, contentType: Reply.jsonType)
        }
        routes.get("/modelcard") { request, _ in
            try request.allowQuery(["key"])
            return handlers.modelCard(request)
        }
        routes.post("/upsert", guardedBy: guardian) { request, context in
            try request.allowQuery(["key"])
            var request = request
            return try await handlers.upsert(&request, context: context)
        }
        routes.delete("/remove", guardedBy: guardian) { request, context in
            try request.allowQuery(["key"])
            let key = try request.requiredQuery("key")
            // The body is not used, but it is read within the cap: an oversized one is a 413.
            var request = request
            _ = try await request.collectedBody(context: context)
            guard let typed = ImportKey(storedKey: key) else {
                return Reply.error(.badRequest, LocationError.badKey(key).description)
            }
            let existed = index.remove(key: typed)
            handlers.logger.info("removed document", metadata: ["key": "\(key)", "existed": "\(existed)"])
            return Reply.json(["removed": existed])
        }
        routes.get("/healthz") { _, _ in
            Reply.bytes(ByteBuffer(string: "ok\n"), contentType: Reply.textType)
        }
        routes.get("/state") { request, _ in
            try request.allowQuery([])
            return Reply.state(LocationStateDocument(index.snapshot()))
        }
        routes.get("/readyz") { request, _ in
            try request.allowQuery([])
            let figures = index.figures()
            guard figures.loaded else {
                return Reply.error(.serviceUnavailable, "not loaded from storage yet: /list answers 503 until it is")
            }
            return Reply.bytes(
                ByteBuffer(
                    string:
                        "ready: loaded from storage, serving \(figures.documents) documents and \(figures.cards) model cards\n"
                ),
                contentType: Reply.textType)
        }
        routes.get("/:segment1/:segment2/:file") { request, context in
            try request.allowQuery([])
            let segment1 = try context.parameters.require("segment1")
            let segment2 = try context.parameters.require("segment2")
            guard let entry = index.document(segment1: segment1, segment2: segment2) else {
                return Reply.error(.notFound, "no document at \(request.uri.path)")
            }
            return Reply.bytes(entry.body, contentType: index.format == .jsonArray ? Reply.jsonType : Reply.yamlType)
        }
        return routes.build()
    }
}

/// What location's routes do, apart from routing.
struct LocationHandlers: Sendable {
    let index: LocationIndex
    let upstreamModelCardCounter: Bool
    let logger: Logger

    func modelCard(_ request: Request) -> Response {
        guard let key = request.uri.queryParameters.get("key") else {
            return Reply.error(.badRequest, "query parameter 'key' is required")
        }
        switch index.modelCard(
            key: key, ifNoneMatch: request.headers[.ifNoneMatch], upstreamCounter: upstreamModelCardCounter)
        {
        case .notFound:
            return Reply.error(.notFound, "no model card with key '\(key.prefix(200))'")
        case .notModified(let etag):
            var headers = HTTPFields()
            headers[.eTag] = etag
            return Response(status: .notModified, headers: headers)
        case .content(let markdown, let etag):
            var response = Reply.bytes(markdown, contentType: Reply.markdownType)
            response.headers[.eTag] = etag
            return response
        }
    }

    func upsert(_ request: inout Request, context: BridgeRequestContext) async throws -> Response {
        let upsert = try await request.checkedUpsert(context: context, type: nil, format: index.format)
        let outcome = index.upsert(upsert)
        if outcome != .unchanged {
            logger.info(
                "stored document",
                metadata: ["key": "\(upsert.key)", "outcome": "\(outcome)", "card": "\(upsert.body.modelCardKey)"])
        }
        return Reply.json(["outcome": "\(outcome)"], status: outcome == .created ? .created : .ok)
    }
}
