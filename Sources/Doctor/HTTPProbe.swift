import AsyncHTTPClient
import NIOCore

/// The answer to one probe GET: a status and the start of the body, or why there was no answer.
public enum HTTPProbeOutcome: Sendable, Hashable {
    case answered(status: Int, excerpt: String)
    case noAnswer(String)
}

/// One cheap GET, for sidecar ports and Backstage.
///
/// ```swift
/// let outcome = await probe.get("http://127.0.0.1:9090/readyz", bearer: nil)
/// ```
public protocol HTTPProbe: Sendable {
    func get(_ url: String, bearer: String?) async -> HTTPProbeOutcome
}

/// ``HTTPProbe`` over AsyncHTTPClient, with a short timeout; TLS is verified with the system roots.
public struct AsyncHTTPProbe: HTTPProbe {
    let client: HTTPClient
    let timeout: Duration

    public init(client: HTTPClient, timeout: Duration = .seconds(5)) {
        self.client = client
        self.timeout = timeout
    }

    public func get(_ url: String, bearer: String?) async -> HTTPProbeOutcome {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/json, text/plain")
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        do {
            let (seconds, attoseconds) = timeout.components
            let response = try await client.execute(
                request, timeout: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
            let body = try await response.body.collect(upTo: 64 * 1024)
            let text = String(decoding: body.readableBytesView.prefix(300), as: UTF8.self)
            let excerpt = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            return .answered(status: Int(response.status.code), excerpt: excerpt)
        } catch {
            return .noAnswer("\(error)")
        }
    }
}
