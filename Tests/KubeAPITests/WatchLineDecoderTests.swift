import KubeAPI
import NIOCore
import Testing

@Suite struct WatchLineDecoderTests {
    let context = KubeRequestContext(method: "GET", url: "http://fake/api/v1/configmaps?watch=true", resource: "test")

    @Test func aLineSplitAcrossChunksComesOutOnceAndWhole() throws {
        let line = #"{"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"7"}}}"# + "\n"
        let bytes = Array(line.utf8)
        // Every possible split point, including mid-way through a multi-byte boundary of the JSON.
        for cut in 1..<bytes.count {
            var decoder = WatchLineDecoder()
            let first = try decoder.feed(ByteBuffer(bytes: bytes[..<cut]))
            #expect(first.isEmpty, "a partial line must not be emitted (cut at \(cut))")
            let second = try decoder.feed(ByteBuffer(bytes: bytes[cut...]))
            #expect(second.count == 1)
            #expect(second.first == Array(bytes.dropLast()))
            #expect(decoder.bufferedByteCount == 0)
        }
    }

    @Test func oneChunkWithSeveralLinesAndATailYieldsTheCompleteLinesOnly() throws {
        var decoder = WatchLineDecoder()
        let lines = try decoder.feed(bytes: Array("{\"a\":1}\n{\"b\":2}\n\n{\"c\":".utf8))
        #expect(lines.map { String(decoding: $0, as: UTF8.self) } == [#"{"a":1}"#, #"{"b":2}"#])
        #expect(decoder.bufferedByteCount == 5)
        let rest = try decoder.feed(bytes: Array("3}\r\n".utf8))
        #expect(rest.map { String(decoding: $0, as: UTF8.self) } == [#"{"c":3}"#])
    }

    @Test func aPartialLineAtTheEndOfTheStreamIsDiscarded() throws {
        var decoder = WatchLineDecoder()
        _ = try decoder.feed(bytes: Array(#"{"type":"ADDED","obj"#.utf8))
        #expect(decoder.finish() == 20)
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test func anEndlessLineIsRefusedInsteadOfGrowingForever() {
        var decoder = WatchLineDecoder(maximumLineBytes: 16)
        #expect(throws: WatchLineTooLong.self) { try decoder.feed(bytes: [UInt8](repeating: 65, count: 17)) }
    }

    @Test func anErrorEventWithCode410IsTheTypedExpiredError() {
        let line = Array(
            #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1200 (1534)","reason":"Expired","code":410}}"#
                .utf8)
        #expect {
            _ = try WatchEvent<ConfigMap>.decode(line: line, context: context)
        } throws: { error in
            (error as? KubeAPIError)?.isExpired == true
        }
    }

    @Test func aGoneReasonFromOldServersAlsoCountsAsExpired() {
        let line = Array(#"{"type":"ERROR","object":{"kind":"Status","reason":"Gone","code":410}}"#.utf8)
        #expect {
            _ = try WatchEvent<ConfigMap>.decode(line: line, context: context)
        } throws: { error in
            (error as? KubeAPIError)?.isExpired == true
        }
    }

    @Test func aBookmarkCarriesOnlyItsResourceVersion() throws {
        let line = Array(
            #"{"type":"BOOKMARK","object":{"kind":"InferenceService","apiVersion":"serving.kserve.io/v1beta1","metadata":{"resourceVersion":"12746"}}}"#
                .utf8)
        let event = try WatchEvent<InferenceService>.decode(line: line, context: context)
        guard case .bookmark(let version) = event else {
            Issue.record("expected a bookmark, got \(event)")
            return
        }
        #expect(version == "12746")
    }

    @Test func garbageLinesBecomeTypedErrorsNotCrashes() {
        for garbage in ["not json", #"{"type":"ADDED"}"#, #"{"type":"WHATEVER","object":{}}"#, #"[1,2]"#, "\u{0}\u{1}"]
        {
            #expect(throws: KubeAPIError.self) {
                _ = try WatchEvent<ConfigMap>.decode(line: Array(garbage.utf8), context: context)
            }
        }
    }
}
