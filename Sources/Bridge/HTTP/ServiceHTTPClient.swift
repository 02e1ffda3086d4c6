import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import WireValues

/// The small HTTP client every hand-written client of a JSON service uses (storage-rest, location, Backstage,
/// the sidecars' `/state`): one normalised ``BaseURL``, the bearer token on every request, a timeout and a body
/// limit, and one typed error for a service that cannot be reached, answers non-2xx, or answers what does not
/// decode. Callers map ``ServiceHTTPError`` onto their own error values, which name the operation.
///
/// ```swift
/// let storage = ServiceHTTPClient(baseURL: "http://127.0.0.1:9090/", client: .shared, token: nil)
/// let reply = try await storage.send(.GET, storage.base.url("/fetch", query: [("key", key)]))
/// let body = try reply.decode(StorageBody.self)
/// ```
public struct ServiceHTTPClient: Sendable {
    /// Where the service is; every request URL is joined onto it.
    public let base: BaseURL
    let client: HTTPClient
    let token: String?
    let timeout: TimeAmount
    let maxBodyBytes: Int

    /// `token`, when set, goes into `Authorization: Bearer` on every request (and never into a log line).
    public init(
        baseURL: String, client: HTTPClient, token: String? = nil, timeout: TimeAmount = .seconds(10),
        maxBodyBytes: Int = 64 << 20
    ) {
        self.base = BaseURL(baseURL)
        self.client = client
        self.token = token
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
    }

    /// Sends one request and returns the answer whatever its status. Throws ``ServiceHTTPError/transport(url:message:)``
    /// when the service cannot be reached, times out, or sends more than the body limit.
    public func send(_ method: HTTPMethod = .GET, _ url: String, body: Data? = nil) async throws(ServiceHTTPError)
        -> ServiceHTTPReply
    {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await client.execute(request, timeout: timeout)
            let bytes = try await response.body.collect(upTo: maxBodyBytes)
            return ServiceHTTPReply(url: url, status: Int(response.status.code), body: Data(buffer: bytes))
        } catch {
            throw .transport(url: url, message: "\(error)")
        }
    }

    /// Like ``send(_:_:body:)``, and a status outside 200–299 throws ``ServiceHTTPError/status(url:code:excerpt:)``.
    public func sendExpectingSuccess(_ method: HTTPMethod = .GET, _ url: String, body: Data? = nil)
        async throws(ServiceHTTPError) -> ServiceHTTPReply
    {
        let reply = try await send(method, url, body: body)
        guard (200..<300).contains(reply.status) else {
            throw .status(url: url, code: reply.status, excerpt: String(reply.text.prefix(500)))
        }
        return reply
    }
}

/// One answer of a service: its status and body.
public struct ServiceHTTPReply: Sendable {
    /// The URL that was asked.
    public var url: String
    public var status: Int
    public var body: Data

    /// The body as UTF-8 text (invalid bytes replaced).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body decoded as `T`; a body that does not decode throws ``ServiceHTTPError/undecodable(url:type:message:)``.
    public func decode<T: Decodable>(_ type: T.Type, decoder: JSONDecoder = JSONDecoder()) throws(ServiceHTTPError)
        -> T
    {
        do {
            return try decoder.decode(T.self, from: body)
        } catch {
            throw .undecodable(url: url, type: "\(T.self)", message: "\(error)")
        }
    }
}

/// Why a call to a service failed, with the URL that was asked.
public enum ServiceHTTPError: Error, Sendable, CustomStringConvertible {
    /// No answer: connection refused, timeout, TLS failure, or a body over the limit.
    case transport(url: String, message: String)
    /// An answer outside 200–299, with the start of its body.
    case status(url: String, code: Int, excerpt: String)
    /// A 2xx answer whose body is not the expected JSON.
    case undecodable(url: String, type: String, message: String)

    /// The URL that was asked.
    public var url: String {
        switch self {
        case .transport(let url, _), .status(let url, _, _), .undecodable(let url, _, _): url
        }
    }

    /// The HTTP status, when the service answered.
    public var status: Int? {
        if case .status(_, let code, _) = self { return code }
        return nil
    }

    /// What went wrong, without the URL: the transport error, the body excerpt, or the decoding error.
    public var detail: String {
        switch self {
        case .transport(_, let message), .undecodable(_, _, let message): message
        case .status(_, _, let excerpt): excerpt
        }
    }

    public var description: String {
        switch self {
        case .transport(let url, let message): "cannot reach \(url): \(message)"
        case .status(let url, let code, let excerpt): "\(url) answered HTTP \(code): \(excerpt)"
        case .undecodable(let url, let type, let message): "\(url) answered what is not a \(type): \(message)"
        }
    }
}
