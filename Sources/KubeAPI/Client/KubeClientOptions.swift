/// Tuning of a ``KubeClient``: retries, timeouts and the sleep function (injectable so tests can observe
/// `Retry-After` handling without waiting).
///
/// ```swift
/// var options = KubeClientOptions()
/// options.maxTooManyRequestsRetries = 5
/// ```
public struct KubeClientOptions: Sendable {
    public var userAgent: String
    /// Deadline for an ordinary request to get its response head.
    public var requestTimeout: Duration
    /// How long connecting (TCP and TLS) may take; AsyncHTTPClient retries a failing connect until then.
    public var connectTimeout: Duration
    /// How long a response (a watch in particular) may stay silent before the connection is dropped.
    /// Longer than the longest watch `timeoutSeconds` (600 s) plus slack.
    public var idleReadTimeout: Duration
    /// How many times a 429 is retried after its `Retry-After`.
    public var maxTooManyRequestsRetries: Int
    /// The longest `Retry-After` honoured; longer values are cut to this.
    public var maxRetryAfter: Duration
    /// Attempts of ``KubeClient/updateWithRetry(_:name:namespace:mutate:)`` (client-go `DefaultRetry`: 5).
    public var conflictAttempts: Int
    /// Pause between conflict retries (client-go: 10 ms).
    public var conflictDelay: Duration
    /// How often a token file is re-read.
    public var tokenRefreshInterval: Duration
    /// The largest response body read into memory.
    public var maxBodyBytes: Int
    /// Sleeps between retries; tests replace it to record delays.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// Told how every request attempt ended (request metrics); `nil` reports nothing.
    public var requestObserver: HTTPRequestObserver?

    public init(
        userAgent: String = "modelbridge/1.0",
        requestTimeout: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(10),
        idleReadTimeout: Duration = .seconds(660),
        maxTooManyRequestsRetries: Int = 3,
        maxRetryAfter: Duration = .seconds(30),
        conflictAttempts: Int = 5,
        conflictDelay: Duration = .milliseconds(10),
        tokenRefreshInterval: Duration = .seconds(60),
        maxBodyBytes: Int = 64 * 1024 * 1024,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        requestObserver: HTTPRequestObserver? = nil
    ) {
        self.userAgent = userAgent
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.idleReadTimeout = idleReadTimeout
        self.maxTooManyRequestsRetries = maxTooManyRequestsRetries
        self.maxRetryAfter = maxRetryAfter
        self.conflictAttempts = conflictAttempts
        self.conflictDelay = conflictDelay
        self.tokenRefreshInterval = tokenRefreshInterval
        self.maxBodyBytes = maxBodyBytes
        self.sleep = sleep
        self.requestObserver = requestObserver
    }
}
