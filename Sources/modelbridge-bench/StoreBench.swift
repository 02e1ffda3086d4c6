import Bridge
import CatalogModel
import Foundation
import KubeAPI
import Logging
import Sandbox

/// The ConfigMap store's figures: `ConfigMapCatalogStore` against a ``FakeKubeServer``.
///
/// - capacity: documents are stored in bursts until some ConfigMap's payload (`data` plus decoded
///   `binaryData`, what the API server limits) exceeds 1 MiB, or the cap is reached;
/// - write amplification: patch bytes sent to the API (the store's own counter) over the bytes of
///   the documents that changed, for an initial load and for single-document changes.
struct StoreBench {
    let logger: Logger

    /// What the capacity run found.
    struct Capacity {
        /// Documents stored before a ConfigMap exceeded 1 MiB, or the cap when none did.
        var documents: Int
        var exceeded: Bool
        var largestPayload: Int
        var shards: Int
        /// Why storing stopped early, when a write failed.
        var failure: String? = nil
    }

    /// What the amplification run found.
    struct Amplification {
        var initialRatio: Double
        var initialDocuments: Int
        var changeRatio: Double
        var changes: Int
        var patchesPerChange: Double
    }

    func capacity(cap: Int, writers: Int, burst: Int = 250, progress: (String) -> Void) async throws -> Capacity {
        try await withStore(namespace: "bench-capacity-\(writers)") { store, client in
            var stored = 0
            var largest = 0
            var shards = 0
            while stored < cap {
                let batch = (stored..<min(cap, stored + burst)).map { SampleCatalog.document(index: $0) }
                do {
                    try await upsertAll(batch, into: store, writers: writers)
                } catch {
                    return Capacity(
                        documents: stored, exceeded: true, largestPayload: largest, shards: shards,
                        failure: "after \(stored) documents a write failed: \(String(describing: error).prefix(160))")
                }
                let maps = try await client.listAll(ConfigMap.self, namespace: "bench-capacity-\(writers)").items
                shards = maps.count
                let payloads = maps.map(Self.payloadBytes)
                largest = payloads.max() ?? 0
                if largest > ConfigMap.maximumPayloadBytes {
                    return Capacity(documents: stored, exceeded: true, largestPayload: largest, shards: shards)
                }
                stored += batch.count
                if stored % 4_000 == 0 {
                    progress("ConfigMap capacity: \(BenchFigure.grouped(stored)) documents stored")
                }
            }
            return Capacity(documents: stored, exceeded: false, largestPayload: largest, shards: shards)
        }
    }

    func amplification(documents count: Int, changes: Int) async throws -> Amplification {
        try await withStore(namespace: "bench-amplification") { store, _ in
            let initial = (0..<count).map { SampleCatalog.document(index: $0) }
            try await upsertAll(initial, into: store, writers: 8)
            let afterLoad = await store.stats()
            let loadedBytes = initial.map(\.body.body.count).reduce(0, +)
            var changedBytes = 0
            for change in 0..<changes {
                let document = SampleCatalog.document(index: (change * 7) % count, revision: change + 1)
                changedBytes += document.body.body.count
                try await store.upsert(key: document.key, body: SampleCatalog.stored(document.body))
            }
            let afterChanges = await store.stats()
            return Amplification(
                initialRatio: Double(afterLoad.bytesWritten) / Double(max(loadedBytes, 1)), initialDocuments: count,
                changeRatio: Double(afterChanges.bytesWritten - afterLoad.bytesWritten) / Double(max(changedBytes, 1)),
                changes: changes,
                patchesPerChange: Double(afterChanges.patches - afterLoad.patches) / Double(max(changes, 1)))
        }
    }

    /// Upserts concurrently, as storage-rest does under a normalizer burst (writes coalesce per shard).
    /// `writers` upserts in flight at once, as storage-rest sees them from the normalizer's
    /// parallel pushes (its default `upsertParallelism` is 8); writes to one shard coalesce.
    private func upsertAll(
        _ documents: [(key: String, body: UpsertBody)], into store: ConfigMapCatalogStore, writers: Int
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func addNext() {
                guard next < documents.count else { return }
                let document = documents[next]
                next += 1
                let entry = SampleCatalog.stored(document.body)
                group.addTask { try await store.upsert(key: document.key, body: entry) }
            }
            for _ in 0..<writers { addNext() }
            while try await group.next() != nil { addNext() }
        }
    }

    /// What the API server counts against 1 MiB: `data` values plus decoded `binaryData` values.
    static func payloadBytes(_ map: ConfigMap) -> Int {
        (map.data ?? [:]).values.map(\.utf8.count).reduce(0, +)
            + (map.binaryData ?? [:]).values.map(\.count).reduce(0, +)
    }

    private func withStore<T>(
        namespace: String, _ body: (ConfigMapCatalogStore, KubeClient) async throws -> T
    ) async throws -> T {
        let kube = FakeKubeServer(configuration: .init(namespaces: ["default", namespace]), logger: logger)
        try await kube.start()
        let client: KubeClient
        do {
            client = try KubeClient(config: KubeConfig(server: kube.url, namespace: namespace), logger: logger)
        } catch {
            await kube.stop()
            throw error
        }
        let store = ConfigMapCatalogStore(client: client, namespace: namespace, logger: logger)
        do {
            let result = try await body(store, client)
            try await client.shutdown()
            await kube.stop()
            return result
        } catch {
            try? await client.shutdown()
            await kube.stop()
            throw error
        }
    }
}
