import AsyncHTTPClient
import Bridge
import CatalogModel
import ConsoleCore
import Foundation
import NIOCore
import Synchronization

/// The console attached to running sidecars by URL (for example through `oc port-forward`):
/// location's `GET /state` (``LocationStateDocument``), storage-rest's `GET /state`
/// (``StorageStateDocument``, with `/fetch` for the bodies that changed), and the normalizer's
/// `GET /state` (``NormalizerStateDocument``). The documents decode into the same values an in-process
/// console reads, so both show the same views. It never fetches documents from location, so Backstage's
/// fetch records stay Backstage's. Actions go to the normalizer's `POST /resync` and location's
/// `POST /upsert`.
public struct AttachedConsoleEngine: ConsoleEngine {
    /// Where location is (a URL or a pod's port); `nil` when not attached.
    public var locationURL: String? { locationService?.address }
    /// Where storage-rest is; `nil` when not attached.
    public var storageURL: String? { storageService?.address }
    /// Where the normalizer's admin port is; `nil` when not attached.
    public var normalizerURL: String? { normalizerService?.address }
    /// What the header names as the context: `pod NAMESPACE/NAME` when every sidecar is one pod's, else the
    /// sidecars' addresses (kept short, so the header keeps room for READ-ONLY).
    public var context: String {
        let channels = [locationService, storageService, normalizerService].compactMap { $0 }
        let pods = Set(channels.compactMap { ($0 as? PodProxySidecarChannel).map { "\($0.namespace)/\($0.pod)" } })
        if pods.count == 1, channels.allSatisfy({ $0 is PodProxySidecarChannel }), let pod = pods.first {
            return "pod \(pod)"
        }
        let addresses = channels.map(\.address)
        // Sidecars on one host (loopback in the pod, a port-forward) show the host once: 127.0.0.1 :9090 :7070 :8081.
        let urls = addresses.compactMap { URL(string: $0) }
        let ports = urls.compactMap(\.port)
        if let host = urls.first?.host, ports.count == addresses.count, urls.allSatisfy({ $0.host == host }) {
            return host + " " + ports.map { ":\($0)" }.joined(separator: " ")
        }
        return addresses.joined(separator: " ")
    }
    let locationService: (any SidecarChannel)?
    let storageService: (any SidecarChannel)?
    let normalizerService: (any SidecarChannel)?
    public let format: NormalizerFormat
    public let readOnly: Bool
    public let interval: Duration
    /// The document bodies and model cards read from storage-rest, kept between polls.
    let storedContents = StoredContents()

    /// Attached by URL.
    public init(
        locationURL: String?, storageURL: String?, normalizerURL: String?, format: NormalizerFormat = .jsonArray,
        readOnly: Bool, client: HTTPClient, token: String? = nil, interval: Duration = .seconds(2)
    ) {
        func channel(_ url: String) -> any SidecarChannel {
            URLSidecarChannel(baseURL: url, client: client, token: token)
        }
        self.init(
            location: locationURL.map(channel), storage: storageURL.map(channel),
            normalizer: normalizerURL.map(channel), format: format, readOnly: readOnly, interval: interval)
    }

    /// Attached through any channels (``PodProxySidecarChannel`` for a pod reached through the API server).
    public init(
        location: (any SidecarChannel)?, storage: (any SidecarChannel)?, normalizer: (any SidecarChannel)?,
        format: NormalizerFormat = .jsonArray, readOnly: Bool, interval: Duration = .seconds(2)
    ) {
        self.locationService = location
        self.storageService = storage
        self.normalizerService = normalizer
        self.format = format
        self.readOnly = readOnly
        self.interval = interval
    }

    /// `GET path` of one sidecar; anything but 200 throws.
    func get(_ service: any SidecarChannel, _ path: String, query: [(String, String)] = []) async throws -> Data {
        let reply = try await service.send(.GET, path, query: query, body: nil)
        guard reply.status == 200 else {
            throw ConsoleEngineError(
                "GET \(path) of \(service.address) answered \(reply.status): "
                    + String(decoding: reply.body.prefix(200), as: UTF8.self))
        }
        return reply.body
    }

    /// Reads every attached sidecar; a sidecar that does not answer, or answers a `/state` this console
    /// cannot read (another release), shows as disconnected with the reason.
    public func state() async -> (EngineState, [ComponentStatus]) {
        var components: [ComponentStatus] = []
        var store = StoreContents(shards: [], entries: [:])
        if let storageService {
            do {
                store = try await storeContents(of: storageService)
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
                let document = try StateDocumentCoding.decode(
                    LocationStateDocument.self, from: try await get(locationService, "/state"))
                location = Self.location(document, store: store.entries)
            } catch {
                components.append(ComponentStatus(name: "location", health: .disconnected, detail: "\(error)"))
            }
        }
        var normalizer: NormalizerState?
        var events: [EventLog.Event] = []
        if let normalizerService {
            do {
                let document = try StateDocumentCoding.decode(
                    NormalizerStateDocument.self, from: try await get(normalizerService, "/state"))
                normalizer = document.state
                events = document.events
            } catch {
                components.append(ComponentStatus(name: "rhoai-normalizer", health: .disconnected, detail: "\(error)"))
            }
        }
        let state = EngineState(
            location: location, normalizerState: normalizer, store: store, events: events, format: format,
            mode: .attached,
            context: context,
            readOnly: readOnly)
        return (state, components)
    }

