/// How one request to a registry or catalog ended, for whoever counts requests (the bridge's
/// `rest_client_*` metrics).
///
/// ```swift
/// let transport = try RegistryTransport(requestObserver: { outcome in
///     print(outcome.method, outcome.host, outcome.statusCode ?? 0, outcome.duration)
/// })
/// ```
public struct RegistryRequestOutcome: Sendable, Hashable {
    /// The HTTP method (the transport only sends `GET`).
    public var method: String
    /// `host:port` of the request URL, the scheme's port filled in when the URL has none.
    public var host: String
    /// The response status; `nil` when no response came (connection refused, timeout, TLS failure).
    public var statusCode: Int?
    /// From sending the request to the end of its body.
    public var duration: Duration

    public init(method: String, host: String, statusCode: Int?, duration: Duration) {
        self.method = method
        self.host = host
        self.statusCode = statusCode
        self.duration = duration
    }
}

/// Called once per request of a ``RegistryTransport``, on the task that sent it; keep it quick.
public typealias RegistryRequestObserver = @Sendable (RegistryRequestOutcome) -> Void
