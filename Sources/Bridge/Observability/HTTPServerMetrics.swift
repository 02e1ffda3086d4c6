import Hummingbird
import Prometheus
import Synchronization

/// The HTTP server figures of one role, under the names and labels of Prometheus' Go client
/// (`promhttp`), so the dashboards operators already have for Go services read them:
///
/// | family | type | labels |
/// |---|---|---|
/// | `http_requests_total` | counter | `role`, `handler` (the route template), `method`, `code` |
/// | `http_request_duration_seconds` | histogram | `role`, `handler`, `method` |
/// | `http_requests_in_flight` | gauge | `role` |
///
/// `handler` is the route as written (`/{segment1}/{segment2}/{file}`), never the path asked,
/// and `unmatched` for a path no route knows; a method outside the standard ones counts as
/// `other`: what a client sends cannot grow the number of series. The duration is the
/// handler's, up to the response head; the body is streamed afterwards.
///
/// Each sidecar process has its own registry and answers `GET /metrics` on its port
/// (``servesScrapes``). Inside `modelbridge all` the three roles share one registry, which only
/// the admin port serves, so that nothing is scraped twice.
public final class HTTPServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// `location`, `storage-rest` or `rhoai-normalizer`.
    public let role: String
    /// Whether this role's port answers `GET /metrics` with ``registry``.
    public let servesScrapes: Bool
    /// What runs before each scrape is rendered, to set figures that are read rather than counted;
    /// shared by the roles of one process.
    private let hooks: ScrapeHooks
    let inFlight: Gauge
    private let series = Mutex<[SeriesKey: Series]>([:])

    private struct SeriesKey: Hashable {
        var handler: String
        var method: String
        var code: Int
    }

    private struct Series {
        var requests: Counter
        var duration: DurationHistogram
    }

    static let durationBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]
    private static let standardMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]

    /// The metrics of a role that has its process to itself (a sidecar), or of the role whose
    /// port serves the process's registry: it answers `GET /metrics` and exports `process_*`.
    public convenience init(registry: PrometheusCollectorRegistry, role: String) {
        let hooks = ScrapeHooks()
        hooks.add(ProcessMetrics(registry: registry).update)
        self.init(registry: registry, role: role, servesScrapes: true, hooks: hooks)
    }

    /// A sidecar's metrics on a registry of its own.
    public convenience init(role: String) {
        self.init(registry: PrometheusCollectorRegistry(), role: role)
    }

    private init(registry: PrometheusCollectorRegistry, role: String, servesScrapes: Bool, hooks: ScrapeHooks) {
        self.registry = registry
        self.role = role
        self.servesScrapes = servesScrapes
        self.hooks = hooks
        self.inFlight = registry.gauge(
            "http_requests_in_flight", labels: [("role", role)],
            help: "Current number of HTTP requests being served")
    }

    /// Another role of the same process (`modelbridge all`): the same registry and scrape-time
    /// figures, counted under its own `role`, and no `/metrics` on its port.
    public func sibling(role: String) -> HTTPServerMetrics {
        HTTPServerMetrics(registry: registry, role: role, servesScrapes: false, hooks: hooks)
    }

    /// Adds a figure to refresh before every scrape of the registry (a gauge read from an index, say).
    public func refreshOnScrape(_ update: @escaping @Sendable () -> Void) {
        hooks.add(update)
    }

    /// The text exposition of ``registry``, after the scrape-time figures are refreshed.
    public func render() -> [UInt8] {
        hooks.run()
        return registry.emitToBuffer()
    }

    func record(handler: String?, method: HTTPRequest.Method, code: Int, duration: Duration) {
        let method = Self.standardMethods.contains(method.rawValue) ? method.rawValue : "other"
        let template = handler.flatMap { $0 == "NotFound" ? nil : $0 } ?? "unmatched"
        let key = SeriesKey(handler: template, method: method, code: code)
        let found = series.withLock { $0[key] }
        let entry = found ?? makeSeries(key)
        entry.requests.increment()
        entry.duration.record(duration)
    }

    private func makeSeries(_ key: SeriesKey) -> Series {
        let labels = [("role", role), ("handler", key.handler), ("method", key.method)]
        let entry = Series(
            requests: registry.counter(
                "http_requests_total", labels: labels + [("code", String(key.code))],
                help: "Total number of HTTP requests by status code, handler and method"),
            duration: registry.durationHistogram(
                "http_request_duration_seconds", labels: labels, buckets: Self.durationBuckets,
                help: "Latency of HTTP requests by handler and method, up to the response head"))
        series.withLock { $0[key] = entry }
        return entry
    }
}

/// Counts every request of a role (``HTTPServerMetrics``); the outermost middleware, so it sees
/// the status of errors too, after ``ErrorReplyMiddleware`` has turned them into replies.
struct HTTPMetricsMiddleware: RouterMiddleware {
    typealias Context = BridgeRequestContext
    let metrics: HTTPServerMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        metrics.inFlight.increment()
        defer { metrics.inFlight.decrement() }
        do {
            let response = try await next(request, context)
            metrics.record(
                handler: context.endpointPath, method: request.method, code: response.status.code,
                duration: ContinuousClock.now - started)
            return response
        } catch {
            let code = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.record(
                handler: context.endpointPath, method: request.method, code: code,
                duration: ContinuousClock.now - started)
            throw error
        }
    }
}

/// The figures of one registry that are set when scraped, not as they change.
private final class ScrapeHooks: Sendable {
    private let updates = Mutex<[@Sendable () -> Void]>([])

    func add(_ update: @escaping @Sendable () -> Void) {
        updates.withLock { $0.append(update) }
    }

    func run() {
        for update in updates.withLock({ $0 }) { update() }
    }
}
