import Bridge
import CatalogModel
import Foundation
import KubeAPI
import Logging
import ModelbridgeTesting
import Sandbox
import Testing

@Suite struct ConfigMapStoreTests {
    func entry(_ index: Int, size: Int = 1200) -> StorageBody {
        // Incompressible-ish content so sharding is exercised at a realistic density.
        var generator = SystemRandomNumberGenerator()
        let noise = (0..<size).map { _ in UInt8.random(in: 97...122, using: &generator) }
        return StorageBody(
            body: Data(
                #"{"models":[{"name":"m\#(index)","description":"\#(String(decoding: noise, as: UTF8.self))"}]}"#.utf8),
            reconcilerType: "kubeflow", lastUpdateTimeSinceEpoch: "\(1_700_000_000_000 + index)")
    }

    @Test func fiveThousandModelsAreStoredWithNoObjectOverOneMebibyte() async throws {
        try await withFakeKube(.init(namespaces: ["default", "rhdh"]), namespace: "rhdh") { _, client in
            let store = ConfigMapCatalogStore(client: client, namespace: "rhdh", logger: Logger(label: "t"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        for index in stride(from: worker, to: 5000, by: 8) {
                            try await store.upsert(key: "model\(index)_v1", body: entry(index))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let maps = try await client.listAll(ConfigMap.self, namespace: "rhdh").items
            #expect(maps.count > 1)
            for map in maps { #expect(map.payloadBytes < ConfigMap.maximumPayloadBytes, "\(map.metadata.name)") }
            let fresh = ConfigMapCatalogStore(client: client, namespace: "rhdh", logger: Logger(label: "t"))
            #expect(try await fresh.keys().count == 5000)
            let written = try await store.fetch(key: "model4321_v1")
            #expect(written != nil)
            #expect(try await fresh.fetch(key: "model4321_v1") == written)
            let stats = await store.stats()
            #expect(stats.patches < 5000, "bursts must coalesce into fewer patches than writes")
        }
    }

    @Test func hundredsOfConcurrentWritersNeverOverfillAShard() async throws {
        try await withFakeKube(.init(namespaces: ["default", "rhdh"]), namespace: "rhdh") { _, client in
            let store = ConfigMapCatalogStore(client: client, namespace: "rhdh", logger: Logger(label: "t"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<300 {
                    group.addTask {
                        for index in stride(from: worker, to: 2400, by: 300) {
                            try await store.upsert(key: "burst\(index)_v1", body: entry(index, size: 2000))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let maps = try await client.listAll(ConfigMap.self, namespace: "rhdh").items
            for map in maps { #expect(map.payloadBytes < ConfigMap.maximumPayloadBytes, "\(map.metadata.name)") }
            #expect(Set(maps.map(\.metadata.name)).count == maps.count)
            let fresh = ConfigMapCatalogStore(client: client, namespace: "rhdh", logger: Logger(label: "t"))
            #expect(try await fresh.keys().count == 2400)
        }
    }

    @Test func twoConcurrentWritersLoseNothing() async throws {
        try await withFakeKube(.init(namespaces: ["default", "rhdh"]), namespace: "rhdh") { _, client in
            let first = ConfigMapCatalogStore(client: client, namespace: "rhdh", logger: Logger(label: "a"))
            let second = ConfigMapCatalogStore(client: client, namespace: "rhdh", logger: Logger(label: "b"))
            _ = try await first.keys()
            _ = try await second.keys()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for index in 0..<200 { try await first.upsert(key: "a\(index)_v", body: entry(index, size: 50)) }
                }
                group.addTask {
                    for index in 0..<200 { try await second.upsert(key: "b\(index)_v", body: entry(index, size: 50)) }
                }
                try await group.waitForAll()
            }
            let keys = try await ConfigMapCatalogStore(client: client, namespace: "rhdh", logger: Logger(label: "c"))
                .keys()
            #expect(keys.count == 400)
        }
    }

    @Test func anUpstreamUnshardedMapIsReadAsItIs() async throws {
        try await withFakeKube(.init(namespaces: ["default", "rhdh"]), namespace: "rhdh") { server, client in
            let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Fixtures")
            let value = try Data(
                contentsOf: fixtures.appendingPathComponent(
                    "upstream/expected-output/derived/D6.kserve-only-reconcile.foo_bar.configmap-binarydata-value.json"
                ))
            _ = try await client.create(
                ConfigMap(
                    metadata: ObjectMeta(name: "bac-import-model", namespace: "rhdh"), binaryData: ["foo_bar": value]),
                namespace: "rhdh")
            let store = ConfigMapCatalogStore(client: client, namespace: "rhdh", logger: Logger(label: "t"))
            #expect(try await store.keys() == ["foo_bar"])
            let stored = try #require(try await store.fetch(key: "foo_bar"))
            #expect(stored.reconcilerType == "kserve")
            #expect(try ModelCatalog.decode(stored.body).models.first?.name == "foo-bar")
            try await store.remove(key: "foo_bar")
            #expect(try await store.keys().isEmpty)
        }
    }

    @Test func onlyTheChangedKeyIsWritten() async throws {
        try await withFakeKube(.init(namespaces: ["default", "rhdh"]), namespace: "rhdh") { _, client in
            let store = ConfigMapCatalogStore(client: client, namespace: "rhdh", logger: Logger(label: "t"))
            for index in 0..<50 { try await store.upsert(key: "k\(index)_v", body: entry(index, size: 100)) }
            let before = await store.stats()
            let same = try #require(try await store.fetch(key: "k7_v"))
            #expect(try await store.upsert(key: "k7_v", body: same) == false)
            let unchanged = await store.stats()
            #expect(unchanged.patches == before.patches, "an unchanged value is not written")
            let changed = entry(7, size: 100)
            try await store.upsert(key: "k7_v", body: changed)
            let after = await store.stats()
            #expect(after.patches == unchanged.patches + 1)
            #expect(after.bytesWritten - unchanged.bytesWritten < 2_000, "one key, not the whole map")
        }
    }
}
