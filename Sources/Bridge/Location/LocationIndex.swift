import CatalogModel
import Foundation
import NIOCore
import Synchronization

/// Everything `location` serves, in memory: documents by key, model cards by card key, the
/// `/list` body serialised once per change, and what Backstage fetched (for the console).
///
/// ```swift
/// let index = LocationIndex(format: .jsonArray)
/// index.upsert(try CatalogUpsert.checked(key: "mnist_v1.3c…", type: nil, body: upsertBody, format: .jsonArray))
/// index.markLoaded()
/// let list = index.listBody()   // {"uris":["/mnist/v1.3c…/model-catalog.json"]}
/// ```
public final class LocationIndex: Sendable {
    /// One served document.
    public struct Entry: Sendable {
        public var key: ImportKey
        public var uri: String
        public var body: ByteBuffer
        public var epoch: String
        public var modelCardKey: String?
        public var updatedAt: Date

        public init(
            key: ImportKey, uri: String, body: ByteBuffer, epoch: String, modelCardKey: String?, updatedAt: Date
        ) {
            self.key = key
            self.uri = uri
            self.body = body
            self.epoch = epoch
            self.modelCardKey = modelCardKey
            self.updatedAt = updatedAt
        }
    }

    /// One served model card.
    public struct Card: Sendable {
        public var key: String
        public var markdown: ByteBuffer
        /// Quoted strong ETag of the markdown.
        public var etag: String
        public var updatedAt: Date
        /// Reads since the last change (only for the upstream 304 heuristic).
        var readsSinceChange: Int

        public init(key: String, markdown: ByteBuffer, etag: String, updatedAt: Date) {
            self.key = key
            self.markdown = markdown
            self.etag = etag
            self.updatedAt = updatedAt
            self.readsSinceChange = 0
        }
    }

    /// When Backstage (or anyone) last fetched something, and what it got.
    public struct FetchRecord: Sendable, Hashable, Codable {
        public var at: Date
        public var status: Int

        public init(at: Date, status: Int) {
            self.at = at
            self.status = status
        }
    }

    /// What changed on an upsert.
    public enum UpsertOutcome: Sendable, Equatable {
        case created
        case updated
        case unchanged
    }

    struct State {
        var loaded = false
        var entries: [String: Entry] = [:]
        var cards: [String: Card] = [:]
        /// The serialised `/list`; `nil` after a key was added or removed, until the next read.
        var listBody: ByteBuffer?
        var lastListFetch: Date?
        var listFetchCount = 0
        var documentFetches: [String: FetchRecord] = [:]
        var cardFetches: [String: FetchRecord] = [:]
        var unknownFetches = 0
        var keysTouchedDuringLoad: Set<String> = []
    }

    /// The format whose file name the URIs use.
    public let format: NormalizerFormat
    private let state = Mutex(State())

    public init(format: NormalizerFormat) {
        self.format = format
    }

    // MARK: Changes

    /// Stores a document (and its model card). The upsert is already checked (``CatalogUpsert``):
    /// at the HTTP edge, or rendered in this process, so nothing is parsed or decoded here.
    @discardableResult
    public func upsert(_ upsert: CatalogUpsert, now: Date = Date()) -> UpsertOutcome {
        let checked = Checked(upsert)
        let body = upsert.body
        return state.withLock { state in
            if !state.loaded { state.keysTouchedDuringLoad.insert(checked.key.key) }
            return Self.apply(checked, body: body, now: now, format: format, to: &state)
        }
    }

    /// What an entry keeps of a checked upsert (copied outside the lock).
    struct Checked {
        var key: ImportKey
        var bytes: ByteBuffer
        var cardKey: String?

        init(_ upsert: CatalogUpsert) {
            let body = upsert.body
            key = upsert.key
            bytes = ByteBuffer(bytes: body.body)
            cardKey = body.modelCardKey.isEmpty || body.modelCard.isEmpty ? nil : body.modelCardKey
        }
    }

