import Foundation
import RegistryAPI
import Testing

@Suite("Upstream fixtures decode")
struct FixtureDecodingTests {
    /// Which wire type each upstream registry fixture is, by its file name.
    private func decode(_ name: String, _ data: Data) throws -> (items: Int, listSize: Int?) {
        let decoder = JSONDecoder()
        let isList = !name.contains("Get")
        func run<T: Codable & Sendable & Hashable>(_: T.Type) throws -> (Int, Int?) {
            if isList {
                let page = try decoder.decode(ListPage<T>.self, from: data)
                return (page.items.count, page.size)
            }
            _ = try decoder.decode(T.self, from: data)
            return (1, nil)
        }
        switch name {
        case let n where n.contains("RegisteredModel"): return try run(RegisteredModel.self)
        case let n where n.contains("ModelVersion"): return try run(ModelVersion.self)
        case let n where n.contains("Artifact"): return try run(ModelArtifact.self)
        case let n where n.contains("InferenceService"): return try run(InferenceService.self)
        case let n where n.contains("ServingEnvironment"): return try run(ServingEnvironment.self)
        default: throw CocoaError(.fileReadUnknown, userInfo: ["file": name])
        }
    }

    @Test func everyModelRegistryFixtureDecodesIntoItsWireType() throws {
        let names = try TestPaths.fixtureNames("model-registry")
        #expect(names.count == 29)
        // Upstream's MnistModelVersions.json says "size": 2 but holds 3 versions: a hand-edited stub.
        let knownMiscounted: Set<String> = ["MnistModelVersions.json"]
        for name in names {
            let (items, size) = try decode(name, try TestPaths.fixture("model-registry", name))
            if let size, !knownMiscounted.contains(name) {
                #expect(items == size, "\(name): size says \(size) but \(items) items decoded")
            }
        }
    }

    @Test func everyModelCatalogFixtureDecodesWithItsReadme() throws {
        let names = try TestPaths.fixtureNames("model-catalog")
        #expect(names == ["GraniteCatalogModelGet.json"])
        let model = try JSONDecoder().decode(
            CatalogModelEntry.self, from: try TestPaths.fixture("model-catalog", "GraniteCatalogModelGet.json")
        )
        #expect(model.readme?.isEmpty == false)
        #expect(model.license == "apache-2.0")
        #expect(model.name?.isEmpty == false)
    }

    @Test func capitalisedOwnerKeyFillsOwnerLikeGo() throws {
        let page = try JSONDecoder().decode(
            ListPage<RegisteredModel>.self,
            from: try TestPaths.fixture("model-registry", "TestJSONStringRegisteredModelOneLine.json")
        )
        #expect(page.items.count == 1)
        #expect(page.items[0].owner == "kube:admin")
        #expect(page.items[0].stringProperty("foo") == "bar")
        let single = try JSONDecoder().decode(
            RegisteredModel.self,
            from: try TestPaths.fixture("model-registry", "TestJSONStringRegisteredModelOneLineGet.json")
        )
        #expect(single.owner == "kube:admin")
    }

    @Test func exactKeyWinsOverAKeyDifferingOnlyInCase() throws {
        let json = #"{"name":"m","OWNER":"loud","owner":"quiet","unknownField":{"x":1}}"#
        let model = try JSONDecoder().decode(RegisteredModel.self, from: Data(json.utf8))
        #expect(model.owner == "quiet")
        #expect(model.name == "m")
    }

    @Test func mnistVersionsCarryStatesAndStringProperties() throws {
        let page = try JSONDecoder().decode(
            ListPage<ModelVersion>.self, from: try TestPaths.fixture("model-registry", "MnistModelVersions.json")
        )
        #expect(page.items.map(\.name) == ["v1", "v2", "v3"])
        #expect(page.items.map(\.state) == [.live, .archived, .live])
        #expect(page.items[0].stringProperty("License") == "Apache-2")
        #expect(page.items[2].stringProperty("License") == nil)
        #expect(page.items[0].stringProperty("API Type") == "grpc")
        #expect(page.items.allSatisfy { $0.registeredModelId == "1" })
    }

