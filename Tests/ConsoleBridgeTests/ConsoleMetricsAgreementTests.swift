import CatalogModel
import Foundation
import KubeAPI
import Logging
import ModelbridgeTesting
import RegistryAPI
import Sandbox
import Testing

@testable import Bridge
@testable import ConsoleBridge
@testable import ConsoleCore

/// The console's Cache view and header read the same figures that `/metrics` exports
/// (`modelbridge_cache_bytes`, `modelbridge_cache_budget_bytes`, `modelbridge_documents_published`),
/// so what an operator sees in the console and what Prometheus alerts on never disagree.
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
                #expect(row.cells[2].bar == percent / 100, "\(row.id): the bar is the same share")
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

    // MARK: The header's sparklines

    /// The value of the unlabelled sample of `family`.
    static func value(_ family: String, in scrape: String) -> Double? { PrometheusText.value(family, in: scrape) }

    @Test func theHeadersLatestPublishedFigureIsTheDocumentsGauge() async throws {
        let cluster = try await FakeCluster.start(.init(namespaces: ["rhdh"]), logger: Self.quiet)
        let (kube, registry) = (cluster.kube, cluster.registry)
        let client = try KubeClient(config: KubeConfig(server: kube.url, namespace: "rhdh"), logger: Self.quiet)
        let transport = try RegistryTransport(logger: Self.quiet)
        do {
            let metrics = BridgeMetrics()
            let store = MemoryCatalogStore()
            let bridge = BridgeEngine(
                store: store,
                normalizer: NormalizerSetup(
                    configuration: NormalizerConfiguration(
                        probeInterval: .milliseconds(1), pollingInterval: .seconds(3600)),
                    routes: KubeRouteLister(client: client), transport: transport, cluster: nil, metrics: metrics,
                    logger: Self.quiet),
                storageLogger: Self.quiet)
            let (index, controller) = (bridge.index, bridge.controller)
            index.markLoaded()
            let engine = BridgeConsoleEngine(
                index: index, controller: controller, store: store, location: InProcessLocationSink(index: index),
                events: EventLog(), format: .jsonArray, mode: .inProcess, context: "test", readOnly: true)

            var registered = 0
            for count in [3, 5] {
                while registered < count {
                    try Self.register("model\(registered)", in: registry)
                    registered += 1
                }
                await controller.requestResync()
                await controller.runCycle()
                let snapshot = EngineSnapshotBuilder.build(await engine.state(), now: Date())
                let gauge = try #require(Self.value("modelbridge_documents_published", in: metrics.render()))
                #expect(gauge == Double(count), "the cycle published every model")
                #expect(snapshot.header.published.latest == gauge, "header vs modelbridge_documents_published")
                #expect(snapshot.header.published.latestText == "\(count)")
                let read = try #require(snapshot.header.registryRead.latest, "the cycle read the registry")
                #expect(read > 0 && read < 15)
            }

            // Attached, the console decodes the same history from the admin port's /state.
            let local = await engine.state()
            let normalizerState = try #require(local.normalizer)
            let data = try StateDocumentCoding.encoder().encode(NormalizerStateDocument(normalizerState, events: []))
            var remote = local
            remote.normalizer = try StateDocumentCoding.decode(NormalizerStateDocument.self, from: data).state
            let now = Date()
            #expect(
                EngineSnapshotBuilder.build(remote, now: now).header
                    == EngineSnapshotBuilder.build(local, now: now).header)
        } catch {
            try? await transport.shutdown()
            try? await client.shutdown()
            await registry.stop()
            await kube.stop()
            throw error
        }
        try await transport.shutdown()
        try await client.shutdown()
        await registry.stop()
        await kube.stop()
    }

    /// Registers a model with one live version and an artifact.
    static func register(_ name: String, in registry: FakeRegistryServer) throws {
        let model = try registry.store.createRegisteredModel(
            RegistryAPI.RegisteredModel(name: name, owner: "alice", state: ModelState(rawValue: "LIVE")))
        let version = try registry.store.createModelVersion(
            RegistryAPI.ModelVersion(name: "v1", registeredModelId: model.id, state: ModelState(rawValue: "LIVE")))
        _ = try registry.store.upsertVersionArtifact(
            versionId: try #require(version.id),
            RegistryAPI.ModelArtifact(name: "\(name)-v1", uri: "s3://models/\(name)/v1"))
    }

    @Test func theFigureHistoryKeepsOneHourAMinuteAtATime() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var history = FigureHistory()
        for minute in 0..<500 {
            for second in [0.0, 20, 40] {
                let at = start.addingTimeInterval(Double(minute) * 60 + second)
                history.recordRegistryRead(.milliseconds(100 + Int(second)), at: at)
                history.recordPublished(minute * 10 + Int(second), at: at)
            }
        }
        #expect(history.minutes.count == FigureHistory.capacity)
        let newest = history.minutes.last
        #expect(newest?.start == start.addingTimeInterval(499 * 60))
        #expect(history.minutes.first?.start == start.addingTimeInterval(440 * 60))
        #expect(newest?.published == 4_990 + 40, "a minute keeps its last published count")
        #expect(newest?.registryReadSeconds == 0.14, "and its slowest registry read")

        // An hour without a cycle leaves nothing older than an hour before the newest minute.
        history.recordPublished(1, at: start.addingTimeInterval(600 * 60))
        #expect(history.minutes.map(\.start) == [start.addingTimeInterval(600 * 60)])
        // A wall clock that steps back counts into the newest minute rather than reordering the ring.
        history.recordPublished(2, at: start)
        #expect(history.minutes.count == 1 && history.minutes.last?.published == 2)
    }

    @Test func aStateFromANormalizerWithoutHistoryDecodesAndDrawsDashes() throws {
        let older = Data(
            (#"{"apiVersion":"modelbridge.rhdh.io/v1","kind":"NormalizerState","registries":[],"documents":[],"#
                + #""inferenceServices":[],"failing":{},"incompleteReasons":[],"isLeader":true,"#
                + #""publishing":"publishing","events":[]}"#).utf8)
        let state = try StateDocumentCoding.decode(NormalizerStateDocument.self, from: older).state
        #expect(state.history == nil)
        let encoded = try StateDocumentCoding.encoder().encode(NormalizerStateDocument(state, events: []))
        #expect(!String(decoding: encoded, as: UTF8.self).contains("history"), "nothing is invented")

        let engine = EngineState(
            location: LocationIndex(format: .jsonArray).snapshot(), normalizerState: state,
            store: StoreContents(shards: [], entries: [:]), events: [], format: .jsonArray, mode: .attached,
            context: "older", readOnly: true)
        let snapshot = EngineSnapshotBuilder.build(engine, now: Date())
        #expect(snapshot.header.published.values.isEmpty && snapshot.header.registryRead.values.isEmpty)
        let frame = view(ConsoleState(snapshot: snapshot), Size(width: 100, height: 30))
        #expect(frame.lines[2] == "published -   registry read -")
    }

    @Test func aMinuteWithoutASampleIsAGapInTheSeries() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var history = FigureHistory()
        history.recordPublished(4, at: start)
        history.recordRegistryRead(.milliseconds(250), at: start)
        history.recordPublished(6, at: start.addingTimeInterval(180))
        let series = EngineSnapshotBuilder.series(history)
        #expect(series.published.values == [4, nil, nil, 6])
        #expect(series.registryRead.values == [0.25, nil, nil, nil])
        #expect(series.registryRead.latestText == "250 ms")
    }
}
