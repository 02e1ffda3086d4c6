import AsyncHTTPClient
import Bridge
import CatalogModel
import ConsoleBridge
import ConsoleCore
import Foundation
import Logging
import Testing

@Suite struct StateDocumentTests {
    @Test func datesComeBackAsTheSameInstant() throws {
        struct Stamp: Codable { var at: Date }
        for seconds in [1_800_000_000.0, 1_800_000_000.123_456_7, 1_796_659_688.999_999_9, 1_800_000_000.000_000_3] {
            let date = Date(timeIntervalSince1970: seconds)
            let data = try StateDocumentCoding.encoder().encode(Stamp(at: date))
            let back = try StateDocumentCoding.decoder().decode(Stamp.self, from: data).at
            #expect(
                back.timeIntervalSince1970 == date.timeIntervalSince1970, "\(String(decoding: data, as: UTF8.self))")
        }
    }

    @Test func wholeSecondDatesOfOlderSidecarsAreRead() throws {
        struct Stamp: Codable { var at: Date }
        let stamp = try StateDocumentCoding.decoder().decode(
            Stamp.self, from: Data(#"{"at":"2027-01-15T08:00:00Z"}"#.utf8))
        #expect(stamp.at.timeIntervalSince1970 == 1_800_000_000)
    }

    @Test func aNewerAPIVersionIsReportedAsSuch() throws {
        let data = Data(#"{"apiVersion":"modelbridge.rhdh.io/v2","kind":"NormalizerState","registries":7}"#.utf8)
        #expect(
            throws: StateDocumentError.unsupportedAPIVersion(kind: "NormalizerState", found: "modelbridge.rhdh.io/v2")
        ) {
            try StateDocumentCoding.decode(NormalizerStateDocument.self, from: data)
        }
        let text =
            "\(StateDocumentError.unsupportedAPIVersion(kind: "NormalizerState", found: "modelbridge.rhdh.io/v2"))"
        #expect(text.contains("modelbridge.rhdh.io/v2") && text.contains(StateDocumentCoding.apiVersion))
    }

    @Test func aStateWithoutAPIVersionIsAnOlderSidecar() throws {
        let data = Data(#"{"registries":[],"documents":[],"isLeader":true,"publishing":"publishing"}"#.utf8)
        #expect(throws: StateDocumentError.unsupportedAPIVersion(kind: "NormalizerState", found: nil)) {
            try StateDocumentCoding.decode(NormalizerStateDocument.self, from: data)
        }
    }

    @Test func theNormalizerDocumentKeepsItsFieldsAtTheTopLevel() throws {
        let state = NormalizerState(
            registries: [
                RegistryStatus(
                    key: "ns:reg", baseURL: "http://reg", catalogURL: nil, models: 1, liveVersions: 2, requests: 3)
            ],
            lastCycle: Date(timeIntervalSince1970: 1_800_000_000.25), lastCompleteCycle: nil,
            incompleteReasons: ["registry ns:reg did not answer"], isLeader: false,
            publishing: PublishingState(mode: .standby, reason: "publishing nothing because replica b leads"))
        let event = EventLog.Event(
            at: Date(timeIntervalSince1970: 1_800_000_001), level: .warning, source: "keyset", message: "deferred")
        let data = try StateDocumentCoding.encoder().encode(NormalizerStateDocument(state, events: [event]))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["apiVersion"] as? String == "modelbridge.rhdh.io/v1")
        #expect(object["kind"] as? String == "NormalizerState")
        #expect(object["publishing"] as? String == "standby")
        #expect(object["notPublishingReason"] as? String == "publishing nothing because replica b leads")
        #expect(object["lastCycle"] as? String == "2027-01-15T08:00:00.250000000Z")
        let back = try StateDocumentCoding.decode(NormalizerStateDocument.self, from: data)
        #expect(back.state == state && back.events == [event])
    }

    @Test func theStorageDocumentComesBackWithItsShardsAndEntries() throws {
        let card = StorageBody(
            body: Data(#"{"models":[{"name":"granite"}]}"#.utf8), locationId: "loc-1", locationTarget: "http://x",
            locationIDValid: true, reconcilerType: "kubeflow", lastUpdateTimeSinceEpoch: "1800000000000",
            modelCardKey: "granitecard", modelCard: "# Granite")
        let plain = StorageBody(body: Data(#"{"models":[]}"#.utf8))
        let document = StorageStateDocument(
            store: .configMap, namespace: "rhdh",
            shards: [
                .init(name: "bac-import-model", bytes: 803_000, budgetBytes: 921_600, keys: ["granite_v1"]),
                .init(name: "bac-import-model-1", bytes: 40, budgetBytes: 921_600, keys: ["foo_bar"]),
            ],
            entries: [.init(key: "granite_v1", stored: card), .init(key: "foo_bar", stored: plain)])
        let data = try StateDocumentCoding.encoder().encode(document)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["apiVersion"] as? String == "modelbridge.rhdh.io/v1")
        #expect(object["kind"] as? String == "StorageState")
        #expect(object["store"] as? String == "configMap")
        let entries = try #require(object["entries"] as? [[String: Any]])
        #expect(entries.map { $0["key"] as? String } == ["foo_bar", "granite_v1"], "sorted by key")
        #expect(entries[0]["modelCardBytes"] == nil && entries[0]["body"] == nil, "no card, and never a body")
        #expect(entries[1]["bodyBytes"] as? Int == card.body.count && entries[1]["modelCardBytes"] as? Int == 9)

        let back = try StateDocumentCoding.decode(StorageStateDocument.self, from: data)
        #expect(back == document)
        // The entry and the body /fetch answers make the stored entry again.
        #expect(back.entries[1].storageBody(body: card.body, modelCard: card.modelCard) == card)
    }

    @Test func theContentDigestChangesWithTheBodyOrTheCardOnly() {
        let stored = StorageBody(
            body: Data("{}".utf8), reconcilerType: "kubeflow", lastUpdateTimeSinceEpoch: "1", modelCard: "")
        let digest = StorageStateDocument.Entry.contentDigest(of: stored)
        #expect(digest.count == 16)
        var moved = stored
        moved.locationId = "loc-2"
        moved.lastUpdateTimeSinceEpoch = "2"
        #expect(StorageStateDocument.Entry.contentDigest(of: moved) == digest, "metadata travels in /state itself")
        var noCard = stored
        noCard.modelCard = nil
        var otherBody = stored
        otherBody.body = Data("[]".utf8)
        #expect(StorageStateDocument.Entry.contentDigest(of: noCard) != digest, "an empty card is not no card")
        #expect(StorageStateDocument.Entry.contentDigest(of: otherBody) != digest)
    }

    @Test func aStorageDocumentOfAnotherAPIVersionIsAnError() {
        let data = Data(#"{"apiVersion":"modelbridge.rhdh.io/v2","kind":"StorageState","shards":[]}"#.utf8)
        #expect(
            throws: StateDocumentError.unsupportedAPIVersion(kind: "StorageState", found: "modelbridge.rhdh.io/v2")
        ) {
            try StateDocumentCoding.decode(StorageStateDocument.self, from: data)
        }
    }

    @Test func storageStateAnswersAnUnknownQueryParameterWith400() async throws {
        var quiet = Logger(label: "test.state")
        quiet.logLevel = .critical
        let store = MemoryCatalogStore(entries: ["foo_bar": StorageBody(body: Data(#"{"models":[]}"#.utf8))])
        let server = RoleServer(
            name: "storage-rest", address: ListenAddress(host: "127.0.0.1", port: 0),
            responder: StorageResponder(
                store: store, location: InProcessLocationSink(index: LocationIndex(format: .jsonArray)),
                logger: quiet),
            logger: quiet)
        try await server.start()
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let channel = URLSidecarChannel(baseURL: server.url, client: http)
            let refused = try await channel.send(.GET, "/state", query: [("verbose", "1")], body: nil)
            #expect(refused.status == 400, "\(String(decoding: refused.body, as: UTF8.self))")
            let reply = try await channel.send(.GET, "/state", query: [], body: nil)
            #expect(reply.status == 200)
            let document = try StateDocumentCoding.decode(StorageStateDocument.self, from: reply.body)
            #expect(document.store == .memory && document.entries.map(\.key) == ["foo_bar"])
        } catch {
            Issue.record(error)
        }
        try? await http.shutdown()
        await server.stop()
    }
}
