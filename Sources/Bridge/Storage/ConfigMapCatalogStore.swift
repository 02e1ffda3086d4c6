import CatalogModel
import CompressNIO
import Foundation
import KubeAPI
import Logging
import NIOCore
import Prometheus
import Synchronization

/// The production store: ConfigMaps `bac-import-model`, `bac-import-model-1`, … in the bridge's
/// namespace, one `binaryData` entry per key.
///
/// - **Only changed keys are written**, each as a JSON merge patch of that one key, so
///   concurrent writers of different keys never lose each other's work and no full-map PUT
///   races anything (B4, B19, B20).
/// - **Bursts coalesce**: while one patch is in flight, further writes queue and go out
///   together in the next patch of their shard.
/// - **Values are gzip-compressed** StorageBody JSON; uncompressed values (what the Go bridge
///   wrote) are read as they are, so an existing upstream map keeps its entries and location ids.
/// - **Shards** keep every object well below the API server's 1 MiB limit (B21): a value goes
///   to the shard that holds its key if it still fits, else to the first shard with room, else
///   to a new shard.
///
/// ```swift
/// let store = ConfigMapCatalogStore(client: kube, namespace: "rhdh")
/// try await store.upsert(key: "foo_bar", body: entry)
/// ```
public actor ConfigMapCatalogStore: CatalogStore {
    public let namespace: String
    public let baseName: String
    /// Largest payload (data + decoded binaryData bytes) a shard is filled to.
    public let shardBudget: Int
    let client: KubeClient
    let logger: Logger

    private var loaded = false
    private var entries: [String: StorageBody] = [:]
    private var shardOfKey: [String: String] = [:]
    private var valueSize: [String: Int] = [:]
    private var shardPayload: [String: Int] = [:] {
        didSet {
            let payload = shardPayload
            publishedPayload.withLock { $0 = payload }
        }
    }
    /// ``shardPayload`` as last set, for scrapes, which cannot wait for the actor.
    private let publishedPayload = Mutex<[String: Int]>([:])
    private var pending: [String: [String: PendingWrite]] = [:]
    private var flushing = false
    private var loading: Task<Void, any Error>?
    private var statistics = StoreStatistics()

    struct PendingWrite {
        var value: Data?
        var waiters: [CheckedContinuation<Void, any Error>]
    }

    /// Counters for the console and the benchmarks.
    public struct StoreStatistics: Sendable, Hashable {
        /// PATCH requests sent.
        public var patches = 0
        /// Bytes of patch bodies sent.
        public var bytesWritten = 0
        /// Full reads of all shards.
        public var reloads = 0
    }

    /// One shard as the console shows it.
    public struct Shard: Sendable, Hashable {
        public var name: String
        public var payloadBytes: Int
        public var keys: [String]
    }

    public init(
        client: KubeClient, namespace: String, baseName: String = "bac-import-model", shardBudget: Int = 900 * 1024,
        logger: Logger = Logger(label: "modelbridge.storage.configmap")
    ) {
        self.client = client
        self.namespace = namespace
        self.baseName = baseName
        self.shardBudget = shardBudget
        self.logger = logger
    }

    // MARK: CatalogStore

    /// Re-reads every shard, so key-set decisions always see the API server's truth.
    public func keys() async throws -> [String] {
        try await reload()
        return entries.keys.sorted()
    }

    public func fetch(key: String) async throws -> StorageBody? {
        try await ensureLoaded()
        return entries[key]
    }

    @discardableResult
    public func upsert(key: String, body: StorageBody) async throws -> Bool {
        try await ensureLoaded()
        if entries[key] == body { return false }
        let isNew = entries[key] == nil
        let value = try Self.encode(body)
        try await write(key: key, value: value)
        entries[key] = body
        return isNew
    }

    @discardableResult
    public func remove(key: String) async throws -> Bool {
        try await ensureLoaded()
        guard entries[key] != nil else { return false }
        try await write(key: key, value: nil)
        entries[key] = nil
        return true
    }

    // MARK: Introspection

    /// The shards with their sizes and keys.
    public func shards() async throws -> [Shard] {
        try await ensureLoaded()
        var keysByShard: [String: [String]] = [:]
        for (key, shard) in shardOfKey { keysByShard[shard, default: []].append(key) }
        return shardPayload.keys.sorted(by: Self.shardOrder).map {
            Shard(name: $0, payloadBytes: shardPayload[$0] ?? 0, keys: (keysByShard[$0] ?? []).sorted())
        }
    }

    /// Write and read counters.
    public func stats() -> StoreStatistics { statistics }

    /// Payload bytes per ConfigMap as the store knows them now, without asking the API server: read at the
    /// last load and kept up to date by every write (counted when placed, before its patch is sent). Empty
    /// before the first load.
    public nonisolated func payloadBytesByConfigMap() -> [String: Int] {
        publishedPayload.withLock { $0 }
    }

    /// Exports `modelbridge_cache_bytes{configmap}` (``payloadBytesByConfigMap()``) and
    /// `modelbridge_cache_budget_bytes{configmap}` (``shardBudget``, what each ConfigMap is packed to) on
    /// `metrics`' registry, refreshed at each scrape from memory; a ConfigMap the store no longer knows loses
    /// its series.
    public nonisolated func exportFigures(to metrics: HTTPServerMetrics) {
        let figures = CacheSizeFigures(registry: metrics.registry, budget: shardBudget)
        metrics.refreshOnScrape { [self] in figures.update(payloadBytesByConfigMap()) }
    }

    // MARK: Loading

    /// Loads once; concurrent callers wait for the same load instead of each re-reading (a
    /// second reload finishing late would overwrite sizes other writers have just reserved).
    func ensureLoaded() async throws {
        if loaded { return }
        if let loading {
            try await loading.value
            return
        }
        let task = Task { try await self.reload() }
        loading = task
        defer { loading = nil }
        try await task.value
    }

    func reload() async throws {
        var maps: [ConfigMap] = []
        do {
            maps.append(try await client.get(ConfigMap.self, name: baseName, namespace: namespace))
        } catch let error as KubeAPIError where error.isNotFound {
            maps.append(try await createShard(baseName))
        }
        let selector = LabelSelector().equals(Self.shardLabel, baseName)
        let others = try await client.listAll(
            ConfigMap.self, namespace: namespace, options: ListOptions(labelSelector: selector.rendered))
        maps += others.items.filter { $0.metadata.name != baseName }

        var newEntries: [String: StorageBody] = [:]
        var newShardOf: [String: String] = [:]
        var newSizes: [String: Int] = [:]
        var newPayload: [String: Int] = [:]
        for map in maps.sorted(by: { Self.shardOrder($0.metadata.name, $1.metadata.name) }) {
            let name = map.metadata.name
            newPayload[name] = map.payloadBytes
            for (key, value) in map.binaryData ?? [:] {
                guard let body = Self.decode(value) else {
                    logger.warning(
                        "skipping an unreadable stored entry; it is left in place",
                        metadata: ["configmap": "\(name)", "key": "\(key)"])
                    continue
                }
                if let existing = newEntries[key], newestEpoch(existing) > newestEpoch(body) { continue }
                newEntries[key] = body
                newShardOf[key] = name
                newSizes[key] = value.count
            }
        }
        entries = newEntries
        shardOfKey = newShardOf
        valueSize = newSizes
        shardPayload = newPayload
        loaded = true
        statistics.reloads += 1
    }

    private func newestEpoch(_ body: StorageBody) -> Int64 { Int64(body.lastUpdateTimeSinceEpoch) ?? 0 }

    // MARK: Writing

    /// Places the change and updates the size accounting *before* any suspension, so concurrent
    /// writers (the actor is re-entrant at every await) never all see the same free room or pick
    /// the same new shard name. A failed patch marks the cache stale; the next call re-reads.
    private func write(key: String, value: Data?) async throws {
        let size = value?.count ?? 0
        let current = shardOfKey[key]
        let oldSize = valueSize[key] ?? 0
        var target: String?
        var created: String?
        if value != nil {
            if let current, (shardPayload[current] ?? 0) - oldSize + size <= shardBudget {
                target = current
            } else if let roomy = shardPayload.keys.sorted(by: Self.shardOrder).first(where: {
                $0 != current && (shardPayload[$0] ?? 0) + size <= shardBudget
            }) {
                target = roomy
            } else {
                let name = nextShardName()
                shardPayload[name] = 0  // reserve the name before suspending
                created = name
                target = name
            }
        }
        if let target {
            shardPayload[target, default: 0] += size - (target == current ? oldSize : 0)
            if let current, current != target { shardPayload[current, default: 0] -= oldSize }
            shardOfKey[key] = target
            valueSize[key] = size
        } else if let current {
            shardPayload[current, default: 0] -= oldSize
            shardOfKey[key] = nil
            valueSize[key] = nil
        }
        do {
            if let created { _ = try await createShard(created) }
            if let target {
                try await enqueue(shard: target, key: key, value: value)
                if let current, current != target { try await enqueue(shard: current, key: key, value: nil) }
            } else if let current {
                try await enqueue(shard: current, key: key, value: nil)
            }
        } catch {
            loaded = false
            throw error
        }
    }

    /// Queues one key change and returns when the patch that carries it has been applied.
    private func enqueue(shard: String, key: String, value: Data?) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            var writes = pending[shard] ?? [:]
            var write = writes[key] ?? PendingWrite(value: value, waiters: [])
            write.value = value
            write.waiters.append(continuation)
            writes[key] = write
            pending[shard] = writes
            if !flushing {
                flushing = true
                Task { await self.flush() }
            }
        }
    }

    private func flush() async {
        while let shard = pending.keys.sorted(by: Self.shardOrder).first {
            let writes = pending.removeValue(forKey: shard) ?? [:]
            var members: [String: JSONValue] = [:]
            for (key, write) in writes {
                members[key] = write.value.map { .string($0.base64EncodedString()) } ?? .null
            }
            let patch: JSONValue = .object(["binaryData": .object(members)])
            do {
                try await client.mergePatch(ConfigMap.self, name: shard, namespace: namespace, patch: patch)
                statistics.patches += 1
                statistics.bytesWritten += members.values.reduce(0) { total, value in
                    if case .string(let text) = value { return total + text.utf8.count + 40 }
                    return total + 40
                }
                logger.debug("patched shard", metadata: ["configmap": "\(shard)", "keys": "\(writes.count)"])
                for write in writes.values { for waiter in write.waiters { waiter.resume() } }
            } catch {
                logger.error(
                    "ConfigMap write failed; the caller will retry",
                    metadata: ["configmap": "\(shard)", "keys": "\(writes.count)", "error": "\(error)"])
                // The cache may now disagree with the API server: read it again next time.
                loaded = false
                for write in writes.values { for waiter in write.waiters { waiter.resume(throwing: error) } }
            }
        }
        flushing = false
    }

    private func createShard(_ name: String) async throws -> ConfigMap {
        var labels = ["app.kubernetes.io/managed-by": "modelbridge"]
        if name != baseName { labels[Self.shardLabel] = baseName }
        let map = ConfigMap(metadata: ObjectMeta(name: name, namespace: namespace, labels: labels), binaryData: [:])
        do {
            let created = try await client.create(map, namespace: namespace)
            logger.info("created ConfigMap shard", metadata: ["configmap": "\(name)", "namespace": "\(namespace)"])
            return created
        } catch let error as KubeAPIError where error.isAlreadyExists {
            return try await client.get(ConfigMap.self, name: name, namespace: namespace)
        }
    }

    private func nextShardName() -> String {
        var index = 1
        while shardPayload["\(baseName)-\(index)"] != nil { index += 1 }
        return "\(baseName)-\(index)"
    }

    /// The label on every shard after the first, naming the first (`bac-import-model`); the doctor lists shards by it.
    public static let shardLabel = "modelbridge.rhdh.io/shard-of"

    /// `base` first, then `base-1`, `base-2`, … numerically.
    static func shardOrder(_ lhs: String, _ rhs: String) -> Bool {
        func number(_ name: String) -> Int {
            guard let dash = name.lastIndex(of: "-"), let value = Int(name[name.index(after: dash)...]) else {
                return 0
            }
            return value
        }
        return (number(lhs), lhs) < (number(rhs), rhs)
    }

    // MARK: Encoding

    /// Gzip of the StorageBody JSON.
    static func encode(_ body: StorageBody) throws -> Data {
        var buffer = ByteBuffer(bytes: try body.encodedJSON())
        let compressed = try buffer.compress(with: .gzip)
        return Data(buffer: compressed)
    }

    /// Reads a stored value: gzip (ours) or plain JSON (the Go bridge's).
    static func decode(_ value: Data) -> StorageBody? {
        var json = value
        if value.count >= 2, value[value.startIndex] == 0x1f, value[value.startIndex + 1] == 0x8b {
            var buffer = ByteBuffer(bytes: value)
            guard let plain = try? buffer.decompress(with: .gzip) else { return nil }
            json = Data(buffer: plain)
        }
        return try? JSONDecoder().decode(StorageBody.self, from: json)
    }
}