    /// The cache from storage-rest's `GET /state`: the shards as the store has them, each entry's metadata
    /// from the document, and its body and model card from `GET /fetch?key=`, read only when the entry's
    /// content digest differs from the one read before (at the first poll: every entry). An idle cache
    /// therefore costs one request per poll.
    func storeContents(of service: any SidecarChannel) async throws -> StoreContents {
        let document = try await storageState(service)
        let known = storedContents.all()
        var contents: [String: StoredContents.Content] = [:]
        var complete = false
        // After a failed read, what was read so far is kept for the next poll, with what was known before.
        defer { storedContents.replace(with: complete ? contents : known.merging(contents) { $1 }) }
        var store = StoreContents(
            shards: document.shards.map {
                StoreContents.Shard(name: $0.name, bytes: $0.bytes, budget: $0.budgetBytes, keys: $0.keys)
            }, entries: [:])
        for entry in document.entries {
            var content = known[entry.key]
            if content?.digest != entry.contentDigest {
                let reply = try await service.send(.GET, "/fetch", query: [("key", entry.key)], body: nil)
                // Removed since /state answered: the next poll no longer lists it.
                if reply.status == 404 { continue }
                guard reply.status == 200 else {
                    throw ConsoleEngineError(
                        "GET /fetch of \(service.address) answered \(reply.status): "
                            + String(decoding: reply.body.prefix(200), as: UTF8.self))
                }
                let fetched = try JSONDecoder().decode(StorageBody.self, from: reply.body)
                // Kept under the digest /state gave: if the entry changed in between, the next poll sees
                // another digest and reads it again.
                content = StoredContents.Content(
                    digest: entry.contentDigest, body: fetched.body, modelCard: fetched.modelCard)
            }
            guard let content else { continue }
            contents[entry.key] = content
            store.entries[entry.key] = entry.storageBody(body: content.body, modelCard: content.modelCard)
        }
        complete = true
        return store
    }

    /// storage-rest's `GET /state`; a storage-rest without it (404) is of an older release, and says so.
    func storageState(_ service: any SidecarChannel) async throws -> StorageStateDocument {
        let reply = try await service.send(.GET, "/state", query: [], body: nil)
        guard reply.status == 200 else {
            let answer = String(decoding: reply.body.prefix(200), as: UTF8.self)
            if reply.status == 404 {
                throw ConsoleEngineError(
                    "storage-rest at \(service.address) has no GET /state (404: \(answer)): a modelbridge sidecar "
                        + "older than this console; upgrade the sidecars or use a console of their release")
            }
            throw ConsoleEngineError("GET /state of \(service.address) answered \(reply.status): \(answer)")
        }
        return try StateDocumentCoding.decode(StorageStateDocument.self, from: reply.body)
    }

    /// location's snapshot from its `/state` (which leaves bodies out) and the bodies storage-rest holds
    /// under the same keys; a document storage no longer holds keeps an empty body.
    static func location(_ document: LocationStateDocument, store: [String: StorageBody]) -> LocationSnapshot {
        let entries = document.documents.compactMap { served -> LocationIndex.Entry? in
            // The key string comes from the wire: this is the HTTP edge where it becomes segments.
            guard let key = ImportKey(storedKey: served.key) else { return nil }
            return LocationIndex.Entry(
                key: key, uri: served.uri, body: ByteBuffer(bytes: store[served.key]?.body ?? Data()),
                epoch: served.epoch, modelCardKey: served.modelCardKey, updatedAt: served.updatedAt)
        }
        let markdown = Dictionary(
            store.values.compactMap { entry in entry.modelCardKey.map { ($0, entry.modelCard ?? "") } },
            uniquingKeysWith: { first, _ in first })
        let cards = document.cards.map {
            LocationIndex.Card(
                key: $0.key, markdown: ByteBuffer(string: markdown[$0.key] ?? ""), etag: $0.etag,
                updatedAt: $0.updatedAt)
        }
        return LocationSnapshot(
            loaded: document.loaded, entries: entries.sorted { $0.key < $1.key },
            cards: cards.sorted { $0.key < $1.key },
            lastListFetch: document.lastListFetch, listFetchCount: document.listFetchCount,
            documentFetches: document.documentFetches, cardFetches: document.cardFetches,
            unknownFetches: document.unknownFetches)
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
    func post(_ service: any SidecarChannel, _ path: String, query: [(String, String)] = [], body: Data?)
        async throws -> String
    {
        let reply = try await service.send(.POST, path, query: query, body: body)
        let text = String(decoding: reply.body, as: UTF8.self)
        guard (200..<300).contains(reply.status) else {
            throw ConsoleEngineError("POST \(path) of \(service.address) answered \(reply.status): \(text.prefix(200))")
        }
        return text
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

/// The bodies and model cards an attached console has read from storage-rest, by key, with the content
/// digest storage-rest's `/state` gave for them, so that an unchanged entry is not fetched again.
final class StoredContents: Sendable {
    struct Content: Sendable {
        var digest: String
        var body: Data
        var modelCard: String?
    }

    private let contents = Mutex<[String: Content]>([:])

    func all() -> [String: Content] { contents.withLock { $0 } }

    /// Keeps `fresh` only: entries storage-rest no longer holds are forgotten.
    func replace(with fresh: [String: Content]) { contents.withLock { $0 = fresh } }
}
