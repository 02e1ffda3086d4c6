/// What a request was: method, URL and the resource it concerned. Carried by every ``KubeAPIError``.
public struct KubeRequestContext: Sendable, Hashable, CustomStringConvertible {
    public var method: String
    public var url: String
    /// `plural.group` and, when known, `namespace/name`.
    public var resource: String

    public init(method: String, url: String, resource: String) {
        self.method = method
        self.url = url
        self.resource = resource
    }

    public var description: String { "\(method) \(url) (\(resource))" }
}

/// An error from the Kubernetes API or on the way to it, always with the request that caused it.
///
/// ```swift
/// do { _ = try await client.get(ConfigMap.self, name: "x", namespace: "ns") } catch let error as KubeAPIError
/// where error.isNotFound { /* create it */ }
/// ```
public enum KubeAPIError: Error, Sendable, CustomStringConvertible {
    /// The server answered a non-2xx status with a Kubernetes `Status` body.
    case status(KubeStatus, httpStatus: Int, context: KubeRequestContext)
    /// The watch or list resourceVersion or `continue` token is too old (410, or a watch `ERROR` with 410):
    /// relist from scratch.
    case expired(KubeStatus, context: KubeRequestContext)
    /// The server answered a non-2xx status with a body that is not a `Status` (e.g. an HTML page from a proxy).
    case unexpectedResponse(httpStatus: Int, contentType: String?, excerpt: String, context: KubeRequestContext)
    /// A 2xx body (or a watch line) that does not decode as the expected type.
    case undecodableBody(type: String, reason: String, excerpt: String, context: KubeRequestContext)
    /// The request never got an answer: connection refused, TLS failure, timeout.
    case transport(reason: String, context: KubeRequestContext)
    /// ``KubeClient/updateWithRetry(_:name:namespace:mutate:)`` kept meeting conflicts.
    case conflictRetriesExhausted(attempts: Int, context: KubeRequestContext)

    /// The HTTP status code, when there was an answer.
    public var httpStatus: Int? {
        switch self {
        case .status(_, let code, _): return code
        case .expired(let status, _): return status.code ?? 410
        case .unexpectedResponse(let code, _, _, _): return code
        case .undecodableBody, .transport, .conflictRetriesExhausted: return nil
        }
    }

    /// The `Status.reason`, when the server sent one.
    public var reason: String? {
        switch self {
        case .status(let status, _, _), .expired(let status, _): return status.reason
        default: return nil
        }
    }

    /// The request that failed.
    public var context: KubeRequestContext {
        switch self {
        case .status(_, _, let context), .expired(_, let context), .unexpectedResponse(_, _, _, let context),
            .undecodableBody(_, _, _, let context), .transport(_, let context),
            .conflictRetriesExhausted(_, let context):
            return context
        }
    }

    /// 404.
    public var isNotFound: Bool { httpStatus == 404 }
    /// 409 with reason `Conflict` (a stale resourceVersion).
    public var isConflict: Bool { httpStatus == 409 && reason != "AlreadyExists" }
    /// 409 with reason `AlreadyExists` (a create lost a race).
    public var isAlreadyExists: Bool { httpStatus == 409 && reason == "AlreadyExists" }
    /// 410 / `Expired`: relist.
    public var isExpired: Bool {
        if case .expired = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .status(let status, let code, let context):
            return "\(context): HTTP \(code) \(status.reason ?? "-"): \(status.message ?? "")"
        case .expired(let status, let context):
            return "\(context): expired (410): \(status.message ?? "resource version too old")"
        case .unexpectedResponse(let code, let contentType, let excerpt, let context):
            return "\(context): HTTP \(code) with a non-Status body (\(contentType ?? "no content type")): \(excerpt)"
        case .undecodableBody(let type, let reason, let excerpt, let context):
            return "\(context): body is not a valid \(type): \(reason); body starts \(excerpt)"
        case .transport(let reason, let context):
            return "\(context): no answer: \(reason)"
        case .conflictRetriesExhausted(let attempts, let context):
            return "\(context): still conflicting after \(attempts) attempts"
        }
    }
}

/// A configuration that cannot be used: a missing file, a malformed kubeconfig, an unknown context.
public struct KubeConfigError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "Kubernetes configuration: \(message)" }
}
