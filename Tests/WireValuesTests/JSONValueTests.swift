import Foundation
import Testing
import WireValues

@Suite struct JSONValueTests {
    func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Data(text.utf8)) }

    func encoded(_ value: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test func integersStayExactAndEveryIntegralSpellingIsOneValue() throws {
        #expect(try parse("9007199254740993") == .int(9_007_199_254_740_993))
        #expect(try parse("[1, 1.0, 1e3]") == [1, 1, 1000])
        #expect(try parse("1.5") == .double(1.5))
        #expect(try parse("1e19") == .double(1e19))
    }

    @Test func reEncodingKeepsNumbersStringsAndNullAsTheyWere() throws {
        let text = #"{"a":[1,2.5,-7],"b":null,"c":"x/y","d":true,"e":{"f":9007199254740993}}"#
        #expect(try encoded(parse(text)) == text)
    }

    @Test func numberBuilderAgreesWithTheDecoder() throws {
        #expect(JSONValue.number(8080) == .int(8080))
        #expect(JSONValue.number(0.25) == .double(0.25))
        #expect(JSONValue.number(1e19) == .double(1e19))
    }

    @Test func plainSubscriptMatchesKeysExactlyAndSetsMembers() throws {
        var object = try parse(#"{"Owner":"a"}"#)
        #expect(object["owner"] == nil)
        object["owner"] = "b"
        #expect(object["owner"] == "b")
        var notObject: JSONValue = "text"
        notObject["owner"] = "b"
        #expect(notObject == "text")
    }

    @Test func anyCaseSubscriptPrefersTheExactKeyThenTheFirstInSortedOrder() throws {
        #expect(try parse(#"{"OWNER":"upper","owner":"exact"}"#)[anyCase: "owner"] == "exact")
        #expect(try parse(#"{"oWner":"second","Owner":"first"}"#)[anyCase: "owner"] == "first")
        #expect(try parse(#"["owner"]"#)[anyCase: "owner"] == nil)
    }

    @Test func stringValueIsStrictAndScalarStringReadsUnquotedNumbers() throws {
        let value = try parse(#"{"id":42,"big":1e20,"half":2.5,"text":"7","flag":true}"#)
        #expect(value["id"]?.stringValue == nil)
        #expect(value["id"]?.scalarString == "42")
        #expect(value["half"]?.scalarString == "2.5")
        #expect(value["big"]?.scalarString == "1e+20")
        #expect(value["text"]?.scalarString == "7")
        #expect(value["flag"]?.scalarString == nil)
        #expect(value["id"]?.numberValue == 42)
        #expect(value["id"]?.intValue == 42)
        #expect(value["half"]?.intValue == nil)
    }

    @Test func mergePatchMergesObjectsRemovesNullsAndReplacesTheRest() throws {
        let target = try parse(#"{"a":{"b":1,"c":2},"d":[1],"e":"x"}"#)
        let patch = try parse(#"{"a":{"b":null,"z":3},"d":[2],"e":null}"#)
        #expect(target.applyingMergePatch(patch) == (try parse(#"{"a":{"c":2,"z":3},"d":[2]}"#)))
        #expect(target.applyingMergePatch("whole") == "whole")
    }

    @Test func codableValuesRoundTripThroughJSONValue() throws {
        struct Port: Codable, Equatable {
            var name: String
            var port: Int
        }
        let value = try JSONValue(encoding: Port(name: "http", port: 8080))
        #expect(value == ["name": "http", "port": 8080])
        #expect(try value.decode(as: Port.self) == Port(name: "http", port: 8080))
    }
}
