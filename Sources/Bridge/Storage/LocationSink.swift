import AsyncHTTPClient
import CatalogModel
import Foundation
import NIOCore
import NIOHTTP1
import WireValues

/// Where storage-rest pushes documents: `location`, over HTTP or in the same process.
public protocol LocationSink: Sendable {
    /// Sends one document; throws when `location` refused or could not be reached (B16).
    func upsert(_ upsert: CatalogUpsert) async throws
    /// Forgets one document; not finding it is success.
    func remove(key: ImportKey) async throws
}

/// `location` in the same process (`modelbridge all`, the console's in-process mode).
public struct InProcessLocationSink: LocationSink {
    public let index: LocationIndex

    public init(index: LocationIndex) {
        self.index = index
    }

    public func upsert(_ upsert: CatalogUpsert) async throws {
        index.upsert(upsert)
    }

    public func remove(key: ImportKey) async throws {
        index.remove(key: key)
    }
}

/// `location` over HTTP (`BRIDGE_URL`), as the separate sidecars run.
public struct HTTPLocationSink: LocationSink {
    /// location's base URL, without trailing slashes.
    public var baseURL: String { http.base.text }
    let http: ServiceHTTPClient

    public init(baseURL: String, client: HTTPClient, token: String? = nil, timeout: TimeAmount = .seconds(10)) {
        self.http = ServiceHTTPClient(
            baseURL: baseURL, client: client, token: token, timeout: timeout, maxBodyBytes: 64 << 10)
    }

    public func upsert(_ upsert: CatalogUpsert) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        try await send(
            .POST, path: "/upsert", key: upsert.key.key, body: try encoder.encode(upsert.body), operation: "upsert")
    }

    public func remove(key: ImportKey) async throws {
        try await send(.DELETE, path: "/remove", key: key.key, body: nil, operation: "remove")
    }

    func send(_ method: HTTPMethod, path: String, key: String, body: Data?, operation: String) async throws {
        do {
            _ = try await http.sendExpectingSuccess(method, http.base.url(path, query: [("key", key)]), body: body)
        } catch .transport(_, let message) {
            throw LocationSinkError(
                operation: operation, key: key, status: nil, message: "cannot reach location at \(baseURL): \(message)")
        } catch {
            throw LocationSinkError(operation: operation, key: key, status: error.status, message: error.detail)
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
