/// How one request to the API server ended, for whoever counts requests (the bridge's
/// `rest_client_*` metrics). Each attempt is reported: a 429 retried after `Retry-After` is
/// two requests, as in client-go.
///
/// ```swift
/// var options = KubeClientOptions()
/// options.requestObserver = { outcome in print(outcome.method, outcome.host, outcome.statusCode ?? 0) }
/// ```
public struct KubeRequestOutcome: Sendable, Hashable {
    /// The HTTP method (`GET`, `PATCH`, …).
    public var method: String
    /// `host:port` of the API server, the scheme's port filled in when the URL has none.
    public var host: String
    /// The response status; `nil` when no response came (connection refused, timeout, TLS failure).
    public var statusCode: Int?
    /// From sending the request to the response head (a watch's stream is not included).
    public var duration: Duration

    public init(method: String, host: String, statusCode: Int?, duration: Duration) {
        self.method = method
        self.host = host
        self.statusCode = statusCode
        self.duration = duration
    }
}

/// Called once per request attempt of a ``KubeClient``, on the task that sent it; keep it quick.
public typealias KubeRequestObserver = @Sendable (KubeRequestOutcome) -> Void
