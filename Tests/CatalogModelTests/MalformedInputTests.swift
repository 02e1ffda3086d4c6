import Foundation
import Testing

@testable import CatalogModel

@Suite struct MalformedInputTests {
    @Test(arguments: [
        #"{"name":"x"}"#, #"{"id":"1"}"#, #"{"id":"","name":"x"}"#, #"{"id":null,"name":"x"}"#, #"[]"#, #""text""#,
        #"{"id":{"a":1},"name":"x"}"#,
    ])
    func registeredModelsWithoutIdOrNameAreATypedError(text: String) throws {
        let json = try JSONValue.parse(Data(text.utf8))
        #expect(throws: InputError.self) { try RegisteredModel(json: json) }
        #expect(throws: InputError.self) { try ModelVersion(json: json) }
        #expect(throws: InputError.self) { try RegistryInferenceService(json: json) }
    }

    @Test func wrongTypesInOptionalFieldsAreIgnored() throws {
        let json = try JSONValue.parse(
            Data(
                #"""
                {"id":7,"name":"m","description":42,"owner":["x"],"state":"WEIRD","customProperties":"nope",
                 "lastUpdateTimeSinceEpoch":1740512730384}
                """#.utf8))
        let model = try RegisteredModel(json: json)
        #expect(model.id == "7")
        #expect(model.description == "42")
        #expect(model.owner == nil && model.state == nil && model.customProperties.isEmpty)
        #expect(model.lastUpdateTimeSinceEpoch == "1740512730384")
        let document = RegistryNormalizer(settings: NormalizerSettings()).normalize(
            RegistryVersionInput(
                registry: "r", model: model, version: ModelVersion(id: "1", name: "", registeredModelId: nil)),
            cluster: ClusterView(inferenceServices: []))
        #expect(BackstageRules.isValidEntityName(document.document.models[0].name))
    }

    @Test func customPropertiesWithUnknownOrMissingTypesAreNotStrings() throws {
        let json = try JSONValue.parse(
            Data(
                #"""
                {"a":{"metadataType":"MetadataStringValue"},"b":{"string_value":"x"},"c":{"metadataType":"MetadataProtoValue"},
                 "d":null,"e":{"metadataType":"MetadataIntValue","int_value":"5"},"f":{"metadataType":"MetadataBoolValue","bool_value":true}}
                """#.utf8))
        let properties = PropertyValue.properties(from: json)
        #expect(properties["a"] == .other && properties["b"] == .other && properties["c"] == .other)
        #expect(properties["d"] == .other && properties["e"] == .int("5") && properties["f"] == .bool(true))
    }

    @Test func registryListsSkipBadItemsAndKeepGoodOnes() throws {
        let data = Data(
            #"{"items":[{"id":"1","name":"ok"},{"name":"no id"},17,{"id":"2","name":"ok2"}],"size":4}"#.utf8)
        let (items, skipped) = try decodeRegistryItems(data, as: RegisteredModel.init(json:))
        #expect(items.map(\.id) == ["1", "2"])
        #expect(skipped.count == 2)
    }

    @Test func emptyRegistryBodiesAreEmptyListsAndGarbageIsAnError() throws {
        #expect(try decodeRegistryItems(Data(), as: RegisteredModel.init(json:)).items.isEmpty)
        #expect(try decodeRegistryItems(Data(" \n".utf8), as: RegisteredModel.init(json:)).items.isEmpty)
        #expect(throws: InputError.self) {
            try decodeRegistryItems(Data("<html>502</html>".utf8), as: RegisteredModel.init(json:))
        }
        #expect(throws: InputError.self) {
            try decodeRegistryItems(Data("[1,2]".utf8), as: RegisteredModel.init(json:))
        }
        #expect(throws: InputError.self) {
            try decodeRegistryItems(Data(#"{"items":"#.utf8), as: RegisteredModel.init(json:))
        }
    }

    @Test(arguments: [
        "{}", #"{"metadata":{"name":"x"}}"#, #"{"metadata":{"namespace":"n"}}"#,
        #"{"metadata":{"name":"","namespace":"n"}}"#,
        "null", "[1]",
    ])
    func kubernetesObjectsWithoutNamespaceOrNameAreATypedError(text: String) throws {
        let json = try JSONValue.parse(Data(text.utf8))
        #expect(throws: InputError.self) { try KServeInferenceService(json: json) }
    }

    @Test func garbageInKServeStatusIsIgnoredFieldByField() throws {
        let json = try JSONValue.parse(
            Data(
                #"""
                {"metadata":{"name":"x","namespace":"n","labels":{"a":1,"b":"c"},"annotations":"nope"},
                 "spec":{"predictor":{"model":{"storageUri":["x"]}}},
                 "status":{"url":7,"conditions":[{"status":"True"},"junk",{"type":"Ready"}],"components":{"predictor":"x"}}}
                """#.utf8))
        let service = try KServeInferenceService(json: json)
        #expect(service.labels == ["a": "1", "b": "c"])
        #expect(service.annotations.isEmpty)
        #expect(service.storageURI == nil)
        #expect(service.conditions == [ServiceCondition(type: "Ready", status: "Unknown")])
        #expect(!KServeReadiness.isReady(service))
        let document = KServeNormalizer(settings: NormalizerSettings()).normalize(
            service, cluster: ClusterView(inferenceServices: [service]))
        #expect(document.document.models[0].name == "n-x")
        try Fixtures.record(document.document, as: "malformed-kserve")
    }

    @Test func servicesWithGarbagePortsAreReadWithoutThem() throws {
        let json = try JSONValue.parse(
            Data(#"{"metadata":{"name":"s","namespace":"n"},"spec":{"ports":[{"port":"http"},{"port":80}]}}"#.utf8))
        #expect(try KubeService(json: json).ports == [KubeService.Port(port: 80)])
    }

    @Test func storedBodiesFromUpstreamWithMissingFieldsStillDecode() throws {
        let stored = try JSONDecoder().decode(StorageBody.self, from: Data(#"{"body":"e30="}"#.utf8))
        #expect(stored.body == Data("{}".utf8) && stored.locationId == "" && !stored.locationIDValid)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(StorageBody.self, from: Data(#"{"body":"!!"}"#.utf8))
        }
    }
}
