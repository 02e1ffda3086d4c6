import CatalogModel
import Foundation

/// storage-rest's `GET /state`: the cache as the console's Cache view shows it. Every shard (a ConfigMap)
/// with its payload bytes, its budget and its keys, and every entry's metadata, without the bodies.
///
/// The shard bytes and budgets come from the same store functions that `/metrics` exports as
/// `modelbridge_cache_bytes` and `modelbridge_cache_budget_bytes`
/// (``ConfigMapCatalogStore/payloadBytesByConfigMap()`` and ``ConfigMapCatalogStore/shardBudget``), so
/// the console and Prometheus show the same numbers.
///
/// **Bodies are left out.** A document with every body would move the whole cache (megabytes) every
/// poll. Each entry carries a ``Entry/contentDigest`` of its `body` and `modelCard` instead. An
/// attached console keeps the bodies it has read and calls `GET /fetch?key=` only for an entry whose
/// digest changed since its last poll. The digest, not `lastUpdateTimeSinceEpoch`, decides, because a
/// model card or a KServe document can change while the registry's update time stays the same.
///
/// A memory store has no ConfigMaps: it is one shard named `memory`, without a budget, whose bytes are
/// the bodies' (what the in-process console shows for it).
///
/// ```json
/// {"apiVersion": "modelbridge.rhdh.io/v1", "kind": "StorageState", "store": "configMap", "namespace": "rhdh",
///  "shards": [{"name": "bac-import-model", "bytes": 803000, "budgetBytes": 921600, "keys": ["granite_v1.3c…"]}],
///  "entries": [{"key": "granite_v1.3c…", "reconcilerType": "kubeflow",
///               "lastUpdateTimeSinceEpoch": "1765123456789", "modelCardKey": "…", "locationId": "",
///               "locationTarget": "", "locationIDValid": false, "bodyBytes": 2210, "modelCardBytes": 812,
///               "contentDigest": "9f0c2d4e81a3b7c5"}]}
/// ```
public struct StorageStateDocument: StateDocument, Hashable {
    public static let kind = "StorageState"

    /// Which store storage-rest writes to.
    public enum StoreKind: String, Codable, Sendable, Hashable {
        /// The `bac-import-model` ConfigMaps (production).
        case configMap
        /// Memory (tests, the sandbox, `modelbridge all --store memory`), or any other store without ConfigMaps.
        case memory
    }

    /// One ConfigMap of the cache (or the memory store's one pseudo-shard).
    public struct Shard: Codable, Sendable, Hashable {
        /// The ConfigMap name; `memory` for the memory store.
        public var name: String
        /// Payload bytes (data and decoded binaryData), as `modelbridge_cache_bytes` exports them.
        public var bytes: Int
        /// What the store fills a ConfigMap to before it starts another, as `modelbridge_cache_budget_bytes`
        /// exports it; absent for the memory store.
        public var budgetBytes: Int?
        /// The keys stored in this shard, sorted.
        public var keys: [String]

        public init(name: String, bytes: Int, budgetBytes: Int? = nil, keys: [String]) {
            self.name = name
            self.bytes = bytes
            self.budgetBytes = budgetBytes
            self.keys = keys
        }
    }

    /// One stored entry: the fields `GET /fetch?key=` answers, except `body` and `modelCard`, which it
    /// measures and digests.
    public struct Entry: Codable, Sendable, Hashable {
        public var key: String
        /// `kubeflow`, `kserve`, or empty (entries the Go bridge wrote).
        public var reconcilerType: String
        /// The newest update time of the document's inputs, in milliseconds; empty when unknown.
        public var lastUpdateTimeSinceEpoch: String
        public var modelCardKey: String?
        /// The Backstage location that imports the document (push mode); empty when none.
        public var locationId: String
        public var locationTarget: String
        public var locationIDValid: Bool
        /// Bytes of the stored document.
        public var bodyBytes: Int
        /// Bytes of the stored model card's markdown; absent when the entry has no card.
        public var modelCardBytes: Int?
        /// 16 hex digits that change whenever `body` or `modelCard` changes (FNV-1a, 64 bits): a change
        /// detector for the console's cache of bodies, not a checksum to trust.
        public var contentDigest: String

