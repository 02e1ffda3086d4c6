import Foundation
import Testing

@testable import CatalogModel

@Suite struct ModelCatalogDocumentTests {
    @Test func everySchemaTestFileDecodesAndReencodesToTheSameValue() throws {
        let files = try Fixtures.files(in: "schema/tests")
        #expect(files.count == 5)
        for file in files {
            let original = try Fixtures.data(file)
            let document = try ModelCatalog.decode(original)
            #expect(!document.models.isEmpty, "\(file)")
            let reencoded = try JSONValue.parse(document.encodedJSON())
            #expect(reencoded == (try JSONValue.parse(original)), "\(file)")
            try Fixtures.record(
                document,
                as: "schema-roundtrip-"
                    + URL(fileURLWithPath: file).lastPathComponent
                    .replacingOccurrences(of: ".json", with: ""))
        }
    }

    @Test func modelsIsWrittenAsAnArrayEvenWhenEmpty() throws {
        let text = String(decoding: try ModelCatalog(models: []).encodedJSON(), as: UTF8.self)
        #expect(text == #"{"models":[]}"#)
    }

    @Test func nullOrMissingModelsDecodeAsEmpty() throws {
        #expect(try ModelCatalog.decode(Data(#"{"models":null}"#.utf8)).models.isEmpty)
        #expect(try ModelCatalog.decode(Data("{}".utf8)).models.isEmpty)
    }

    @Test func optionalFieldsAreOmittedNotEmpty() throws {
        let model = Model(name: "m", owner: "o", lifecycle: "development", description: "")
        let text = String(decoding: try ModelCatalog(models: [model]).encodedJSON(), as: UTF8.self)
        #expect(text == #"{"models":[{"description":"","lifecycle":"development","name":"m","owner":"o"}]}"#)
    }

    @Test func slashesAreNotEscaped() throws {
        var model = Model(name: "m", owner: "o", lifecycle: "l", description: "")
        model.artifactLocationURL = "https://example.com/a/b"
        let text = String(decoding: try ModelCatalog(models: [model]).encodedJSON(), as: UTF8.self)
        #expect(text.contains("https://example.com/a/b"))
    }

    @Test func wrongTypesInADocumentAreATypedErrorNotACrash() {
        #expect(throws: DecodingError.self) { try ModelCatalog.decode(Data(#"{"models":"x"}"#.utf8)) }
        #expect(throws: DecodingError.self) { try ModelCatalog.decode(Data(#"{"models":[{"name":1}]}"#.utf8)) }
        #expect(throws: DecodingError.self) { try ModelCatalog.decode(Data("not json".utf8)) }
    }

    @Test func apiTypeFollowsTheExactMatchRule() {
        #expect(APIType(propertyValue: "grpc") == .grpc)
        #expect(APIType(propertyValue: "graphql") == .graphql)
        #expect(APIType(propertyValue: "asyncapi") == .asyncapi)
        #expect(APIType(propertyValue: "GRPC") == .openapi)
        #expect(APIType(propertyValue: nil) == .openapi)
    }
}