    static func apply(
        _ checked: Checked, body: UpsertBody, now: Date, format: NormalizerFormat, to state: inout State
    ) -> UpsertOutcome {
        let key = checked.key
        let previous = state.entries[key.key]
        if let cardKey = checked.cardKey {
            let markdown = ByteBuffer(string: body.modelCard)
            if state.cards[cardKey]?.markdown != markdown {
                state.cards[cardKey] = Card(
                    key: cardKey, markdown: markdown,
                    etag: "\"" + ContentDigest.hex(body.modelCard.utf8, length: 24) + "\"", updatedAt: now)
            }
        }
        if let previous, previous.body == checked.bytes, previous.modelCardKey == checked.cardKey,
            previous.epoch == body.lastUpdateTimeSinceEpoch
        {
            return .unchanged
        }
        state.entries[key.key] = Entry(
            key: key, uri: key.uri(format: format), body: checked.bytes, epoch: body.lastUpdateTimeSinceEpoch,
            modelCardKey: checked.cardKey, updatedAt: now)
        if let oldCard = previous?.modelCardKey, oldCard != checked.cardKey { dropCardIfUnused(oldCard, &state) }
        // Serialising the list on every new key made a resync quadratic; the next read does it.
        if previous == nil { state.listBody = nil }
        return previous == nil ? .created : .updated
    }

    /// Forgets a document (B36); returns whether it existed.
    @discardableResult
    public func remove(key: ImportKey) -> Bool {
        state.withLock { state in
            if !state.loaded { state.keysTouchedDuringLoad.insert(key.key) }
            guard let removed = state.entries.removeValue(forKey: key.key) else { return false }
            state.documentFetches[removed.uri] = nil
            if let card = removed.modelCardKey { Self.dropCardIfUnused(card, &state) }
            state.listBody = nil
            return true
        }
    }

    /// Adds what storage holds, without overwriting anything pushed or removed since the load
    /// began, and marks the index loaded: from now on `/list` answers 200. What storage returned
    /// is an edge like HTTP, so keys and bodies are checked first
    /// (``CatalogUpsert/checked(key:type:body:format:)``); then checking what was touched, adding
    /// the rest and marking the index loaded happen under one lock, so a push that lands while
    /// this runs is never overwritten by the older stored copy. Returns the keys of the stored
    /// entries that were refused.
    public func completeLoad(_ stored: [(key: String, body: UpsertBody)], now: Date = Date()) -> [String] {
        var rejected: [String] = []
        var checked: [(Checked, UpsertBody)] = []
        checked.reserveCapacity(stored.count)
        for (key, body) in stored {
            do {
                checked.append(
                    (Checked(try CatalogUpsert.checked(key: key, type: nil, body: body, format: format)), body))
            } catch {
                rejected.append(key)
            }
        }
        state.withLock { state in
            for (entry, body) in checked where !state.keysTouchedDuringLoad.contains(entry.key.key) {
                _ = Self.apply(entry, body: body, now: now, format: format, to: &state)
            }
            state.loaded = true
            state.keysTouchedDuringLoad = []
        }
        return rejected
    }

    /// Marks the index loaded with what it holds (in-process mode, where the store is local).
    public func markLoaded() {
        state.withLock { state in
            state.loaded = true
            state.keysTouchedDuringLoad = []
        }
    }

    // MARK: Reads

    /// Whether the first complete load from storage has happened.
    public var isLoaded: Bool { state.withLock { $0.loaded } }

    /// The `/list` body, or `nil` while not loaded (the caller answers 503, C5). Records the poll.
    /// The body is serialised on the first read after the key set changed and reused until the
    /// next change.
    public func listBody(now: Date = Date()) -> ByteBuffer? {
        state.withLock { state in
            state.lastListFetch = now
            state.listFetchCount += 1
            guard state.loaded else { return nil }
            if let body = state.listBody { return body }
            let body = Self.serialiseList(state.entries)
            state.listBody = body
            return body
        }
    }

    /// The document at `/<segment1>/<segment2>/…`, recording the fetch.
    public func document(segment1: String, segment2: String, now: Date = Date()) -> Entry? {
        state.withLock { state in
            guard let entry = state.entries[segment1 + "_" + segment2] else {
                state.unknownFetches += 1
                return nil
            }
            state.documentFetches[entry.uri] = FetchRecord(at: now, status: 200)
            return entry
        }
    }

    /// How a model-card GET is answered.
    public enum CardAnswer: Sendable {
        case notFound
        case notModified(etag: String)
        case content(ByteBuffer, etag: String)
    }

