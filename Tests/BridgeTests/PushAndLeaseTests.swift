import AsyncHTTPClient
import CatalogModel
import Foundation
import KubeAPI
import Logging
import ModelbridgeTesting
import Sandbox
import Testing

@testable import Bridge

@Suite(.serialized) struct PushAndLeaseTests {
    @Test func pushModeRegistersReimportsAndDeletesBackstageLocations() async throws {
        var quiet = Logger(label: "test.push")
        quiet.logLevel = .critical
        var configuration = SandboxConfiguration(scenario: .empty)
        configuration.backstagePolls = false
        let platform = try SandboxPlatform(configuration: configuration, logger: quiet)
        try await platform.start()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let backstageURL = platform.backstageURL
        let index = LocationIndex(format: .jsonArray)
        index.markLoaded()
        let store = MemoryCatalogStore()
        let service = StorageService(
            store: store, location: InProcessLocationSink(index: index),
            backstage: BackstagePusher(
                client: client, token: "rhdh-token", bridgeURL: "http://localhost:9090", fileName: "model-catalog.json",
                resolver: { backstageURL }, logger: quiet),
            logger: quiet)
        do {
            let document = Sample.registryDocument()
            let key = document.key.key
            try await service.upsert(CatalogUpsert(rendered: document, body: UpsertBody(document, format: .jsonArray)))
            let first = try #require(try await store.fetch(key: key))
            #expect(!first.locationId.isEmpty && first.locationIDValid)
            #expect(first.locationTarget == "http://localhost:9090" + document.key.uri(format: .jsonArray))
            #expect(platform.locations.location(id: first.locationId) != nil)

            // Backstage lost the location: the next upsert imports it again.
            var request = HTTPClientRequest(url: backstageURL + "/api/catalog/locations/" + first.locationId)
            request.method = .DELETE
            _ = try await client.execute(request, timeout: .seconds(5))
            try await service.upsert(CatalogUpsert(rendered: document, body: UpsertBody(document, format: .jsonArray)))
            let second = try #require(try await store.fetch(key: key))
            #expect(second.locationId != first.locationId && !second.locationId.isEmpty)
            #expect(platform.locations.location(id: second.locationId) != nil)

            // The key leaves the key set: location, Backstage and storage forget it.
            let outcome = try await service.applyKeySet([])
            #expect(outcome.removed == [key] && outcome.failed.isEmpty)
            #expect(platform.locations.location(id: second.locationId) == nil)
            #expect(try await store.keys().isEmpty)
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        await platform.stop()
    }

    @Test func anUnknownBackstageSkipsThePushInsteadOfCrashing() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let index = LocationIndex(format: .jsonArray)
        let store = MemoryCatalogStore()
        let service = StorageService(
            store: store, location: InProcessLocationSink(index: index),
            backstage: BackstagePusher(
                client: client, token: nil, bridgeURL: "http://localhost:9090", fileName: "model-catalog.json",
                resolver: { nil }, logger: Logger(label: "test")),
            logger: Logger(label: "test"))
        let document = Sample.registryDocument()
        try await service.upsert(CatalogUpsert(rendered: document, body: UpsertBody(document, format: .jsonArray)))
        #expect(try await store.fetch(key: document.key.key)?.locationId == "")
        try await client.shutdown()
    }

    @Test func onlyOneElectorHoldsTheLeaseUntilItStopsRenewing() async throws {
        try await withFakeKube(.init(namespaces: ["default", "rhdh"]), namespace: "rhdh") { _, client in
            let first = LeaseElector(
                client: client, namespace: "rhdh", identity: "replica-a", leaseDuration: .seconds(1),
                logger: Logger(label: "a"))
            let second = LeaseElector(
                client: client, namespace: "rhdh", identity: "replica-b", leaseDuration: .seconds(1),
                logger: Logger(label: "b"))
            #expect(await first.tryAcquireOrRenew())
            #expect(await !second.tryAcquireOrRenew())
            #expect(await first.tryAcquireOrRenew(), "the holder renews")
            // replica-a stops renewing; once the lease expires replica-b takes over.
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(10)
            var tookOver = false
            while clock.now < deadline, !tookOver {
                tookOver = await second.tryAcquireOrRenew()
                if !tookOver { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(tookOver)
            #expect(await !first.tryAcquireOrRenew(), "the old holder does not steal it back")
            let lease = try await client.get(Lease.self, name: "modelbridge-normalizer", namespace: "rhdh")
            #expect(lease.spec?.holderIdentity == "replica-b")
            #expect(lease.spec?.leaseTransitions == 1)
        }
    }
}
