import Testing

@testable import CatalogModel

@Suite struct ImportKeyTests {
    let registry = "rhoai-model-registries:modelregistry-public"

    @Test func kserveKeysKeepTheUpstreamShape() {
        let key = ImportKey.kserve(namespace: "ggmtest", name: "mnist-v1")
        #expect(key.key == "ggmtest_mnist-v1")
        #expect(key.uri(format: .jsonArray) == "/ggmtest/mnist-v1/model-catalog.json")
        #expect(key.uri(format: .catalogInfoYaml) == "/ggmtest/mnist-v1/catalog-info.yaml")
    }

    @Test func registryKeysKeepTheWireShapeWithADisambiguator() {
        let key = ImportKey.registry(registry: registry, model: "mnist", version: "v1")
        #expect(key.segment1 == "mnist")
        #expect(key.segment2.hasPrefix("v1."))
        #expect(key.segment2.count == "v1.".count + 12)
        #expect(key.uri(format: .jsonArray) == "/mnist/\(key.segment2)/model-catalog.json")
    }

    @Test func theSameInputAlwaysYieldsTheSameKey() {
        // A fixed value guards against the key function changing between releases (keys are stored).
        let key = ImportKey.registry(registry: registry, model: "mnist", version: "v1")
        #expect(key == ImportKey.registry(registry: registry, model: "mnist", version: "v1"))
        #expect(key.key == "mnist_v1." + SHA256.hexPrefix(of: "registry\u{0}\(registry)\u{0}mnist\u{0}v1", length: 12))
    }

    @Test func sha256MatchesTheStandardTestVectors() {
        #expect(
            SHA256.hexPrefix(of: "", length: 64) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            SHA256.hexPrefix(of: "abc", length: 64)
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = String(repeating: "a", count: 1000)
        #expect(
            SHA256.hexPrefix(of: long, length: 64) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"
        )
    }

    @Test(arguments: [
        ("my.model", "mymodel"), ("my_model", "my-model"), ("Model", "model"), ("v1.0", "v10"),
        ("模型", "モデル"), (String(repeating: "a", count: 70), String(repeating: "a", count: 71)),
    ])
    func namesThatSanitiseAlikeGetDifferentKeys(first: String, second: String) {
        #expect(
            ImportKey.registry(registry: registry, model: first, version: "v1")
                != ImportKey.registry(registry: registry, model: second, version: "v1"))
        #expect(
            ImportKey.registry(registry: registry, model: "m", version: first)
                != ImportKey.registry(registry: registry, model: "m", version: second))
    }

    @Test func theSameModelInTwoRegistriesGetsTwoKeys() {
        let first = ImportKey.registry(registry: "ns:registry-a", model: "mnist", version: "v1")
        let second = ImportKey.registry(registry: "ns:registry-b", model: "mnist", version: "v1")
        #expect(first != second)
        #expect(first.uri(format: .jsonArray) != second.uri(format: .jsonArray))
    }

    @Test func underscoresNeverLeakIntoTheFirstSegment() {
        let key = ImportKey.registry(registry: registry, model: "my_model", version: "v_1")
        #expect(!key.segment1.contains("_"))
        #expect(ImportKey(storedKey: key.key) == key)
    }

    @Test func storedKeysRoundTripAndUpstreamKeysStillMapToDistinctURIs() {
        #expect(ImportKey(storedKey: "mnist_v1")?.uri(format: .jsonArray) == "/mnist/v1/model-catalog.json")
        let a = ImportKey(storedKey: "my_model_v1")
        let b = ImportKey(storedKey: "my_modelv1")
        #expect(a != nil && b != nil && a?.uri(format: .jsonArray) != b?.uri(format: .jsonArray))
    }

    @Test(arguments: [
        "", "nounderscore", "_v1", "m_", "a/b_c", "../x_y", "x_..", "a b_c", String(repeating: "a", count: 254) + "_b",
    ])
    func invalidStoredKeysAreRejected(key: String) {
        #expect(ImportKey(storedKey: key) == nil)
    }

    @Test func kserveNamesThatAreNotDNSLabelsFallBackToTheHashedForm() {
        let key = ImportKey.kserve(namespace: "default", name: "InferSvc-1")
        #expect(key.segment2.hasPrefix("InferSvc-1."))
        #expect(key != ImportKey.kserve(namespace: "default", name: "infersvc-1"))
    }

    @Test func normalizerFormatDefaultsToJSONForEveryRole() {
        #expect(NormalizerFormat(environmentValue: nil) == .jsonArray)
        #expect(NormalizerFormat(environmentValue: " \r\n") == .jsonArray)
        #expect(NormalizerFormat(environmentValue: "CatalogInfoYamlFormat\r\n") == .catalogInfoYaml)
        #expect(NormalizerFormat(environmentValue: "yaml") == nil)
    }
}
