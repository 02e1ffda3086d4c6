import CatalogModel
import Foundation
import Hummingbird
import NIOCore

/// The normalizer's admin port (`--metrics-address`, default `:8081`):
///
/// | route | answer |
/// |---|---|
/// | `GET /metrics` | Prometheus text: controller-runtime reconcile, worker and work-queue families (work in progress read at the scrape), client-go's `rest_client_*`, the bridge's, HTTP figures per route and `process_*`; in `modelbridge all`, location's and storage-rest's too |
/// | `GET /healthz` | 200 while the process runs |
/// | `GET /readyz` | 200 once the first cycle has run (the body says whether the last one was complete, and why a standby publishes nothing); 503 before, and while the lease cannot be acquired or renewed (the body says why) |
/// | `POST /resync`, `POST /resync?key=` | a full resync now, or of one document's sources (guarded) |
/// | `GET /state` | ``NormalizerStateDocument``: what the normalizer knows (registries, documents and their identities, KServe services, card propagation, failing keys, events, leadership), for `modelbridge console --attach-normalizer` |
public struct NormalizerAdminResponder: HTTPResponder {
    public typealias Context = BridgeRequestContext

    public let controller: NormalizerController
    public let metrics: BridgeMetrics
    public let guardian: MutationGuard
    /// The HTTP figures of this port, on ``metrics``'s registry, which this port serves.
    public let server: HTTPServerMetrics

    private let router: RouterResponder<BridgeRequestContext>

    /// - Parameter server: the HTTP figures of this port; by default new ones on `metrics`'s registry. Pass the
    ///   ones whose siblings location and storage-rest count in when the roles share a process.
    public init(
        controller: NormalizerController, metrics: BridgeMetrics, server: HTTPServerMetrics? = nil,
        guardian: MutationGuard = MutationGuard()
    ) {
        self.controller = controller
        self.metrics = metrics
        self.guardian = guardian
        let server = server ?? HTTPServerMetrics(registry: metrics.registry, role: "rhoai-normalizer")
        // Work in progress is read from the queue when scraped, not counted as it changes.
        server.refreshOnScrape { metrics.refreshScrapeFigures() }
        self.server = server
        self.router = Self.routes(controller: controller, server: server, guardian: guardian)
    }

    public func respond(to request: Request, context: BridgeRequestContext) async throws -> Response {
        try await router.respond(to: request, context: context)
    }

    static func routes(controller: NormalizerController, server: HTTPServerMetrics, guardian: MutationGuard)
        -> RouterResponder<BridgeRequestContext>
    {
        // No route reads a body but /resync, and it uses none: a small cap makes an oversized one a 413.
        let routes = RoleRouter(maximumBodySize: 4 << 10, metrics: server)
        routes.get("/healthz") { _, _ in
            Reply.bytes(ByteBuffer(string: "ok\n"), contentType: Reply.textType)
        }
        routes.get("/readyz") { _, _ in
            // Readiness gates the whole Developer Hub pod, so a registry that is down must not
            // make it unready: ready means "running cycles"; completeness is reported, not gated.
            let snapshot = await controller.snapshot()
            // A normalizer that cannot get the lease publishes nothing, and nobody else may either: say so.
            if snapshot.publishing.mode == .blocked {
                return Reply.error(.serviceUnavailable, snapshot.publishing.reason ?? "publishing nothing")
            }
            guard snapshot.lastCycle != nil else {
                return Reply.error(.serviceUnavailable, "the first cycle has not run yet")
            }
            var detail =
                snapshot.incompleteReasons.isEmpty
                ? "ready: the last cycle was complete\n"
                : "ready: the last cycle was incomplete (deletions deferred): "
                    + snapshot.incompleteReasons.joined(separator: "; ") + "\n"
            if let reason = snapshot.publishing.reason { detail += "standby: \(reason)\n" }
            return Reply.bytes(ByteBuffer(string: detail), contentType: Reply.textType)
        }
        routes.post("/resync", guardedBy: guardian) { request, context in
            var request = request
            _ = try await request.collectedBody(context: context)
            try request.allowQuery(["key"])
            let key = request.uri.queryParameters.get("key").map { String($0) }
            if let key, key.isEmpty { return Reply.error(.badRequest, "query parameter 'key' is empty") }
            var typed: ImportKey?
            if let key {
                guard let parsed = ImportKey(storedKey: key) else {
                    return Reply.error(.badRequest, LocationError.badKey(key).description)
                }
                typed = parsed
            }
            await controller.requestResync(key: typed)
            return Reply.json(["resync": key ?? "all"], status: .accepted)
        }
        routes.get("/state") { request, _ in
            try request.allowQuery([])
            let state = NormalizerState(await controller.snapshot(), format: controller.configuration.format)
            return Reply.state(NormalizerStateDocument(state, events: controller.events.all()))
        }
        return routes.build()
    }
}