        public init(
            key: String, reconcilerType: String, lastUpdateTimeSinceEpoch: String, modelCardKey: String?,
            locationId: String, locationTarget: String, locationIDValid: Bool, bodyBytes: Int, modelCardBytes: Int?,
            contentDigest: String
        ) {
            self.key = key
            self.reconcilerType = reconcilerType
            self.lastUpdateTimeSinceEpoch = lastUpdateTimeSinceEpoch
            self.modelCardKey = modelCardKey
            self.locationId = locationId
            self.locationTarget = locationTarget
            self.locationIDValid = locationIDValid
            self.bodyBytes = bodyBytes
            self.modelCardBytes = modelCardBytes
            self.contentDigest = contentDigest
        }

        /// The metadata of the entry stored under `key`.
        public init(key: String, stored: StorageBody) {
            self.init(
                key: key, reconcilerType: stored.reconcilerType,
                lastUpdateTimeSinceEpoch: stored.lastUpdateTimeSinceEpoch, modelCardKey: stored.modelCardKey,
                locationId: stored.locationId, locationTarget: stored.locationTarget,
                locationIDValid: stored.locationIDValid, bodyBytes: stored.body.count,
                modelCardBytes: stored.modelCard?.utf8.count, contentDigest: Self.contentDigest(of: stored))
        }

        /// The entry with `body` and `modelCard` (read from `GET /fetch`) put back.
        public func storageBody(body: Data, modelCard: String?) -> StorageBody {
            StorageBody(
                body: body, locationId: locationId, locationTarget: locationTarget, locationIDValid: locationIDValid,
                reconcilerType: reconcilerType, lastUpdateTimeSinceEpoch: lastUpdateTimeSinceEpoch,
                modelCardKey: modelCardKey, modelCard: modelCard)
        }

        /// FNV-1a (64 bits) of the body, a separator, and the card (a different separator when there is none),
        /// so an empty card and no card differ. Cheap enough to run over the whole cache at every request.
        public static func contentDigest(of stored: StorageBody) -> String {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            func mix<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
                for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            }
            stored.body.withUnsafeBytes { mix($0) }
            if let card = stored.modelCard {
                mix([0xff])
                mix(card.utf8)
            } else {
                mix([0xfe])
            }
            let hex = String(hash, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }
    }

    public var apiVersion: String
    public var kind: String
    public var store: StoreKind
    /// The ConfigMaps' namespace; absent for the memory store.
    public var namespace: String?
    /// ConfigMaps in the store's order: `bac-import-model`, then `bac-import-model-1`, `-2`, … numerically.
    public var shards: [Shard]
    /// Every stored entry, sorted by key.
    public var entries: [Entry]

    public init(store: StoreKind, namespace: String? = nil, shards: [Shard], entries: [Entry]) {
        self.apiVersion = StateDocumentCoding.apiVersion
        self.kind = Self.kind
        self.store = store
        self.namespace = namespace
        self.shards = shards
        self.entries = entries.sorted { $0.key < $1.key }
    }

    /// Reads `store` now. A ConfigMap store answers from what it has loaded and kept up to date (no request
    /// to the API server once loaded); any other store is listed and read key by key.
    public init(reading store: any CatalogStore) async throws {
        var shards: [Shard]
        var storeKind = StoreKind.memory
        var namespace: String?
        if let sharded = store as? ConfigMapCatalogStore {
            storeKind = .configMap
            namespace = sharded.namespace
            let loaded = try await sharded.shards()
            // Bytes and budget are what the store's /metrics figures read, so the two never disagree.
            let bytes = sharded.payloadBytesByConfigMap()
            shards = loaded.map {
                Shard(
                    name: $0.name, bytes: bytes[$0.name] ?? $0.payloadBytes, budgetBytes: sharded.shardBudget,
                    keys: $0.keys)
            }
        } else {
            shards = [Shard(name: "memory", bytes: 0, keys: try await store.keys())]
        }
        var entries: [Entry] = []
        var bodyBytes = 0
        for key in shards.flatMap(\.keys) {
            // A key removed since the listing is left out; the next request lists it no more.
            guard let stored = try await store.fetch(key: key) else { continue }
            entries.append(Entry(key: key, stored: stored))
            bodyBytes += stored.body.count
        }
        if storeKind == .memory { shards[0].bytes = bodyBytes }
        self.init(store: storeKind, namespace: namespace, shards: shards, entries: entries)
    }
}
