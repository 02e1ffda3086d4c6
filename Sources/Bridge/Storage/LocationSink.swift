import AsyncHTTPClient
import CatalogModel
import Foundation
import NIOCore
import NIOHTTP1

/// Where storage-rest pushes documents: `location`, over HTTP or in the same process.
public protocol LocationSink: Sendable {
    /// Sends one document; throws when `location` refused or could not be reached (B16).
    func upsert(key: String, body: UpsertBody) async throws
    /// Forgets one document; not finding it is success.
    func remove(key: String) async throws
}

/// `location` in the same process (`modelbridge all`, the console's in-process mode).
public struct InProcessLocationSink: LocationSink {
    public let index: LocationIndex

    public init(index: LocationIndex) {
        self.index = index
    }

    public func upsert(key: String, body: UpsertBody) async throws {
        do {
            try index.upsert(key: key, body: body)
        } catch let error as LocationError {
            throw LocationSinkError(operation: "upsert", key: key, status: 400, message: error.description)
        }
    }

    public func remove(key: String) async throws {
        do {
            try index.remove(key: key)
        } catch let error as LocationError {
            throw LocationSinkError(operation: "remove", key: key, status: 400, message: error.description)
        }
    }
}

/// `location` over HTTP (`BRIDGE_URL`), as the separate sidecars run.
public struct HTTPLocationSink: LocationSink {
    public let baseURL: String
    let client: HTTPClient
    let token: String?
    let timeout: TimeAmount

    public init(baseURL: String, client: HTTPClient, token: String? = nil, timeout: TimeAmount = .seconds(10)) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.client = client
        self.token = token
        self.timeout = timeout
    }

    public func upsert(key: String, body: UpsertBody) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        try await send(.POST, path: "/upsert", key: key, body: try encoder.encode(body), operation: "upsert")
    }

    public func remove(key: String) async throws {
        try await send(.DELETE, path: "/remove", key: key, body: nil, operation: "remove")
    }

    func send(_ method: HTTPMethod, path: String, key: String, body: Data?, operation: String) async throws {
        var request = HTTPClientRequest(url: baseURL + path + "?key=" + QueryEncoding.encode(key))
        request.method = method
        request.headers.add(name: "Content-Type", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch {
            throw LocationSinkError(
                operation: operation, key: key, status: nil, message: "cannot reach location at \(baseURL): \(error)")
        }
        let text = String(buffer: try await response.body.collect(upTo: 64 << 10))
        guard (200..<300).contains(response.status.code) else {
            throw LocationSinkError(
                operation: operation, key: key, status: Int(response.status.code), message: String(text.prefix(500)))
        }
    }
}

/// `location` refused or could not be reached.
public struct LocationSinkError: Error, CustomStringConvertible {
    public var operation: String
    public var key: String
    public var status: Int?
    public var message: String

    public init(operation: String, key: String, status: Int?, message: String) {
        self.operation = operation
        self.key = key
        self.status = status
        self.message = message
    }

    public var description: String {
        "location \(operation) of \(key) failed" + (status.map { " with HTTP \($0)" } ?? "") + ": \(message)"
    }
}

/// Percent-encoding for query values.
enum QueryEncoding {
    static let allowed: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()

    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
