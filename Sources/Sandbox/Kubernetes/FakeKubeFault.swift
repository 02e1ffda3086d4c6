/// A failure the fake API server injects before handling a request, to test how clients survive faults.
///
/// ```swift
/// server.injectFault(.tooManyRequests(retryAfterSeconds: 1), times: 2)
/// server.injectFault(.htmlBadGateway, pathContains: "/configmaps")
/// ```
public enum FakeKubeFault: Sendable, Hashable {
    /// 429 `TooManyRequests` with a `Retry-After` header and a Status body.
    case tooManyRequests(retryAfterSeconds: Int)
    /// 401 `Unauthorized`, whatever token was sent.
    case unauthorized
    /// 502 with the HTML page a proxy or router shows, not a Status.
    case htmlBadGateway
    /// Any status code with a `Status` body.
    case status(code: Int, reason: String, message: String)
    /// Any status code with an arbitrary body (e.g. garbage JSON on a 200).
    case rawBody(code: Int, contentType: String, body: String)
}

/// A fault waiting to fire on the next `remaining` requests that match.
struct FakeKubeFaultRule: Sendable {
    var fault: FakeKubeFault
    var remaining: Int
    var method: String?
    var pathContains: String?

    func matches(method: String, path: String) -> Bool {
        (self.method == nil || self.method == method) && (pathContains.map { path.contains($0) } ?? true)
    }
}

/// One access the fake refuses with 403 (and reports as not allowed in a SelfSubjectAccessReview).
///
/// ```swift
/// server.deny(FakeKubeAccessRule(verb: "list", resource: "routes"))
/// ```
public struct FakeKubeAccessRule: Sendable, Hashable {
    public var verb: String
    /// The plural resource name, e.g. `routes`.
    public var resource: String
    /// Nil denies in every namespace (and cluster-wide).
    public var namespace: String?

    public init(verb: String, resource: String, namespace: String? = nil) {
        self.verb = verb
        self.resource = resource
        self.namespace = namespace
    }

    func matches(verb: String, resource: String, namespace: String?) -> Bool {
        self.verb == verb && self.resource == resource && (self.namespace == nil || self.namespace == namespace)
    }
}

/// A request as the fake saw it, for tests to assert on (paging, selectors, encodings).
public struct FakeKubeRecordedRequest: Sendable, Hashable {
    public var method: String
    public var path: String
    /// The decoded query parameters.
    public var query: [String: String]
    public var contentType: String?
}
