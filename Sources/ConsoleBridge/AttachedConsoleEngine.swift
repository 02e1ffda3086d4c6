import AsyncHTTPClient
import Bridge
import CatalogModel
import ConsoleCore
import Foundation
import NIOCore

/// The console attached to running sidecars by URL (for example through `oc port-forward`):
/// location's `GET /state`, storage-rest's `/list` and `/fetch`, and the normalizer's
/// `GET /state`. It never fetches documents from location, so Backstage's fetch records stay
/// Backstage's. Actions go to the normalizer's `POST /resync` and location's `POST /upsert`.
public struct AttachedConsoleEngine: ConsoleEngine {
    /// location's base URL, without trailing slashes; `nil` when not attached.
    public var locationURL: String? { locationService?.base.text }
    /// storage-rest's base URL, without trailing slashes; `nil` when not attached.
    public var storageURL: String? { storageService?.base.text }
    /// The normalizer's base URL, without trailing slashes; `nil` when not attached.
    public var normalizerURL: String? { normalizerService?.base.text }
    let locationService: ServiceHTTPClient?
    let storageService: ServiceHTTPClient?
    let normalizerService: ServiceHTTPClient?
    public let format: NormalizerFormat
    public let readOnly: Bool
    public let interval: Duration

    public init(
        locationURL: String?, storageURL: String?, normalizerURL: String?, format: NormalizerFormat = .jsonArray,
        readOnly: Bool, client: HTTPClient, interval: Duration = .seconds(2)
    ) {
        func service(_ url: String) -> ServiceHTTPClient {
            ServiceHTTPClient(baseURL: url, client: client, timeout: .seconds(10))
        }
        self.locationService = locationURL.map(service)
        self.storageService = storageURL.map(service)
        self.normalizerService = normalizerURL.map(service)
        self.format = format
        self.readOnly = readOnly
        self.interval = interval
    }

    struct LocationStateReply: Decodable {
        struct Card: Decodable {
            var key: String
            var etag: String
            var bytes: Int
            var updatedAt: Date
        }

        var loaded: Bool
        var uris: [String]
        var cards: [Card]
        var lastListFetch: Date?
        var listFetchCount: Int
        var documentFetches: [String: LocationIndex.FetchRecord]
        var cardFetches: [String: LocationIndex.FetchRecord]
    }

    struct NormalizerStateReply: Decodable {
        struct Registry: Decodable {
            var key: String
            var baseURL: String
            var catalogURL: String?
            var lastProbe: Date?
            var lastFullRead: Date?
            var lastError: String?
            var models: Int
            var liveVersions: Int
            var requests: Int
        }

        var registries: [Registry]
        var lastCycle: Date?
        var lastCompleteCycle: Date?
        var incompleteReasons: [String]
        var isLeader: Bool
        /// Absent from sidecars older than leader-election reporting.
        var publishing: String?
        var notPublishingReason: String?
    }

