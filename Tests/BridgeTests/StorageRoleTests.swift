import AsyncHTTPClient
import Bridge
import CatalogModel
import Foundation
import Logging
import Testing

/// A location sink that fails on demand, to prove storage reports and survives location errors.
actor FlakyLocationSink: LocationSink {
    let inner: InProcessLocationSink
    var failuresLeft = 0

    init(index: LocationIndex) {
        inner = InProcessLocationSink(index: index)
    }

    func failNext(_ count: Int) { failuresLeft = count }

    func upsert(key: String, body: UpsertBody) async throws {
        if failuresLeft > 0 {
            failuresLeft -= 1
            throw LocationSinkError(operation: "upsert", key: key, status: 500, message: "injected")
        }
        try await inner.upsert(key: key, body: body)
    }

    func remove(key: String) async throws {
        if failuresLeft > 0 {
            failuresLeft -= 1
            throw LocationSinkError(operation: "remove", key: key, status: 500, message: "injected")
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
