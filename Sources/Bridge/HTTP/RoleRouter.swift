import Hummingbird
import NIOCore

/// Builds a role's routes on Hummingbird's `Router`, with what every role shares:
///
/// - errors as the roles' JSON bodies (``Reply/error(_:_:)``): a handler's ``HTTPFailure``, a
///   path no route knows (404) and a known path asked with another method (405, saying which);
/// - `HEAD` answered for every `GET`;
/// - every request counted in ``HTTPServerMetrics`` (when given), and `GET /metrics` served when
///   this port is the one scraped;
/// - ``MutationGuard`` in front of the mutating routes (``MutationGuardMiddleware``), and the
///   body cap for every route (``BodyLimitMiddleware``).
///
/// ```swift
/// let routes = RoleRouter(maximumBodySize: 4 << 20)
/// routes.get("/list") { request, context in Reply.json(["uris": [String]()]) }
/// routes.post("/upsert", guardedBy: guardian) { request, context in … }
/// let responder = routes.build()
/// ```
struct RoleRouter {
    private let router = Router(context: BridgeRequestContext.self, options: [.autoGenerateHeadEndpoints])
    private let table = RouteMethodTable()

    init(maximumBodySize: Int, metrics: HTTPServerMetrics?) {
        // The first middleware added is the outermost: the metrics see the replies errors become.
        if let metrics { router.add(middleware: HTTPMetricsMiddleware(metrics: metrics)) }
        router.add(middleware: ErrorReplyMiddleware(table: table))
        router.add(middleware: BodyLimitMiddleware(limit: maximumBodySize))
        if let metrics, metrics.servesScrapes {
            get("/metrics") { request, _ in
                try request.allowQuery([])
                return Reply.bytes(ByteBuffer(bytes: metrics.render()), contentType: Reply.prometheusType)
            }
        }
    }

    typealias Handler = @Sendable (Request, BridgeRequestContext) async throws -> Response

    func get(_ path: String, use handler: @escaping Handler) {
        table.add(path, .get)
        router.get(RouterPath(path), use: handler)
    }

    func post(_ path: String, guardedBy guardian: MutationGuard, use handler: @escaping Handler) {
        table.add(path, .post)
        router.group().add(middleware: MutationGuardMiddleware(guardian: guardian)).post(RouterPath(path), use: handler)
    }

    func delete(_ path: String, guardedBy guardian: MutationGuard, use handler: @escaping Handler) {
        table.add(path, .delete)
        router.group().add(middleware: MutationGuardMiddleware(guardian: guardian)).delete(
            RouterPath(path), use: handler)
    }

    func build() -> RouterResponder<BridgeRequestContext> {
        router.buildResponder()
    }
}
