import Foundation
import KubeAPI
import Testing

/// The exact strings written for the API server's two time types.
@Suite struct KubeTimeTests {
    let instant = Date(timeIntervalSince1970: 1_796_604_264.793)  // 2026-12-07T00:44:24.793Z

    @Test func microTimeHasExactlySixFractionalDigits() {
        #expect(KubeTime.microTime(instant) == "2026-12-07T00:44:24.793000Z")
        #expect(KubeTime.microTime(Date(timeIntervalSince1970: 1_796_604_264)) == "2026-12-07T00:44:24.000000Z")
        #expect(
            KubeTime.microTime(Date(timeIntervalSince1970: 1_796_604_264.000_001)) == "2026-12-07T00:44:24.000001Z")
        #expect(KubeTime.microTime(Date(timeIntervalSince1970: 951_825_600.5)) == "2000-02-29T12:00:00.500000Z")
    }

    @Test func timeHasWholeSecondsAndNoFraction() {
        #expect(KubeTime.time(instant) == "2026-12-07T00:44:24Z")
        #expect(KubeTime.time(Date(timeIntervalSince1970: 1_796_604_264.999_9)) == "2026-12-07T00:44:24Z")
        #expect(KubeTime.time(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        #expect(KubeTime.time(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
    }

    @Test func parseReadsWhatServersAndPeersWrite() throws {
        let expected = instant.timeIntervalSince1970
        for text in [
            "2026-12-07T00:44:24.793000Z", "2026-12-07T00:44:24.793Z", "2026-12-07T02:44:24.793+02:00",
            "2026-12-06T23:44:24.793-01:00",
        ] {
            let parsed = try #require(KubeTime.parse(text), "\(text)")
            #expect(abs(parsed.timeIntervalSince1970 - expected) < 0.000_01, "\(text)")
        }
        #expect(KubeTime.parse("2026-12-07T00:44:24Z")?.timeIntervalSince1970 == 1_796_604_264)
        for bad in ["", "2026-12-07", "2026-12-07 00:44:24Z", "2026-13-07T00:44:24Z", "2026-12-07T00:44:24.Z", "x"] {
            #expect(KubeTime.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func formattingRoundTripsThroughParse() throws {
        for seconds in [0.0, 1_000_000_000.123_456, 1_796_604_264.793, 4_102_444_800.000_001] {
            let date = Date(timeIntervalSince1970: seconds)
            let parsed = try #require(KubeTime.parse(KubeTime.microTime(date)))
            #expect(abs(parsed.timeIntervalSince1970 - seconds) < 0.000_001)
        }
    }
}
