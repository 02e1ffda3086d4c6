import KubeAPI
import Prometheus
import RegistryAPI
import WireValues

/// The requests this process sends, to the Kubernetes API and to the registries and catalogs,
/// under client-go's names and labels so the panels written for Go controllers read them:
///
/// | family | type | labels |
/// |---|---|---|
/// | `rest_client_requests_total` | counter | `code` (the status, `<error>` when no response came), `method`, `host` |
/// | `rest_client_request_duration_seconds` | histogram | `verb` (the method), `host` |
///
/// `host` is `host:port` of the request URL, so the API server and each registry or catalog
/// are told apart; it never holds a path. Every attempt counts, a retried 429 as two.
/// KubeAPI and RegistryAPI know nothing of Prometheus: they call the observers handed to them.
///
/// ```swift
/// let requests = RESTClientMetrics(registry: registry)
/// var options = KubeClientOptions()
/// options.requestObserver = requests.observer
/// let transport = try RegistryTransport(requestObserver: requests.observer)
/// ```
public final class RESTClientMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    /// client-go's request latency buckets (`k8s.io/component-base/metrics/prometheus/restclient`).
    static let buckets: [Duration] = [
        .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .seconds(2), .seconds(4), .seconds(8), .seconds(15), .seconds(30), .seconds(60),
    ]
    /// client-go's `code` when a request got no response.
    static let errorCode = "<error>"

    /// Counts on `registry`; several instances on one registry count into the same series.
    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// For ``KubeClientOptions/requestObserver`` and ``RegistryTransport``'s `requestObserver`.
    public var observer: HTTPRequestObserver {
        { [self] in record(method: $0.method, host: $0.host, statusCode: $0.statusCode, duration: $0.duration) }
    }

    func record(method: String, host: String, statusCode: Int?, duration: Duration) {
        let code = statusCode.map(String.init) ?? Self.errorCode
        registry.counter(
            "rest_client_requests_total", labels: [("code", code), ("method", method), ("host", host)],
            help: "Number of HTTP requests, partitioned by status code, method, and host."
        ).increment()
        registry.durationHistogram(
            "rest_client_request_duration_seconds", labels: [("verb", method), ("host", host)], buckets: Self.buckets,
            help: "Request latency in seconds. Broken down by verb, and host."
        ).record(duration)
    }
}
