import AsyncHTTPClient
import CatalogModel
import Foundation
import Logging
import NIOCore
import WireValues

/// Reads what storage-rest holds: `GET /list`, then `GET /fetch?key=` for each key.
public struct StorageClient: Sendable {
    /// storage-rest's base URL, without trailing slashes.
    public var baseURL: String { http.base.text }
    let http: ServiceHTTPClient

    public init(baseURL: String, client: HTTPClient, timeout: TimeAmount = .seconds(10)) {
        self.http = ServiceHTTPClient(baseURL: baseURL, client: client, timeout: timeout)
    }

    /// Every stored key.
    public func keys() async throws -> [String] {
        struct Keys: Decodable { var keys: [String]? }
        let reply = try await get(http.base.url("/list"))
        do {
            return try reply.decode(Keys.self).keys ?? []
        } catch {
            throw StorageClientError(url: reply.url, status: 200, message: "reply is not {\"keys\": [...]}")
        }
    }

    /// One stored entry, or `nil` when storage no longer has it.
    public func fetch(key: String) async throws -> StorageBody? {
        let reply: ServiceHTTPReply
        do {
            reply = try await get(http.base.url("/fetch", query: [("key", key)]))
        } catch let error where error.status == 404 {
            return nil
        }
        do {
            return try reply.decode(StorageBody.self)
        } catch {
            throw StorageClientError(url: reply.url, status: 200, message: "reply is not a stored entry")
        }
    }

    /// `GET url`; anything but 200 throws.
    func get(_ url: String) async throws(StorageClientError) -> ServiceHTTPReply {
        let reply: ServiceHTTPReply
        do {
            reply = try await http.send(.GET, url)
        } catch {
            throw StorageClientError(url: url, status: nil, message: error.detail)
        }
        guard reply.status == 200 else {
            throw StorageClientError(url: url, status: reply.status, message: String(reply.text.prefix(300)))
        }
        return reply
    }
}

/// storage-rest answered badly or not at all.
public struct StorageClientError: Error, CustomStringConvertible {
    public var url: String
    public var status: Int?
    public var message: String

    public var description: String { "GET \(url) failed" + (status.map { " (HTTP \($0))" } ?? "") + ": \(message)" }
}

/// Loads `location` from storage at start: documents and model cards (B2, B3, B7), retrying
/// with backoff until one complete load succeeds. Until then `/list` answers 503 (C5).
public struct StorageLoader: Sendable {
    let storage: StorageClient
    let index: LocationIndex
    let logger: Logger

    public init(storage: StorageClient, index: LocationIndex, logger: Logger) {
        self.storage = storage
        self.index = index
        self.logger = logger
    }

    /// Returns once loaded, or throws `CancellationError` when cancelled first.
    public func run() async throws {
        var delay = Duration.milliseconds(200)
        var attempt = 0
        while true {
            attempt += 1
            do {
                try await loadOnce()
                return
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                logger.warning(
                    "cannot load from storage yet; /list answers 503 until it works",
                    metadata: ["attempt": "\(attempt)", "retryIn": "\(delay)", "error": "\(error)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(10))
            }
        }
    }

    func loadOnce() async throws {
        var loaded: [(key: String, body: UpsertBody)] = []
        for key in try await storage.keys() {
            try Task.checkCancellation()
            guard let entry = try await storage.fetch(key: key) else { continue }
            loaded.append(
                (
                    key,
                    UpsertBody(
                        body: entry.body, lastUpdateTimeSinceEpoch: entry.lastUpdateTimeSinceEpoch,
                        modelCardKey: entry.modelCardKey ?? "", modelCard: entry.modelCard ?? "")
                ))
        }
        let rejected = index.completeLoad(loaded)
        logger.info(
            "loaded from storage",
            metadata: ["documents": .stringConvertible(loaded.count - rejected.count), "skipped": "\(rejected)"])
    }
}
