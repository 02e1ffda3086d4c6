/// A failed registry or catalog call, naming the registry, the URL and the HTTP status.
///
/// The token is never part of it (it travels in a header, never in the URL). A paged read that
/// fails on any page throws this error; it never returns the pages it had.
///
/// ```swift
/// do { _ = try await client.registeredModels() } catch let error as RegistryError {
///     logger.warning("\(error); will retry next poll")
/// }
/// ```
public struct RegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Sendable, Hashable {
        /// A non-2xx answer with the API's `{code, message}` JSON body.
        case api(code: String, message: String)
        /// A non-2xx answer whose body is not the API's error JSON (a proxy's HTML 502 page,
        /// an OAuth redirect, a plain-text 401), or a 2xx answer that is not JSON.
        case unexpectedResponse(contentType: String?, excerpt: String)
        /// The request did not complete in time.
        case timeout
        /// No connection could be made or it broke (refused, reset, TLS failure, DNS).
        case connectionFailed(String)
        /// A 2xx JSON answer that does not decode into the expected type.
        case undecodable(String)
        /// A paged list returned a `nextPageToken` it had already returned: a server loop.
        case repeatedPageToken(String)
        /// A paged list went on for more pages than the configured limit.
        case tooManyPages(Int)
        /// The URL or TLS settings could not be used.
        case invalidConfiguration(String)
    }

    /// Registry key (or catalog key) the request was for.
    public var registry: String
    /// The request URL (with query; without credentials).
    public var url: String
    /// HTTP status, when an answer arrived.
    public var status: Int?
    public var reason: Reason
    /// For paged reads: how many pages had been read before the failure.
    public var pagesRead: Int?

    public init(registry: String, url: String, status: Int? = nil, reason: Reason, pagesRead: Int? = nil) {
        self.registry = registry
        self.url = url
        self.status = status
        self.reason = reason
        self.pagesRead = pagesRead
    }

    /// Whether the server answered 404 (a missing entity, or a finder with no match).
    public var isNotFound: Bool { status == 404 }

    public var description: String {
        var text = "registry \(registry): GET \(url)"
        if let status { text += " answered \(status)" }
        switch reason {
        case .api(let code, let message):
            text += ": \(code): \(message)"
        case .unexpectedResponse(let contentType, let excerpt):
            text += " with a non-API body (\(contentType ?? "no content type")): \(excerpt)"
        case .timeout:
            text += ": timed out"
        case .connectionFailed(let detail):
            text += ": connection failed: \(detail)"
        case .undecodable(let detail):
            text += ": undecodable JSON: \(detail)"
        case .repeatedPageToken(let token):
            text += ": the server repeated page token \"\(token)\"; stopped to avoid a loop"
        case .tooManyPages(let limit):
            text += ": more than \(limit) pages; stopped"
        case .invalidConfiguration(let detail):
            text += ": invalid configuration: \(detail)"
        }
        if let pagesRead { text += " (after \(pagesRead) complete pages; the read counts as failed)" }
        return text
    }
}
