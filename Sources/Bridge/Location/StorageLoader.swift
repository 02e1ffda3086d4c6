import AsyncHTTPClient
import CatalogModel
import Foundation
import Logging
import NIOCore

/// Reads what storage-rest holds: `GET /list`, then `GET /fetch?key=` for each key.
public struct StorageClient: Sendable {
    public let baseURL: String
    let client: HTTPClient
    let timeout: TimeAmount

    public init(baseURL: String, client: HTTPClient, timeout: TimeAmount = .seconds(10)) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.client = client
        self.timeout = timeout
    }

    /// Every stored key.
    public func keys() async throws -> [String] {
        struct Keys: Decodable { var keys: [String]? }
        let data = try await get("/list")
        do {
            return try JSONDecoder().decode(Keys.self, from: data).keys ?? []
        } catch {
            throw StorageClientError(url: baseURL + "/list", status: 200, message: "reply is not {\"keys\": [...]}")
        }
    }

    /// One stored entry, or `nil` when storage no longer has it.
    public func fetch(key: String) async throws -> StorageBody? {
        let path = "/fetch?key=" + QueryEncoding.encode(key)
        do {
            return try JSONDecoder().decode(StorageBody.self, from: try await get(path))
        } catch let error as StorageClientError where error.status == 404 {
            return nil
        } catch let error as StorageClientError {
            throw error
        } catch {
            throw StorageClientError(url: baseURL + path, status: 200, message: "reply is not a stored entry")
        }
    }

    func get(_ path: String) async throws -> Data {
        let request = HTTPClientRequest(url: baseURL + path)
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch {
            throw StorageClientError(url: baseURL + path, status: nil, message: "\(error)")
        }
        let body = try await response.body.collect(upTo: 64 << 20)
        guard response.status.code == 200 else {
            throw StorageClientError(
                url: baseURL + path, status: Int(response.status.code),
                message: String(String(buffer: body).prefix(300)))
        }
        return Data(buffer: body)
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
