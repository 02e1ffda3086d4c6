/// The Kubernetes `Status` object: the body of every API error and the object of every watch `ERROR` event.
///
/// ```swift
/// // {"kind":"Status","status":"Failure","reason":"NotFound","code":404,"message":"…"}
/// let status = try JSONDecoder().decode(KubeStatus.self, from: body)
/// ```
public struct KubeStatus: Codable, Sendable, Hashable {
    public var kind: String?
    public var apiVersion: String?
    /// `Success` or `Failure`.
    public var status: String?
    public var message: String?
    /// A machine-readable reason such as `NotFound`, `Conflict`, `AlreadyExists`, `Expired` or `Invalid`.
    public var reason: String?
    public var details: Details?
    public var code: Int?

    public init(
        status: String? = "Failure", message: String? = nil, reason: String? = nil, details: Details? = nil,
        code: Int? = nil
    ) {
        self.kind = "Status"
        self.apiVersion = "v1"
        self.status = status
        self.message = message
        self.reason = reason
        self.details = details
        self.code = code
    }

    /// `details`: what the error is about, and why.
    public struct Details: Codable, Sendable, Hashable {
        public var name: String?
        public var group: String?
        public var kind: String?
        public var uid: String?
        public var causes: [Cause]?
        public var retryAfterSeconds: Int?

        public init(name: String? = nil, group: String? = nil, kind: String? = nil, causes: [Cause]? = nil) {
            self.name = name
            self.group = group
            self.kind = kind
            self.causes = causes
        }
    }

    /// `details.causes[]`, e.g. `FieldValueTooLong` on `data`.
    public struct Cause: Codable, Sendable, Hashable {
        public var reason: String?
        public var message: String?
        public var field: String?

        public init(reason: String? = nil, message: String? = nil, field: String? = nil) {
            self.reason = reason
            self.message = message
            self.field = field
        }
    }

    /// Whether this looks like a `Status` object rather than some other JSON.
    var isStatusObject: Bool { kind == "Status" || (code != nil && (reason != nil || status != nil)) }
}