    /// Answers a model-card GET: 304 only for a matching `If-None-Match` (B8), or, with the
    /// upstream heuristic switched on, after more than ten reads since the last change.
    public func modelCard(key: String, ifNoneMatch: String?, upstreamCounter: Bool, now: Date = Date()) -> CardAnswer {
        state.withLock { state in
            guard var card = state.cards[key] else {
                state.unknownFetches += 1
                return .notFound
            }
            let matches =
                ifNoneMatch?.split(separator: ",").contains {
                    let tag = $0.trimmingCharacters(in: .whitespaces)
                    return tag == card.etag || tag == "W/" + card.etag || tag == "*"
                } ?? false
            card.readsSinceChange += 1
            state.cards[key] = card
            let answer: CardAnswer
            if matches || (upstreamCounter && card.readsSinceChange > 11) {
                answer = .notModified(etag: card.etag)
            } else {
                answer = .content(card.markdown, etag: card.etag)
            }
            if case .notModified = answer {
                state.cardFetches[key] = FetchRecord(at: now, status: 304)
            } else {
                state.cardFetches[key] = FetchRecord(at: now, status: 200)
            }
            return answer
        }
    }

    /// The figures location's `/metrics` exports, read under one lock.
    public struct Figures: Sendable, Equatable {
        public var loaded: Bool
        public var documents: Int
        public var cards: Int
        public var lastListFetch: Date?
    }

    public func figures() -> Figures {
        state.withLock {
            Figures(
                loaded: $0.loaded, documents: $0.entries.count, cards: $0.cards.count, lastListFetch: $0.lastListFetch)
        }
    }

    /// A copy of the whole state, for the console and tests.
    public func snapshot() -> LocationSnapshot {
        state.withLock { state in
            LocationSnapshot(
                loaded: state.loaded, entries: state.entries.values.sorted { $0.key < $1.key },
                cards: state.cards.values.sorted { $0.key < $1.key }, lastListFetch: state.lastListFetch,
                listFetchCount: state.listFetchCount, documentFetches: state.documentFetches,
                cardFetches: state.cardFetches, unknownFetches: state.unknownFetches)
        }
    }

    private static func serialiseList(_ entries: [String: Entry]) -> ByteBuffer {
        struct ListBody: Encodable { var uris: [String] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let uris = entries.values.map(\.uri).sorted()
        let data = (try? encoder.encode(ListBody(uris: uris))) ?? Data(#"{"uris":[]}"#.utf8)
        return ByteBuffer(bytes: data)
    }

    private static func dropCardIfUnused(_ cardKey: String, _ state: inout State) {
        if !state.entries.values.contains(where: { $0.modelCardKey == cardKey }) {
            state.cards[cardKey] = nil
            state.cardFetches[cardKey] = nil
        }
    }
}

/// A consistent copy of what `location` holds.
public struct LocationSnapshot: Sendable {
    public var loaded: Bool
    public var entries: [LocationIndex.Entry]
    public var cards: [LocationIndex.Card]
    public var lastListFetch: Date?
    public var listFetchCount: Int
    public var documentFetches: [String: LocationIndex.FetchRecord]
    public var cardFetches: [String: LocationIndex.FetchRecord]
    public var unknownFetches: Int

    public init(
        loaded: Bool, entries: [LocationIndex.Entry], cards: [LocationIndex.Card], lastListFetch: Date?,
        listFetchCount: Int, documentFetches: [String: LocationIndex.FetchRecord],
        cardFetches: [String: LocationIndex.FetchRecord], unknownFetches: Int
    ) {
        self.loaded = loaded
        self.entries = entries
        self.cards = cards
        self.lastListFetch = lastListFetch
        self.listFetchCount = listFetchCount
        self.documentFetches = documentFetches
        self.cardFetches = cardFetches
        self.unknownFetches = unknownFetches
    }
}

/// Why `location` refused a change.
public enum LocationError: Error, Equatable, CustomStringConvertible {
    case badKey(String)
    case badBody(String)
    /// A query parameter other than the key is wrong.
    case badQuery(String)

    public var description: String {
        switch self {
        case .badKey(let key):
            let shown = key.count > 80 ? String(key.prefix(80)) + "…" : key
            return
                "key '\(shown)' is not a valid import key (expected <segment1>_<segment2>, characters [-._a-zA-Z0-9])"
        case .badBody(let reason), .badQuery(let reason): return reason
        }
    }
}