/// The per-ConfigMap size gauges of a ``ConfigMapCatalogStore``, one pair per ConfigMap it knows.
private final class CacheSizeFigures: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let budget: Int
    private let exported = Mutex<[String: (bytes: Gauge, budget: Gauge)]>([:])

    init(registry: PrometheusCollectorRegistry, budget: Int) {
        self.registry = registry
        self.budget = budget
    }

    func update(_ payload: [String: Int]) {
        exported.withLock { exported in
            for (configMap, gauges) in exported where payload[configMap] == nil {
                registry.unregisterGauge(gauges.bytes)
                registry.unregisterGauge(gauges.budget)
                exported[configMap] = nil
            }
            for (configMap, bytes) in payload {
                let gauges =
                    exported[configMap]
                    ?? (
                        bytes: registry.gauge(
                            "modelbridge_cache_bytes", labels: [("configmap", configMap)],
                            help: "Payload bytes of each cache ConfigMap (data and decoded binaryData), as the store "
                                + "accounts them"),
                        budget: registry.gauge(
                            "modelbridge_cache_budget_bytes", labels: [("configmap", configMap)],
                            help: "The payload bytes each cache ConfigMap is filled to before the store starts "
                                + "another (below the API server's 1 MiB object limit)")
                    )
                exported[configMap] = gauges
                gauges.bytes.set(to: Double(bytes))
                gauges.budget.set(to: Double(budget))
            }
        }
    }
}
