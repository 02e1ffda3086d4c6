import AsyncHTTPClient
import CatalogModel
import Foundation
import NIOCore
import WireValues

/// Where the normalizer sends documents and key sets: storage-rest over HTTP (`STORAGE_URL`)
/// or the storage service in the same process.
public protocol CatalogSink: Sendable {
    /// Upserts one document; throws when storage (or location behind it) refused.
    func upsert(_ upsert: CatalogUpsert) async throws
    /// Sends the complete set of live keys; storage removes every other key.
    func postKeySet(_ keys: Set<ImportKey>) async throws
}

/// storage-rest in the same process.
public struct InProcessCatalogSink: CatalogSink {
    public let service: StorageService

    public init(service: StorageService) {
        self.service = service
    }

    public func upsert(_ upsert: CatalogUpsert) async throws {
        try await service.upsert(upsert)
    }

    public func postKeySet(_ keys: Set<ImportKey>) async throws {
        let outcome = try await service.applyKeySet(keys)
        if !outcome.failed.isEmpty {
            throw StorageService.Failure(
                status: 500, message: "removals failed: \(outcome.failed.joined(separator: "; "))")
        }
    }
}

/// storage-rest over HTTP.
public struct HTTPCatalogSink: CatalogSink {
    /// storage-rest's base URL, without trailing slashes.
    public var baseURL: String { http.base.text }
    let http: ServiceHTTPClient

    public init(baseURL: String, client: HTTPClient, token: String? = nil, timeout: TimeAmount = .seconds(30)) {
        self.http = ServiceHTTPClient(
            baseURL: baseURL, client: client, token: token, timeout: timeout, maxBodyBytes: 1 << 20)
    }

    public func upsert(_ upsert: CatalogUpsert) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        try await post(
            "/upsert", query: [("key", upsert.key.key), ("type", upsert.type?.rawValue ?? "")],
            body: try encoder.encode(upsert.body))
    }

    /// Small sets go in the query, as upstream; large ones in a JSON body (URLs have limits).
    public func postKeySet(_ keys: Set<ImportKey>) async throws {
        let sorted = keys.map(\.key).sorted()
        let joined = sorted.joined(separator: ",")
        if joined.utf8.count < 4000 {
            try await post("/currentkeyset", query: [("key", joined)], body: nil)
        } else {
            try await post("/currentkeyset", body: try JSONEncoder().encode(["keys": sorted]))
        }
    }

    func post(_ path: String, query: [(String, String)] = [], body: Data?) async throws {
        do {
            _ = try await http.sendExpectingSuccess(.POST, http.base.url(path, query: query), body: body)
        } catch .transport(_, let message) {
            throw StorageService.Failure(status: 0, message: "cannot reach storage-rest at \(baseURL): \(message)")
        } catch {
            let target = query.isEmpty ? path : path + "?" + PercentEncoding.query(query)
            throw StorageService.Failure(
                status: error.status ?? 0,
                message:
                    "storage-rest answered \(error.status ?? 0) to \(target.prefix(60)): \(error.detail.prefix(300))")
        }
    }
}
