import Bridge
import CatalogModel
import ConsoleCore
import Foundation
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
}