    /// `GET path` of one sidecar; anything but 200 throws.
    func get(_ service: ServiceHTTPClient, _ path: String, query: [(String, String)] = []) async throws -> Data {
        let url = service.base.url(path, query: query)
        let reply: ServiceHTTPReply
        do {
            reply = try await service.send(.GET, url)
        } catch {
            throw ConsoleEngineError(error.detail)
        }
        guard reply.status == 200 else {
            throw ConsoleEngineError("GET \(url) answered \(reply.status): \(reply.text.prefix(200))")
        }
        return reply.body
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// Reads every attached sidecar; a sidecar that does not answer shows as disconnected.
    public func state() async -> (EngineState, [ComponentStatus]) {
        var components: [ComponentStatus] = []
        var store = StoreContents(shards: [], entries: [:])
        if let storageService {
            do {
                struct Keys: Decodable { var keys: [String] }
                let keys = try Self.decoder.decode(Keys.self, from: try await get(storageService, "/list")).keys
                for key in keys {
                    let data = try await get(storageService, "/fetch", query: [("key", key)])
                    store.entries[key] = try JSONDecoder().decode(StorageBody.self, from: data)
                }
                store.shards = [
                    StoreContents.Shard(
                        name: "storage-rest", bytes: store.entries.values.reduce(0) { $0 + $1.body.count }, keys: keys)
                ]
            } catch {
                store.error = "\(error)"
            }
        } else {
            store.error = "not attached (--attach-storage)"
        }
        var location = LocationSnapshot(
            loaded: false, entries: [], cards: [], lastListFetch: nil, listFetchCount: 0, documentFetches: [:],
            cardFetches: [:], unknownFetches: 0)
        if let locationService {
            do {
                let reply = try Self.decoder.decode(
                    LocationStateReply.self, from: try await get(locationService, "/state"))
                let served = Set(reply.uris)
                var entries: [LocationIndex.Entry] = []
                var cards: [LocationIndex.Card] = []
                for (key, entry) in store.entries {
                    guard let importKey = ImportKey(storedKey: key), served.contains(importKey.uri(format: format))
                    else { continue }
                    entries.append(
                        LocationIndex.Entry(
                            key: importKey, uri: importKey.uri(format: format), body: ByteBuffer(bytes: entry.body),
                            epoch: entry.lastUpdateTimeSinceEpoch, modelCardKey: entry.modelCardKey, updatedAt: Date()))
                    if let cardKey = entry.modelCardKey, let card = reply.cards.first(where: { $0.key == cardKey }) {
                        cards.append(
                            LocationIndex.Card(
                                key: cardKey, markdown: ByteBuffer(string: entry.modelCard ?? ""), etag: card.etag,
                                updatedAt: card.updatedAt))
                    }
                }
                location = LocationSnapshot(
                    loaded: reply.loaded, entries: entries.sorted { $0.key < $1.key }, cards: cards,
                    lastListFetch: reply.lastListFetch, listFetchCount: reply.listFetchCount,
                    documentFetches: reply.documentFetches, cardFetches: reply.cardFetches, unknownFetches: 0)
            } catch {
                components.append(ComponentStatus(name: "location", health: .disconnected, detail: "\(error)"))
            }
        }
        var normalizer: NormalizerSnapshot?
        if let normalizerService {
            do {
                let reply = try Self.decoder.decode(
                    NormalizerStateReply.self, from: try await get(normalizerService, "/state"))
                normalizer = NormalizerSnapshot(
                    registries: reply.registries.map {
                        RegistryStatus(
                            key: $0.key, baseURL: $0.baseURL, catalogURL: $0.catalogURL, lastProbe: $0.lastProbe,
                            lastFullRead: $0.lastFullRead, lastError: $0.lastError, models: $0.models,
                            liveVersions: $0.liveVersions, requests: $0.requests)
                    }, lastCycle: reply.lastCycle, lastCompleteCycle: reply.lastCompleteCycle,
                    incompleteReasons: reply.incompleteReasons, isLeader: reply.isLeader,
                    publishing: PublishingState(
                        mode: reply.publishing.flatMap(PublishingState.Mode.init(rawValue:)) ?? .publishing,
                        reason: reply.notPublishingReason))
            } catch {
                components.append(ComponentStatus(name: "rhoai-normalizer", health: .disconnected, detail: "\(error)"))
            }
        }
        let state = EngineState(
            location: location, normalizer: normalizer, store: store, events: [], format: format, mode: .attached,
            context: [locationURL, storageURL, normalizerURL].compactMap { $0 }.joined(separator: " "),
            readOnly: readOnly)
        return (state, components)
    }

    public func snapshots() -> AsyncStream<EngineSnapshot> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: EngineSnapshot.self, bufferingPolicy: .bufferingNewest(1))
        let task = Task {
            while !Task.isCancelled {
                let (state, failures) = await state()
                var snapshot = EngineSnapshotBuilder.build(state, now: Date())
                snapshot.header.components.append(contentsOf: failures)
                continuation.yield(snapshot)
                try? await Task.sleep(for: interval)
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// `POST path` to one sidecar; a status outside 200–299 throws.
    func post(_ service: ServiceHTTPClient, _ path: String, query: [(String, String)] = [], body: Data?) async throws
        -> String
    {
        let url = service.base.url(path, query: query)
        let reply: ServiceHTTPReply
        do {
            reply = try await service.send(.POST, url, body: body)
        } catch {
            throw ConsoleEngineError(error.detail)
        }
        guard (200..<300).contains(reply.status) else {
            throw ConsoleEngineError("POST \(url) answered \(reply.status): \(reply.text.prefix(200))")
        }
        return reply.text
    }

    public func resyncAll() async throws -> String {
        guard let normalizerService else {
            throw ConsoleEngineError("not attached to the normalizer (--attach-normalizer)")
        }
        _ = try await post(normalizerService, "/resync", body: nil)
        return "full resync requested"
    }

    public func resync(key: String) async throws -> String {
        guard let normalizerService else {
            throw ConsoleEngineError("not attached to the normalizer (--attach-normalizer)")
        }
        _ = try await post(normalizerService, "/resync", query: [("key", key)], body: nil)
        return "resync of \(key) requested"
    }

    public func repush(key: String) async throws -> String {
        guard let storageService, let locationService else {
            throw ConsoleEngineError("re-push needs --attach-storage and --attach-location")
        }
        let entry = try JSONDecoder().decode(
            StorageBody.self, from: try await get(storageService, "/fetch", query: [("key", key)]))
        let body = UpsertBody(
            body: entry.body, lastUpdateTimeSinceEpoch: entry.lastUpdateTimeSinceEpoch,
            modelCardKey: entry.modelCardKey ?? "", modelCard: entry.modelCard ?? "")
        _ = try await post(locationService, "/upsert", query: [("key", key)], body: try JSONEncoder().encode(body))
        return "re-pushed \(key) to location"
    }
}
