import CatalogModel
import Foundation
import Hummingbird
import Logging
import NIOCore

/// The HTTP face of `location`, the service Backstage reads (contract C1–C22):
///
/// | route | answer |
/// |---|---|
/// | `GET /list` | `{"uris":[…]}` sorted; 503 until the first complete load (never an empty list by accident, C5) |
/// | `GET /<seg1>/<seg2>/<file>` | the document; 404 when unknown or removed |
/// | `GET /modelcard?key=` | the markdown with an `ETag`; 304 only for a matching `If-None-Match` |
/// | `POST /upsert?key=` | stores a document and its card (guarded) |
/// | `DELETE /remove?key=` | forgets a document (guarded) |
/// | `GET /healthz`, `GET /readyz` | liveness; readiness = loaded |
/// | `GET /state` | what Backstage fetched and when, for `modelbridge console --attach-location` |
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

    public init(
        index: LocationIndex, guardian: MutationGuard = MutationGuard(), upstreamModelCardCounter: Bool = false,
        maximumBodySize: Int = 4 << 20, logger: Logger = Logger(label: "modelbridge.location")
    ) {
        self.index = index
        self.guardian = guardian
        self.upstreamModelCardCounter = upstreamModelCardCounter
        self.maximumBodySize = maximumBodySize
        self.logger = logger
    }

    public func respond(to request: Request, context: BridgeRequestContext) async throws -> Response {
        var request = request
        do {
            return try await route(&request, context: context)
        } catch let failure as HTTPFailure {
            return failure.response
        }
    }

    func route(_ request: inout Request, context: BridgeRequestContext) async throws -> Response {
        let segments = request.uri.path.split(separator: "/", omittingEmptySubsequences: true)
        let method = request.method
        switch (segments.count, segments.first) {
        case (1, "list"):
            try expect(method, .get, request)
            try allowQuery([], request)
            guard let body = index.listBody() else {
                return Reply.error(.serviceUnavailable, "location has not finished loading from storage yet")
            }
            return Reply.bytes(body, contentType: Reply.jsonType)
        case (1, "modelcard"):
            try expect(method, .get, request)
            try allowQuery(["key"], request)
            return modelCard(request)
        case (1, "upsert"):
            try expect(method, .post, request)
            try allowQuery(["key"], request)
            if let refusal = await guardian.refusal(request, remoteAddress: context.remoteAddress) { return refusal }
            return try await upsert(&request)
        case (1, "remove"):
            try expect(method, .delete, request)
            try allowQuery(["key"], request)
            if let refusal = await guardian.refusal(request, remoteAddress: context.remoteAddress) { return refusal }
            let key = try request.requiredQuery("key")
            // The body is not used, but it is read within the cap: an oversized one is a 413.
            _ = try await request.collectedBody(limit: maximumBodySize)
            do {
                let existed = try index.remove(key: key)
                logger.info("removed document", metadata: ["key": "\(key)", "existed": "\(existed)"])
                return Reply.json(["removed": existed])
            } catch let error as LocationError {
                return Reply.error(.badRequest, error.description)
            }
        case (1, "healthz"):
            try expect(method, .get, request)
            return Reply.bytes(ByteBuffer(string: "ok\n"), contentType: Reply.textType)
        case (1, "state"):
            try expect(method, .get, request)
            try allowQuery([], request)
            return Reply.json(LocationState(index.snapshot()))
        case (1, "readyz"):
            try expect(method, .get, request)
            return index.isLoaded
                ? Reply.bytes(ByteBuffer(string: "ready\n"), contentType: Reply.textType)
                : Reply.error(.serviceUnavailable, "not loaded from storage yet")
        case (3, _):
            try expect(method, .get, request)
            try allowQuery([], request)
            guard let entry = index.document(segment1: String(segments[0]), segment2: String(segments[1])) else {
                return Reply.error(.notFound, "no document at \(request.uri.path)")
            }
            return Reply.bytes(
                entry.body, contentType: index.format == .jsonArray ? Reply.jsonType : Reply.yamlType)
        default:
            return Reply.error(.notFound, "no route for \(method) \(request.uri.path)")
        }
    }

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

    func upsert(_ request: inout Request) async throws -> Response {
        let key = try request.requiredQuery("key")
        let bytes = try await request.collectedBody(limit: maximumBodySize)
        let body: UpsertBody
        do {
            body = try JSONDecoder().decode(UpsertBody.self, from: Data(buffer: bytes))
        } catch {
            return Reply.error(
                .badRequest,
                "body must be JSON {body: base64 document, lastUpdateTimeSinceEpoch, modelCardKey, modelCard}")
        }
        do {
            let outcome = try index.upsert(key: key, body: body)
            if outcome != .unchanged {
                logger.info(
                    "stored document",
                    metadata: ["key": "\(key)", "outcome": "\(outcome)", "card": "\(body.modelCardKey)"])
            }
            return Reply.json(["outcome": "\(outcome)"], status: outcome == .created ? .created : .ok)
        } catch let error as LocationError {
            return Reply.error(.badRequest, error.description)
        }
    }

    func expect(_ method: HTTPRequest.Method, _ allowed: HTTPRequest.Method, _ request: Request) throws {
        guard method == allowed || (allowed == .get && method == .head) else {
            throw HTTPFailure(.methodNotAllowed, "\(request.uri.path) accepts \(allowed) only")
        }
    }

    func allowQuery(_ names: Set<String>, _ request: Request) throws {
        for (name, _) in request.uri.queryParameters where !names.contains(String(name)) {
            throw HTTPFailure(.badRequest, "unknown query parameter '\(name.prefix(100))'")
        }
    }
}

/// The JSON of `GET /state`: location's own records, not the documents.
struct LocationState: Encodable {
    struct Card: Encodable {
        var key: String
        var etag: String
        var bytes: Int
        var updatedAt: Date
    }

    var loaded: Bool
    var uris: [String]
    var cards: [Card]
    var lastListFetch: Date?
    var listFetchCount: Int
    var documentFetches: [String: LocationIndex.FetchRecord]
    var cardFetches: [String: LocationIndex.FetchRecord]

    init(_ snapshot: LocationSnapshot) {
        loaded = snapshot.loaded
        uris = snapshot.entries.map(\.uri)
        cards = snapshot.cards.map {
            Card(key: $0.key, etag: $0.etag, bytes: $0.markdown.readableBytes, updatedAt: $0.updatedAt)
        }
        lastListFetch = snapshot.lastListFetch
        listFetchCount = snapshot.listFetchCount
        documentFetches = snapshot.documentFetches
        cardFetches = snapshot.cardFetches
    }
}
