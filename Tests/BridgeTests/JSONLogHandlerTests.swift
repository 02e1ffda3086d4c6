import Bridge
import Foundation
import Logging
import Synchronization
import Testing

@Suite struct JSONLogHandlerTests {
    final class Lines: Sendable {
        let data = Mutex<[Data]>([])
    }

    static func logged(_ body: (Logger) -> Void) throws -> [String: Any] {
        let lines = Lines()
        var handler = JSONLogHandler(label: "modelbridge.test") { line in lines.data.withLock { $0.append(line) } }
        handler.logLevel = .debug
        body(Logger(label: "modelbridge.test", factory: { _ in handler }))
        let written = lines.data.withLock { $0 }
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(line.last == 0x0a, "one object per line")
        return try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
    }

    @Test func aLineCarriesTsLevelLoggerAndMsgAsZapDoes() throws {
        let object = try Self.logged { $0.warning("registry answered slowly") }
        #expect(object["msg"] as? String == "registry answered slowly")
        #expect(object["level"] as? String == "warning")
        #expect(object["logger"] as? String == "modelbridge.test")
        let ts = try #require(object["ts"] as? String)
        #expect(ts.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z/) != nil, "RFC 3339 with fractions: \(ts)")
        #expect(object["time"] == nil && object["message"] == nil)
    }

    @Test func metadataKeepsItsTypes() throws {
        let object = try Self.logged {
            $0.info(
                "loaded",
                metadata: [
                    "documents": .stringConvertible(1519), "ratio": .stringConvertible(0.5),
                    "leader": .stringConvertible(true), "id": "7", "keys": ["a", "b"], "registry": ["name": "public"],
                ])
        }
        #expect(object["documents"] as? Int == 1519)
        #expect(object["ratio"] as? Double == 0.5)
        #expect(object["leader"] as? Bool == true)
        #expect(object["id"] as? String == "7", "a string stays a string, even when it looks like a number")
        #expect(object["keys"] as? [String] == ["a", "b"])
        #expect((object["registry"] as? [String: Any])?["name"] as? String == "public")
    }

    @Test func metadataCannotOverwriteTheFixedKeys() throws {
        let object = try Self.logged { $0.info("real", metadata: ["msg": "forged", "level": "critical"]) }
        #expect(object["msg"] as? String == "real")
        #expect(object["level"] as? String == "info")
    }
}
