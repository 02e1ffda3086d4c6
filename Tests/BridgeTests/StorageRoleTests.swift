import AsyncHTTPClient
import Bridge
import CatalogModel
import Foundation
import Logging
import ModelbridgeTesting
import Testing

/// A location sink that fails on demand, to prove storage reports and survives location errors.
actor FlakyLocationSink: LocationSink {
    let inner: InProcessLocationSink
    var failuresLeft = 0

    init(index: LocationIndex) {
        inner = InProcessLocationSink(index: index)
    }

    func failNext(_ count: Int) { failuresLeft = count }

    func upsert(_ upsert: CatalogUpsert) async throws {
        if failuresLeft > 0 {
            failuresLeft -= 1
            throw LocationSinkError(operation: "upsert", key: upsert.key.key, status: 500, message: "injected")
        }
        try await inner.upsert(upsert)
    }

    func remove(key: ImportKey) async throws {
        if failuresLeft > 0 {
            failuresLeft -= 1
            throw LocationSinkError(operation: "remove", key: key.key, status: 500, message: "injected")
        }
        try await inner.remove(key: key)
    }
}

func withStorage<T>(
    store: any CatalogStore, sink: any LocationSink, _ body: (String) async throws -> T
) async throws -> T {
    var logger = Logger(label: "test.storage")
    logger.logLevel = .critical
    let server = RoleServer(
        name: "storage-rest", address: ListenAddress(host: "127.0.0.1", port: 0),
        responder: StorageResponder(store: store, location: sink, maximumBodySize: 1 << 20, logger: logger),
        logger: logger)
    try await server.start()
    do {
        let result = try await body(server.url)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

@Suite struct StorageRoleTests {
    @Test func upsertStoresThenPushesToLocationKeepingTheEpochAndCard() async throws {
        let index = LocationIndex(format: .jsonArray)
        index.markLoaded()
        let store = MemoryCatalogStore()
        try await withHTTPClient { http in
            try await withStorage(store: store, sink: InProcessLocationSink(index: index)) { url in
                let document = Sample.registryDocument()
                let first = try await http.send(
                    .POST, url + "/upsert?key=\(document.key.key)&type=kubeflow", body: try Sample.upsertJSON(document))
                #expect(first.status == 201, "\(first.text)")
                let second = try await http.send(
                    .POST, url + "/upsert?key=\(document.key.key)&type=kubeflow", body: try Sample.upsertJSON(document))
                #expect(second.status == 200)
                let stored = try #require(try await store.fetch(key: document.key.key))
                #expect(stored.lastUpdateTimeSinceEpoch == "200")
                #expect(stored.reconcilerType == "kubeflow")
                #expect(stored.modelCardKey == "RedHatrhelai1mnist" && stored.modelCard == "# Card\n")
                #expect(index.snapshot().entries.map(\.key) == [document.key])
                let fetched = try await http.send(.GET, url + "/fetch?key=" + document.key.key)
                #expect(try JSONDecoder().decode(StorageBody.self, from: fetched.body) == stored)
                #expect(try await http.send(.GET, url + "/list").json()["keys"] == .array([.string(document.key.key)]))
            }
        }
    }

    @Test func aLocationFailureIsReportedAndTheEntryStaysStored() async throws {
        let index = LocationIndex(format: .jsonArray)
        let sink = FlakyLocationSink(index: index)
        await sink.failNext(1)
        let store = MemoryCatalogStore()
        try await withHTTPClient { http in
            try await withStorage(store: store, sink: sink) { url in
                let document = Sample.registryDocument()
                let reply = try await http.send(
                    .POST, url + "/upsert?key=" + document.key.key, body: try Sample.upsertJSON(document))
                #expect(reply.status == 502)
                #expect(reply.text.contains("injected"))
                #expect(try await store.fetch(key: document.key.key) != nil)
            }
        }
    }

    @Test func keySetRemovalGoesLocationFirstAndIsSafeToRetry() async throws {
        let index = LocationIndex(format: .jsonArray)
        index.markLoaded()
        let sink = FlakyLocationSink(index: index)
        let store = MemoryCatalogStore()
        try await withHTTPClient { http in
            try await withStorage(store: store, sink: sink) { url in
                let keep = Sample.registryDocument(model: "keep")
                let drop = Sample.registryDocument(model: "drop")
                for document in [keep, drop] {
                    _ = try await http.send(
                        .POST, url + "/upsert?key=" + document.key.key, body: try Sample.upsertJSON(document))
                }
                await sink.failNext(1)
                let failed = try await http.send(.POST, url + "/currentkeyset?key=" + keep.key.key)
                #expect(failed.status == 500)
                #expect(try await store.fetch(key: drop.key.key) != nil, "a failed removal must keep the stored entry")
                let retried = try await http.send(.POST, url + "/currentkeyset?key=" + keep.key.key)
                #expect(retried.status == 200)
                #expect(try await store.keys() == [keep.key.key])
                #expect(index.snapshot().entries.map(\.key) == [keep.key])
            }
        }
    }

    @Test func badStorageRequestsAreRefusedAndChangeNothing() async throws {
        let store = MemoryCatalogStore()
        try await withHTTPClient { http in
            try await withStorage(store: store, sink: InProcessLocationSink(index: LocationIndex(format: .jsonArray))) {
                url in
                let document = try Sample.upsertJSON(Sample.registryDocument())
                for (method, path, body, status) in [
                    ("POST", "/upsert?key=bad", document, 400), ("POST", "/upsert?key=a_b&type=other", document, 400),
                    ("POST", "/upsert?key=a_b", Data("{".utf8), 400), ("POST", "/upsert?key=a_b&x=y", document, 400),
                    ("POST", "/upsert?key=a_b", Data(count: 2 << 20), 413),
                    ("POST", "/currentkeyset?key=bad!", nil, 400),
                    ("GET", "/fetch?key=missing_key", nil, 404), ("GET", "/fetch", nil, 400),
                    ("PUT", "/upsert?key=a_b", nil, 405),
                ] as [(String, String, Data?, Int)] {
                    let reply = try await http.send(.init(rawValue: method), url + path, body: body)
                    #expect(reply.status == status, "\(method) \(path) → \(reply.status) \(reply.text)")
                }
                #expect(try await store.keys().isEmpty)
            }
        }
    }

    /// `GET /state` lists the ConfigMaps with the bytes and budgets `/metrics` exports, and every entry's
    /// metadata without its body; an unknown query parameter is refused.
    @Test func stateListsTheConfigMapsWithTheFiguresMetricsExport() async throws {
        var quiet = Logger(label: "test.storage")
        quiet.logLevel = .critical
        try await withFakeKube(.init(namespaces: ["default", "rhdh"]), namespace: "rhdh") { _, kube in
            // A small budget, so that six incompressible documents spread over several ConfigMaps.
            let store = ConfigMapCatalogStore(client: kube, namespace: "rhdh", shardBudget: 4 * 1024, logger: quiet)
            var generator = SystemRandomNumberGenerator()
            for index in 0..<6 {
                let noise = String(
                    (0..<1_500).map { _ in Character(UnicodeScalar(UInt8.random(in: 97...122, using: &generator))) })
                try await store.upsert(
                    key: "model\(index)_v1",
                    body: StorageBody(
                        body: Data(#"{"models":[{"name":"m\#(index)","description":"\#(noise)"}]}"#.utf8),
                        reconcilerType: "kubeflow", lastUpdateTimeSinceEpoch: "17000000000\(index)",
                        modelCardKey: index == 0 ? "card0" : nil, modelCard: index == 0 ? "# Card" : nil))
            }
            let server = RoleServer(
                name: "storage-rest", address: ListenAddress(host: "127.0.0.1", port: 0),
                responder: StorageResponder(
                    store: store, location: InProcessLocationSink(index: LocationIndex(format: .jsonArray)),
                    metrics: HTTPServerMetrics(role: "storage-rest"), logger: quiet),
                logger: quiet)
            try await server.start()
            do {
                try await withHTTPClient { http in
                    let reply = try await http.send(.GET, server.url + "/state")
                    #expect(reply.status == 200, "\(reply.text)")
                    let document = try StateDocumentCoding.decode(StorageStateDocument.self, from: reply.body)
                    let scrape = try await http.send(.GET, server.url + "/metrics").text
                    #expect(document.store == .configMap && document.namespace == "rhdh")
                    #expect(document.shards.count >= 2, "\(document.shards.map(\.name))")
                    #expect(document.shards.first?.name == "bac-import-model")
                    #expect(
                        Self.byConfigMap("modelbridge_cache_bytes", in: scrape)
                            == Dictionary(uniqueKeysWithValues: document.shards.map { ($0.name, Double($0.bytes)) }))
                    #expect(
                        Self.byConfigMap("modelbridge_cache_budget_bytes", in: scrape)
                            == Dictionary(
                                uniqueKeysWithValues: document.shards.map { ($0.name, $0.budgetBytes.map(Double.init)) }
                            ))
                    let keys = try await store.keys()
                    #expect(document.shards.flatMap(\.keys).sorted() == keys)
                    var expected: [StorageStateDocument.Entry] = []
                    for key in keys {
                        expected.append(.init(key: key, stored: try #require(try await store.fetch(key: key))))
                    }
                    #expect(document.entries == expected)
                    #expect(!reply.text.contains("\"body\""), "bodies stay behind /fetch")
                    #expect(try await http.send(.GET, server.url + "/state?key=model0_v1").status == 400)
                }
            } catch {
                Issue.record(error)
            }
            await server.stop()
        }
    }

    /// `value` of every sample of `family`, by its `configmap` label.
    static func byConfigMap(_ family: String, in scrape: String) -> [String: Double?] {
        var values: [String: Double?] = [:]
        for line in scrape.split(separator: "\n") where line.hasPrefix(family + "{") {
            guard let open = line.range(of: "configmap=\""), let close = line[open.upperBound...].firstIndex(of: "\"")
            else { continue }
            values[String(line[open.upperBound..<close])] = line.split(separator: " ").last.flatMap { Double($0) }
        }
        return values
    }

    @Test func locationReloadsDocumentsAndModelCardsFromStorageAtStart() async throws {
        let store = MemoryCatalogStore()
        let document = Sample.registryDocument(card: "# Persisted card")
        try await store.upsert(
            key: document.key.key,
            body: StorageBody(
                body: try document.body(format: .jsonArray), reconcilerType: "kubeflow",
                lastUpdateTimeSinceEpoch: "200",
                modelCardKey: "RedHatrhelai1mnist", modelCard: "# Persisted card"))
        let upstreamEntry = try JSONDecoder().decode(
            StorageBody.self,
            from: Data(
                #"{"body":"eyJtb2RlbHMiOltdfQ==","locationId":"","locationTarget":"","locationIDValid":false,"reconcilerType":"kserve","lastUpdateTimeSinceEpoch":""}"#
                    .utf8))
        try await store.upsert(key: "foo_bar", body: upstreamEntry)
        try await withHTTPClient { http in
            try await withStorage(store: store, sink: InProcessLocationSink(index: LocationIndex(format: .jsonArray))) {
                storageURL in
                try await withLocation { index, locationURL in
                    #expect(try await http.send(.GET, locationURL + "/list").status == 503)
                    try await StorageLoader(
                        storage: StorageClient(baseURL: storageURL, client: http.client), index: index,
                        logger: Logger(label: "test")
                    ).run()
                    let uris = try await http.send(.GET, locationURL + "/list").json()["uris"]?.arrayValue ?? []
                    #expect(uris.count == 2)
                    #expect(
                        try await http.send(.GET, locationURL + "/foo/bar/model-catalog.json").text == #"{"models":[]}"#
                    )
                    #expect(
                        try await http.send(.GET, locationURL + "/modelcard?key=RedHatrhelai1mnist").text
                            == "# Persisted card")
                }
            }
        }
    }
}
