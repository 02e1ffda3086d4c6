import AsyncHTTPClient
import Foundation
import NIOCore

/// The `catalog-techdoc-url-reader-backend` (0.3–0.5) as the sandbox runs it: a URL is handled
/// when its host and port equal the location's, or are `localhost:9090`, and its path starts
/// with `/modelcard` (C20). The request is a plain GET: no auth, no conditional headers (C22).
///
/// The Go bridge hard-codes `http://localhost:9090/modelcard?key=…`; the sandbox's location
/// rarely listens there, so such URLs are fetched from the configured location instead.
///
/// ```swift
/// let reader = TechDocsReader(locationURL: "http://127.0.0.1:9090", client: .shared)
/// let read = await reader.read("http://localhost:9090/modelcard?key=abc")   // GET http://127.0.0.1:9090/modelcard?key=abc
/// ```
public struct TechDocsReader: Sendable {
    /// The provider's `baseUrl` (the location).
    public var locationURL: String
    public var client: HTTPClient
    public var timeout: Duration

    public init(locationURL: String, client: HTTPClient, timeout: Duration = .seconds(30)) {
        self.locationURL = locationURL
        self.client = client
        self.timeout = timeout
    }

    /// The URL the reader fetches for `annotatedURL`, or nil when the predicate refuses it.
    public static func fetchURL(for annotatedURL: String, locationURL: String) -> String? {
        guard var target = URLComponents(string: annotatedURL), let location = URLComponents(string: locationURL),
            ["http", "https"].contains(target.scheme?.lowercased() ?? ""),
            target.percentEncodedPath.hasPrefix("/modelcard")
        else { return nil }
        let targetHost = (target.host ?? "").lowercased()
        let targetPort = effectivePort(target)
        if targetHost == (location.host ?? "").lowercased(), targetPort == effectivePort(location) {
            return annotatedURL
        }
        guard targetHost == "localhost", targetPort == "9090" else { return nil }
        target.scheme = location.scheme
        target.host = location.host
        target.port = location.port
        return target.string
    }

    /// What JavaScript's `URL.port` says: empty for the scheme's default port.
    private static func effectivePort(_ components: URLComponents) -> String {
        guard let port = components.port else { return "" }
        switch (components.scheme?.lowercased(), port) {
        case ("http", 80), ("https", 443): return ""
        default: return String(port)
        }
    }

    /// Reads one annotated URL and classifies the answer.
    public func read(_ annotatedURL: String) async -> TechDocsRead {
        guard let url = Self.fetchURL(for: annotatedURL, locationURL: locationURL) else {
            return TechDocsRead(
                annotatedURL: annotatedURL, fetchedURL: nil, outcome: .notHandled,
                error: "NotAllowedError: no reader handles \(annotatedURL)")
        }
        do {
            let response = try await client.execute(
                HTTPClientRequest(url: url), timeout: .nanoseconds(Int64(timeout.nanoseconds)))
            let bytes = try await response.body.collect(upTo: 16 << 20)
            let status = Int(response.status.code)
            let body = String(buffer: bytes)
            let outcome: TechDocsRead.Outcome
            switch status {
            case 200..<300: outcome = .content
            case 304: outcome = .notModified
            case 404: outcome = .notFound
            default: outcome = .error
            }
            return TechDocsRead(
                annotatedURL: annotatedURL, fetchedURL: url, outcome: outcome, status: status,
                body: outcome == .content ? body : nil,
                error: outcome == .error ? "could not read \(url), \(status) \(response.status.reasonPhrase)" : nil)
        } catch {
            return TechDocsRead(
                annotatedURL: annotatedURL, fetchedURL: url, outcome: .error, error: "could not read \(url): \(error)")
        }
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating), for APIs that take `TimeAmount`.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : product &+ attoseconds / 1_000_000_000
    }
}
