import AsyncHTTPClient
import CatalogModel
import Foundation
import NIOCore

/// Where the normalizer sends documents and key sets: storage-rest over HTTP (`STORAGE_URL`)
/// or the storage service in the same process.
public protocol CatalogSink: Sendable {
    /// Upserts one document; throws when storage (or location behind it) refused.
    func upsert(key: String, type: ReconcilerType, body: UpsertBody) async throws
    /// Sends the complete set of live keys; storage removes every other key.
    func postKeySet(_ keys: Set<String>) async throws
}

/// storage-rest in the same process.
public struct InProcessCatalogSink: CatalogSink {
    public let service: StorageService

    public init(service: StorageService) {
        self.service = service
    }

    public func upsert(key: String, type: ReconcilerType, body: UpsertBody) async throws {
        try await service.upsert(key: key, type: type.rawValue, body: body)
    }

    public func postKeySet(_ keys: Set<String>) async throws {
        let outcome = try await service.applyKeySet(keys)
        if !outcome.failed.isEmpty {
            throw StorageService.Failure(
                status: 500, message: "removals failed: \(outcome.failed.joined(separator: "; "))")
        }
    }
}

/// storage-rest over HTTP.
public struct HTTPCatalogSink: CatalogSink {
    public let baseURL: String
    let client: HTTPClient
    let token: String?
    let timeout: TimeAmount

    public init(baseURL: String, client: HTTPClient, token: String? = nil, timeout: TimeAmount = .seconds(30)) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.client = client
        self.token = token
        self.timeout = timeout
    }

    public func upsert(key: String, type: ReconcilerType, body: UpsertBody) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        try await post(
            "/upsert?key=\(QueryEncoding.encode(key))&type=\(type.rawValue)", body: try encoder.encode(body))
    }

    /// Small sets go in the query, as upstream; large ones in a JSON body (URLs have limits).
    public func postKeySet(_ keys: Set<String>) async throws {
        let joined = keys.sorted().joined(separator: ",")
        if joined.utf8.count < 4000 {
            try await post("/currentkeyset?key=\(QueryEncoding.encode(joined))", body: nil)
        } else {
            try await post("/currentkeyset", body: try JSONEncoder().encode(["keys": keys.sorted()]))
        }
    }

    func post(_ path: String, body: Data?) async throws {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch {
            throw StorageService.Failure(status: 0, message: "cannot reach storage-rest at \(baseURL): \(error)")
        }
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        guard (200..<300).contains(response.status.code) else {
            throw StorageService.Failure(
                status: Int(response.status.code),
                message: "storage-rest answered \(response.status.code) to \(path.prefix(60)): \(text.prefix(300))")
        }
    }
}
