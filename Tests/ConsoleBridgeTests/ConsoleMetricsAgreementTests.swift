import CatalogModel
import ConsoleBridge
import Foundation
import KubeAPI
import Logging
import Sandbox
import Testing

@testable import Bridge
@testable import ConsoleCore

/// The console's Cache view and header read the same figures that `/metrics` exports
/// (`modelbridge_cache_bytes`, `modelbridge_cache_budget_bytes`), so what an operator sees in the
/// console and what Prometheus alerts on never disagree.
@Suite struct ConsoleMetricsAgreementTests {
    static let quiet: Logger = {
        var logger = Logger(label: "test.console.metrics")
        logger.logLevel = .critical
        return logger
    }()

    /// `value` of every sample of `family`, by its `configmap` label.
    static func byConfigMap(_ family: String, in scrape: String) -> [String: Double] {
        var values: [String: Double] = [:]
        for line in scrape.split(separator: "\n") where line.hasPrefix(family + "{") {
            guard let open = line.range(of: "configmap=\""), let close = line[open.upperBound...].firstIndex(of: "\""),
                let value = line.split(separator: " ").last.flatMap({ Double($0) })
            else { continue }
            values[String(line[open.upperBound..<close])] = value
        }
        return values
    }

    @Test func theCacheViewShowsTheBytesAndBudgetThatMetricsExport() async throws {
        let server = FakeKubeServer(configuration: .init(namespaces: ["rhdh"]), logger: Self.quiet)
        try await server.start()
        let client = try KubeClient(config: KubeConfig(server: server.url, namespace: "rhdh"), logger: Self.quiet)
        do {
            // A small budget, so that twelve incompressible documents spread over several ConfigMaps.
            let store = ConfigMapCatalogStore(
                client: client, namespace: "rhdh", shardBudget: 8 * 1024, logger: Self.quiet)
            var generator = SystemRandomNumberGenerator()
            for index in 0..<12 {
                let noise = String(
                    (0..<1_500).map { _ in Character(UnicodeScalar(UInt8.random(in: 97...122, using: &generator))) })
                try await store.upsert(
                    key: "model\(index)_v1",
                    body: StorageBody(
                        body: Data(#"{"models":[{"name":"m\#(index)","description":"\#(noise)"}]}"#.utf8),
                        reconcilerType: "kubeflow", lastUpdateTimeSinceEpoch: "1700000000000"))
            }
            let metrics = HTTPServerMetrics(role: "storage-rest")
            store.exportFigures(to: metrics)
            let index = LocationIndex(format: .jsonArray)
            let engine = BridgeConsoleEngine(
                index: index, controller: nil, store: store, location: InProcessLocationSink(index: index),
                events: EventLog(), format: .jsonArray, mode: .inProcess, context: "test", readOnly: true)
            let snapshot = EngineSnapshotBuilder.build(await engine.state(), now: Date())
            let scrape = String(decoding: metrics.render(), as: UTF8.self)

            let bytes = Self.byConfigMap("modelbridge_cache_bytes", in: scrape)
            let budgets = Self.byConfigMap("modelbridge_cache_budget_bytes", in: scrape)
            #expect(snapshot.cache.shards.count >= 2, "the small budget should need several ConfigMaps")
            #expect(Set(snapshot.cache.shards.map(\.name)) == Set(bytes.keys))
            for shard in snapshot.cache.shards {
                #expect(Double(shard.bytes) == bytes[shard.name], "\(shard.name): console vs modelbridge_cache_bytes")
                #expect(
                    shard.budgetBytes.map(Double.init) == budgets[shard.name],
                    "\(shard.name): console vs modelbridge_cache_budget_bytes")
                #expect(shard.headroomBytes == max(8 * 1024 - shard.bytes, 0))
            }
            // The Cache view's USED column and the header's fullest share come from the same numbers.
            let table = TableCatalog.cacheShards(snapshot)
            for row in table.rows {
                let percent = try #require(bytes[row.id]) * 100 / (8 * 1024)
                #expect(row.cells[2].text == TableCatalog.oneDecimal(percent) + "%", "\(row.id)")
            }
            let fullest = bytes.values.max().map { $0 * 100 / (8 * 1024) } ?? 0
            let storage = try #require(snapshot.header.components.first { $0.name == "storage" })
            #expect(
                storage.detail.contains("fullest ConfigMap " + String(format: "%.0f", fullest) + "% of its budget"),
                "\(storage.detail)")
        } catch {
            try? await client.shutdown()
            await server.stop()
            throw error
        }
        try await client.shutdown()
        await server.stop()
    }
}
