import CatalogModel
import Foundation
import Hummingbird
import Logging
import NIOCore

/// The HTTP face of `storage-rest` (upstream §4.1), without its defects:
///
/// | route | answer |
/// |---|---|
/// | `POST /upsert?key=&type=` | stores the entry, then pushes it to `location`; a `location` failure is reported (502), not swallowed (B16); 201 new, 200 replaced |
/// | `POST /currentkeyset?key=a,b` | removes every stored key not in the set: from `location` first, from storage last, so a retry finishes the job (B16, B20) |
/// | `GET /list` | `{"keys":[…]}` sorted |
/// | `GET /fetch?key=` | the stored entry; 404 when missing (B17) |
/// | `GET /state` | ``StorageStateDocument``: the shards with their bytes, budgets and keys, and every entry's metadata without its body |
/// | `GET /healthz` | liveness: 200 while the process serves |
/// | `GET /readyz` | 200 when the store can be listed (the body says how many entries), 503 with the store's error otherwise |
/// | `GET /metrics` | Prometheus text: HTTP figures per route and `process_*` (when ``HTTPServerMetrics/servesScrapes``), and the ConfigMap store's `modelbridge_cache_bytes` / `modelbridge_cache_budget_bytes` |
public struct StorageResponder: HTTPResponder {
    public typealias Context = BridgeRequestContext

    public let service: StorageService
    public var store: any CatalogStore { service.store }
    public let guardian: MutationGuard
    public let maximumBodySize: Int
    let logger: Logger

    public init(
        store: any CatalogStore, location: any LocationSink, guardian: MutationGuard = MutationGuard(),
        maximumBodySize: Int = 4 << 20, metrics: HTTPServerMetrics? = nil,
        logger: Logger = Logger(label: "modelbridge.storage")
    ) {
        self.init(
            service: StorageService(store: store, location: location, logger: logger), guardian: guardian,
            maximumBodySize: maximumBodySize, metrics: metrics, logger: logger)
    }

    private let router: RouterResponder<BridgeRequestContext>

    public init(
        service: StorageService, guardian: MutationGuard = MutationGuard(), maximumBodySize: Int = 4 << 20,
        metrics: HTTPServerMetrics? = nil, logger: Logger = Logger(label: "modelbridge.storage")
    ) {
        self.service = service
        self.guardian = guardian
        self.maximumBodySize = maximumBodySize
        self.logger = logger
        self.router = Self.routes(
            StorageHandlers(service: service), guardian: guardian, maximumBodySize: maximumBodySize, metrics: metrics)
        // Only the ConfigMap store has a size to watch; a memory store exports no cache figures.
        if let metrics, let store = service.store as? ConfigMapCatalogStore { store.exportFigures(to: metrics) }
    }

    public func respond(to request: Request, context: BridgeRequestContext) async throws -> Response {
        try await router.respond(to: request, context: context)
    }

    static func routes(
        _ handlers: StorageHandlers, guardian: MutationGuard, maximumBodySize: Int, metrics: HTTPServerMetrics?
    ) -> RouterResponder<BridgeRequestContext> {
        let store = handlers.service.store
        let routes = RoleRouter(maximumBodySize: maximumBodySize, metrics: metrics)
        routes.post("/upsert", guardedBy: guardian) { request, context in
            try request.allowQuery(["key", "type"])
            var request = request
            return try await handlers.upsert(&request, context: context)
        }
        routes.post("/currentkeyset", guardedBy: guardian) { request, context in
            try request.allowQuery(["key"])
            var request = request
            return try await handlers.currentKeySet(&request, context: context)
        }
        routes.get("/list") { request, _ in
            try request.allowQuery([])
            do {
                return Reply.json(["keys": try await store.keys()])
            } catch {
                return Reply.error(.serviceUnavailable, "cannot list the store: \(error)")
            }
        }
        routes.get("/fetch") { request, _ in
            try request.allowQuery(["key"])
            let key = try request.requiredQuery("key")
            do {
                guard let entry = try await store.fetch(key: key) else {
                    return Reply.error(.notFound, "no stored entry '\(key.prefix(200))'")
                }
                return Reply.bytes(ByteBuffer(bytes: try entry.encodedJSON()), contentType: Reply.jsonType)
            } catch {
                return Reply.error(.serviceUnavailable, "cannot read the store: \(error)")
            }
        }
        routes.get("/state") { request, _ in
            try request.allowQuery([])
            do {
                return Reply.state(try await StorageStateDocument(reading: store))
            } catch {
                return Reply.error(.serviceUnavailable, "cannot read the store: \(error)")
            }
        }
        routes.get("/healthz") { _, _ in Reply.bytes(ByteBuffer(string: "ok\n"), contentType: Reply.textType) }
        // Ready means the store answers: a list of its keys is what every write starts from. No pod probe
        // uses it (a sidecar must never take Developer Hub out of service); it is for people and alerts.
        routes.get("/readyz") { request, _ in
            try request.allowQuery([])
            do {
                let count = try await store.keys().count
                return Reply.bytes(
                    ByteBuffer(string: "ready: the store lists \(count) entries\n"),
                    contentType: Reply.textType)
            } catch {
                return Reply.error(.serviceUnavailable, "the store cannot be listed: \(error)")
            }
        }
        return routes.build()
    }
}

/// What storage-rest's mutating routes do, apart from routing.
struct StorageHandlers: Sendable {
    let service: StorageService

    func upsert(_ request: inout Request, context: BridgeRequestContext) async throws -> Response {
        let type = request.uri.queryParameters.get("type").map { String($0) } ?? ""
        // Refuse what location would refuse before anything is stored: a rejected request changes nothing.
        let upsert = try await request.checkedUpsert(context: context, type: type, format: service.format)
        do {
            let created = try await service.upsert(upsert)
            return Reply.json(["key": upsert.key.key], status: created ? .created : .ok)
        } catch let failure as StorageService.Failure {
            return Reply.error(HTTPResponse.Status(code: failure.status), failure.message)
        }
    }

    /// The key set comes as `?key=a,b` (upstream) or, for large sets, as a JSON body
    /// `{"keys": [...]}`; with neither, the set is empty and everything stored is removed.
    func currentKeySet(_ request: inout Request, context: BridgeRequestContext) async throws -> Response {
        var wanted = Set<String>()
        if let raw = request.uri.queryParameters.get("key") {
            wanted.formUnion(
                raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        let bytes = try await request.collectedBody(context: context)
        if bytes.readableBytes > 0 {
            struct KeySetBody: Decodable { var keys: [String] }
            guard let body = try? JSONDecoder().decode(KeySetBody.self, from: Data(buffer: bytes)) else {
                return Reply.error(.badRequest, #"a key-set body must be JSON {"keys": [...]}"#)
            }
            wanted.formUnion(body.keys)
        }
        var keys = Set<ImportKey>()
        for key in wanted {
            guard let typed = ImportKey(storedKey: key) else {
                return Reply.error(.badRequest, LocationError.badKey(key).description)
            }
            keys.insert(typed)
        }
        do {
            let outcome = try await service.applyKeySet(keys)
            return Reply.json(outcome, status: outcome.failed.isEmpty ? .ok : .internalServerError)
        } catch let failure as StorageService.Failure {
            return Reply.error(HTTPResponse.Status(code: failure.status), failure.message)
        }
    }
}
