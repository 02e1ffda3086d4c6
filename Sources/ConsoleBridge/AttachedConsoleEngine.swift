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
    public let locationURL: String?
    public let storageURL: String?
    public let normalizerURL: String?
    public let format: NormalizerFormat
    public let readOnly: Bool
    public let interval: Duration
    let client: HTTPClient

    public init(
        locationURL: String?, storageURL: String?, normalizerURL: String?, format: NormalizerFormat = .jsonArray,
        readOnly: Bool, client: HTTPClient, interval: Duration = .seconds(2)
    ) {
        self.locationURL = locationURL.map(Self.trimmed)
        self.storageURL = storageURL.map(Self.trimmed)
        self.normalizerURL = normalizerURL.map(Self.trimmed)
        self.format = format
        self.readOnly = readOnly
        self.client = client
        self.interval = interval
    }

    static func trimmed(_ url: String) -> String {
        var text = url
        while text.hasSuffix("/") { text.removeLast() }
        return text
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

    func get(_ url: String) async throws -> Data {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/json")
        let response = try await client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 64 << 20)
        guard response.status.code == 200 else {
            throw ConsoleEngineError("GET \(url) answered \(response.status.code): \(String(buffer: body).prefix(200))")
        }
        return Data(buffer: body)
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
        if let storageURL {
            do {
                struct Keys: Decodable { var keys: [String] }
                let keys = try Self.decoder.decode(Keys.self, from: try await get(storageURL + "/list")).keys
                for key in keys {
                    let data = try await get(storageURL + "/fetch?key=" + key)
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
        if let locationURL {
            do {
                let reply = try Self.decoder.decode(
                    LocationStateReply.self, from: try await get(locationURL + "/state"))
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
        if let normalizerURL {
            do {
                let reply = try Self.decoder.decode(
                    NormalizerStateReply.self, from: try await get(normalizerURL + "/state"))
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

    func post(_ url: String, body: Data?) async throws -> String {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: .seconds(10))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        guard (200..<300).contains(response.status.code) else {
            throw ConsoleEngineError("POST \(url) answered \(response.status.code): \(text.prefix(200))")
        }
        return text
    }

    public func resyncAll() async throws -> String {
        guard let normalizerURL else {
            throw ConsoleEngineError("not attached to the normalizer (--attach-normalizer)")
        }
        _ = try await post(normalizerURL + "/resync", body: nil)
        return "full resync requested"
    }

    public func resync(key: String) async throws -> String {
        guard let normalizerURL else {
            throw ConsoleEngineError("not attached to the normalizer (--attach-normalizer)")
        }
        _ = try await post(normalizerURL + "/resync?key=" + key, body: nil)
        return "resync of \(key) requested"
    }

    public func repush(key: String) async throws -> String {
        guard let storageURL, let locationURL else {
            throw ConsoleEngineError("re-push needs --attach-storage and --attach-location")
        }
        let entry = try JSONDecoder().decode(StorageBody.self, from: try await get(storageURL + "/fetch?key=" + key))
        let body = UpsertBody(
            body: entry.body, lastUpdateTimeSinceEpoch: entry.lastUpdateTimeSinceEpoch,
            modelCardKey: entry.modelCardKey ?? "", modelCard: entry.modelCard ?? "")
        _ = try await post(locationURL + "/upsert?key=" + key, body: try JSONEncoder().encode(body))
        return "re-pushed \(key) to location"
    }
}
