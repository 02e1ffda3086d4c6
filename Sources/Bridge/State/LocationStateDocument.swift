import CatalogModel
import Foundation

/// location's `GET /state`: what it serves (keys, URIs, cards, without the bodies) and what
/// Developer Hub fetched from it, and when.
///
/// ```json
/// {"apiVersion": "modelbridge.rhdh.io/v1", "kind": "LocationState", "loaded": true,
///  "uris": ["/granite/v1.3c…/model-catalog.json"], "documents": [{"key": "granite_v1.3c…", …}],
///  "cards": [{"key": "…", "etag": "\"…\"", "bytes": 812, "updatedAt": "…"}],
///  "lastListFetch": "2026-12-07T16:14:28.123456789Z", "listFetchCount": 42,
///  "documentFetches": {"/granite/…": {"at": "…", "status": 200}}, "cardFetches": {…}, "unknownFetches": 0}
/// ```
public struct LocationStateDocument: StateDocument, Hashable {
    public static let kind = "LocationState"

    /// One served document, without its body.
    public struct Document: Codable, Sendable, Hashable {
        public var key: String
        public var uri: String
        public var epoch: String
        public var modelCardKey: String?
        public var bytes: Int
        public var updatedAt: Date

        public init(key: String, uri: String, epoch: String, modelCardKey: String?, bytes: Int, updatedAt: Date) {
            self.key = key
            self.uri = uri
            self.epoch = epoch
            self.modelCardKey = modelCardKey
            self.bytes = bytes
            self.updatedAt = updatedAt
        }
    }

    /// One served model card, without its markdown.
    public struct Card: Codable, Sendable, Hashable {
        public var key: String
        /// The quoted strong ETag location answers with.
        public var etag: String
        public var bytes: Int
        public var updatedAt: Date

        public init(key: String, etag: String, bytes: Int, updatedAt: Date) {
            self.key = key
            self.etag = etag
            self.bytes = bytes
            self.updatedAt = updatedAt
        }
    }

    public var apiVersion: String
    public var kind: String
    /// Whether location has loaded from storage (before that `/list` answers 503).
    public var loaded: Bool
    /// What `/list` answers, sorted.
    public var uris: [String]
    public var documents: [Document]
    public var cards: [Card]
    public var lastListFetch: Date?
    public var listFetchCount: Int
    /// The last fetch of each document, by URI.
    public var documentFetches: [String: LocationIndex.FetchRecord]
    /// The last fetch of each model card, by card key.
    public var cardFetches: [String: LocationIndex.FetchRecord]
    /// Fetches of paths location does not serve.
    public var unknownFetches: Int

    public init(_ snapshot: LocationSnapshot) {
        apiVersion = StateDocumentCoding.apiVersion
        kind = Self.kind
        loaded = snapshot.loaded
        uris = snapshot.entries.map(\.uri).sorted()
        documents = snapshot.entries.map {
            Document(
                key: $0.key.key, uri: $0.uri, epoch: $0.epoch, modelCardKey: $0.modelCardKey,
                bytes: $0.body.readableBytes, updatedAt: $0.updatedAt)
        }
        cards = snapshot.cards.map {
            Card(key: $0.key, etag: $0.etag, bytes: $0.markdown.readableBytes, updatedAt: $0.updatedAt)
        }
        lastListFetch = snapshot.lastListFetch
        listFetchCount = snapshot.listFetchCount
        documentFetches = snapshot.documentFetches
        cardFetches = snapshot.cardFetches
        unknownFetches = snapshot.unknownFetches
    }
}
