import ModelbridgeTesting
import Testing

@testable import CatalogModel

enum NameFactory {
    static let alphabet: [String] =
        Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789").map(String.init)
        + ["-", "_", ".", " ", "/", ":", "@", "#", "+", "é", "ü", "模", "型", "🚀", "ß", "\t", "--", "__", ".."]

    /// A name of 1–90 characters drawn mostly from alphanumerics, with punctuation, unicode and runs.
    static func name(_ generator: inout SeededGenerator) -> String {
        let length = Int.random(in: 1...90, using: &generator)
        var text = ""
        for _ in 0..<length {
            if Int.random(in: 0..<4, using: &generator) == 0 {
                text += alphabet.randomElement(using: &generator)!
            } else {
                text += alphabet[Int.random(in: 0..<36, using: &generator)]
            }
        }
        return text
    }
}

@Suite struct GeneratedInputTests {
    @Test func tenThousandRandomRegistryIdentitiesNeverCollideAndAlwaysGiveValidNamesAndTags() throws {
        var generator = SeededGenerator(seed: 20_261_125)
        let registries = ["ns:registry-a", "ns:registry-b", "other:registry-a"]
        let normalizer = RegistryNormalizer(settings: NormalizerSettings())
        var keys: [String: String] = [:]
        var uris: Set<String> = []
        var identities: Set<String> = []
        var produced = 0
        while produced < 10_000 {
            let registry = registries.randomElement(using: &generator)!
            // Reuse names often so that same-name-in-another-registry and near-duplicates occur.
            let modelName = NameFactory.name(&generator)
            let versionName = Bool.random(using: &generator) ? "v1" : NameFactory.name(&generator)
            let identity = "\(registry)\u{0}\(modelName)\u{0}\(versionName)"
            guard identities.insert(identity).inserted else { continue }
            produced += 1
            var properties: [String: PropertyValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &generator) {
                properties[NameFactory.name(&generator)] = .string(NameFactory.name(&generator))
            }
            properties["Provider"] = .string(NameFactory.name(&generator))
            let model = RegisteredModel(
                id: "\(produced)", name: modelName, owner: NameFactory.name(&generator), customProperties: properties)
            let version = ModelVersion(
                id: "v\(produced)", name: versionName, registeredModelId: model.id,
                customProperties: ["Lifecycle": .string(NameFactory.name(&generator))])
            let document = normalizer.normalize(
                RegistryVersionInput(registry: registry, model: model, version: version),
                cluster: ClusterView(inferenceServices: []))
            let key = document.key.key
            #expect(keys[key] == nil, "collision on \(key)")
            keys[key] = identity
            #expect(uris.insert(document.key.uri(format: .jsonArray)).inserted)
            #expect(ImportKey.isValidStoredKey(key), "\(key)")
            #expect(ImportKey(storedKey: key) == document.key)
            let entity = document.document.models[0]
            #expect(BackstageRules.isValidEntityName(entity.name), "\(entity.name)")
            #expect(!entity.owner.isEmpty && !entity.lifecycle.isEmpty)
            for tag in entity.tags ?? [] { #expect(BackstageRules.isValidTag(tag), "\(tag)") }
            if produced % 1000 == 0 { try Fixtures.record(document.document, as: "generated-registry-\(produced)") }
        }
        #expect(keys.count == 10_000)
    }

    @Test func tenThousandRandomKServeServicesNeverCollideAndAlwaysGiveValidNamesAndTags() throws {
        var generator = SeededGenerator(seed: 42)
        let normalizer = KServeNormalizer(settings: NormalizerSettings())
        var keys: Set<String> = []
        var identities: Set<String> = []
        while identities.count < 10_000 {
            let namespace = Bool.random(using: &generator) ? "team-a" : NameFactory.name(&generator)
            let name = NameFactory.name(&generator)
            guard identities.insert(namespace + "\u{0}" + name).inserted else { continue }
            var labels: [String: String] = [:]
            for _ in 0..<Int.random(in: 0...3, using: &generator) {
                labels[NameFactory.name(&generator)] = NameFactory.name(&generator)
            }
            let service = KServeInferenceService(
                namespace: namespace, name: name, labels: labels, statusURL: "https://example.com/\(identities.count)")
            let document = normalizer.normalize(service, cluster: ClusterView(inferenceServices: [service]))
            #expect(keys.insert(document.key.key).inserted, "collision on \(document.key.key)")
            #expect(ImportKey.isValidStoredKey(document.key.key))
            let model = document.document.models[0]
            #expect(BackstageRules.isValidEntityName(model.name), "\(model.name)")
            #expect(BackstageRules.isValidEntityName(document.document.modelServer?.name ?? ""))
            for tag in model.tags ?? [] { #expect(BackstageRules.isValidTag(tag), "\(tag)") }
            if identities.count % 1000 == 0 {
                try Fixtures.record(document.document, as: "generated-kserve-\(identities.count)")
            }
        }
    }
}
