/// How one outgoing HTTP request ended, for whoever counts requests (the bridge's `rest_client_*`
/// metrics). The Kubernetes client reports each attempt (a 429 retried after `Retry-After` is two
/// requests, as in client-go) up to the response head; the registry transport reports each request
/// to the end of its body.
///
/// ```swift
/// var options = KubeClientOptions()
/// options.requestObserver = { outcome in print(outcome.method, outcome.host, outcome.statusCode ?? 0) }
/// let transport = try RegistryTransport(requestObserver: options.requestObserver)
/// ```
public struct HTTPRequestOutcome: Sendable, Hashable {
    /// The HTTP method (`GET`, `PATCH`, …).
    public var method: String
    /// `host:port` of the request URL, the scheme's port filled in when the URL has none.
    public var host: String
    /// The response status; `nil` when no response came (connection refused, timeout, TLS failure).
    public var statusCode: Int?
    /// How long the request took, as its client measures it (see above).
    public var duration: Duration

    public init(method: String, host: String, statusCode: Int?, duration: Duration) {
        self.method = method
        self.host = host
        self.statusCode = statusCode
        self.duration = duration
    }
}

/// Called once per request, on the task that sent it; keep it quick.
public typealias HTTPRequestObserver = @Sendable (HTTPRequestOutcome) -> Void
