import Foundation

/// What the emulated TechDocs URL reader got for one entity's `backstage.io/techdocs-ref`.
///
/// ```swift
/// let read = await provider.techDocs["resource:default/mnist-v1"]
/// read?.status   // 200
/// read?.body     // "# Model card…"
/// ```
public struct TechDocsRead: Sendable, Hashable, Codable {
    /// How the reader classified the answer (reader 0.3–0.5, contract C21).
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// 2xx: the body becomes `docs/index.md`.
        case content
        /// 304: "cache still valid" (`NotModifiedError`).
        case notModified
        /// 404: `NotFoundError`.
        case notFound
        /// Any other status, or no answer at all: a build error.
        case error
        /// The URL fails the reader's predicate (wrong host/port or path), so Backstage's
        /// default readers refuse it (`NotAllowedError`).
        case notHandled
    }

    /// The URL in the annotation.
    public var annotatedURL: String
    /// The URL actually fetched (`localhost:9090` rewritten to the location), nil when not handled.
    public var fetchedURL: String?
    public var outcome: Outcome
    public var status: Int?
    public var body: String?
    public var error: String?
    public var readAt: Date

    public init(
        annotatedURL: String, fetchedURL: String?, outcome: Outcome, status: Int? = nil, body: String? = nil,
        error: String? = nil, readAt: Date = Date()
    ) {
        self.annotatedURL = annotatedURL
        self.fetchedURL = fetchedURL
        self.outcome = outcome
        self.status = status
        self.body = body
        self.error = error
        self.readAt = readAt
    }
}