    @Test func mnistArtifactAndServingFixturesKeepTheFieldsTheBridgeReads() throws {
        let artifacts = try JSONDecoder().decode(
            ListPage<ModelArtifact>.self, from: try TestPaths.fixture("model-registry", "MnistModelArtifacts.json")
        )
        let artifact = try #require(artifacts.items.first)
        #expect(artifact.modelSourceClass == "Red Hat")
        #expect(artifact.modelSourceGroup == "rhelai1")
        #expect(artifact.modelSourceName == "granite-7b-starter")
        #expect(artifact.uri == "https://huggingface.co/tarilabs/mnist/resolve/v20231206163028/mnist.onnx")
        #expect(artifact.isModelArtifact)

        let services = try JSONDecoder().decode(
            ListPage<InferenceService>.self,
            from: try TestPaths.fixture("model-registry", "MnistInferenceServices.json")
        )
        let service = try #require(services.items.first)
        #expect(service.desiredState == .deployed)
        #expect(service.modelVersionId == "2")
        #expect(service.servingEnvironmentId == "3")
        #expect(service.runtime == "mnist-v1")
        #expect(service.lastUpdateMillis == 1_740_512_730_723)

        let environment = try JSONDecoder().decode(
            ServingEnvironment.self,
            from: try TestPaths.fixture("model-registry", "MnistServingEnvironmentsGet.json")
        )
        #expect(environment.name == "ggmtest")
    }

    @Test func emptyStringPropertyIsKeptAsAValue() throws {
        let page = try JSONDecoder().decode(
            ListPage<RegisteredModel>.self,
            from: try TestPaths.fixture("model-registry", "MultiModelRegisteredModels.json")
        )
        let granite = try #require(page.items.first { $0.name == "granite-3.1-8b-lab-v1-1.4.0" })
        #expect(granite.stringProperty("text-generation") == "")
    }
}

@Suite("Wire types")
struct WireTypeTests {
    @Test func metadataUnionDecodesEveryTypeAndUnknownAsNotSet() throws {
        let json = #"""
            {
              "s": {"metadataType": "MetadataStringValue", "string_value": "text"},
              "i": {"metadataType": "MetadataIntValue", "int_value": "7"},
              "d": {"metadataType": "MetadataDoubleValue", "double_value": 0.5},
              "b": {"metadataType": "MetadataBoolValue", "bool_value": true},
              "st": {"metadataType": "MetadataStructValue", "struct_value": "e30="},
              "p": {"metadataType": "MetadataProtoValue", "type": "t", "proto_value": "AA=="},
              "unknown": {"metadataType": "MetadataFancyValue", "fancy_value": 1},
              "missing": {"string_value": "no type"},
              "broken": {"metadataType": "MetadataIntValue", "int_value": "seven"}
            }
            """#
        let values = try JSONDecoder().decode(CustomProperties.self, from: Data(json.utf8))
        #expect(values["s"] == .string("text"))
        #expect(values["s"]?.stringValue == "text")
        #expect(values["i"] == .int(7))
        #expect(values["i"]?.stringValue == nil)
        #expect(values["d"] == .double(0.5))
        #expect(values["b"] == .bool(true))
        #expect(values["st"] == .structValue(base64: "e30="))
        #expect(values["p"] == .proto(type: "t", base64: "AA=="))
        #expect(values["unknown"] == .notSet)
        #expect(values["missing"] == .notSet)
        #expect(values["broken"] == .notSet)
    }

    @Test func metadataValuesEncodeInTheWireShape() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: try encoder.encode(MetadataValue.int(7)), as: UTF8.self)
        #expect(text == #"{"int_value":"7","metadataType":"MetadataIntValue"}"#)
        let all: [MetadataValue] = [
            .string("a/b"), .int(-3), .double(1.25), .bool(false), .structValue(base64: "e30="),
            .proto(type: "t", base64: "AA=="),
        ]
        let decoded = try JSONDecoder().decode([MetadataValue].self, from: try encoder.encode(all))
        #expect(decoded == all)
    }

    @Test func idsAndEpochsWrittenAsNumbersStillDecodeAsStrings() throws {
        let json = #"{"id": 12, "name": "v", "registeredModelId": 3, "lastUpdateTimeSinceEpoch": 1740498237116}"#
        let version = try JSONDecoder().decode(ModelVersion.self, from: Data(json.utf8))
        #expect(version.id == "12")
        #expect(version.registeredModelId == "3")
        #expect(version.lastUpdateMillis == 1_740_498_237_116)
    }

    @Test func listEnvelopeWithoutItemsIsEmpty() throws {
        let page = try JSONDecoder().decode(
            ListPage<CatalogSource>.self, from: Data(#"{"nextPageToken":"","pageSize":0,"size":0}"#.utf8)
        )
        #expect(page.items.isEmpty)
        #expect(page.nextPageToken.isEmpty)
    }
}
