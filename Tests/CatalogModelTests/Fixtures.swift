import Foundation
import Testing

@testable import CatalogModel

/// Access to the upstream fixtures copied into the repository (`Tests/Fixtures/upstream`), and the folder where tests leave every document they produce
/// so `.ci/run` can validate them against the upstream schema.
enum Fixtures {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var upstream: URL { repositoryRoot.appendingPathComponent("Tests/Fixtures/upstream") }

    static func data(_ path: String) throws -> Data {
        try Data(contentsOf: upstream.appendingPathComponent(path))
    }

    static func json(_ path: String) throws -> JSONValue {
        try JSONValue.parse(data(path))
    }

    static func text(_ path: String) throws -> String {
        String(decoding: try data(path), as: UTF8.self)
    }

    static func files(in folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: upstream.appendingPathComponent(folder).path)
            .sorted().map { folder + "/" + $0 }
    }

    static func kserve(_ name: String) throws -> KServeInferenceService {
        try KServeInferenceService(json: JSONValue.parseYAML(text("kserve/transcribed/\(name).yaml")))
    }

    static func registryItems<Item>(_ path: String, _ make: (JSONValue) throws -> Item) throws -> [Item] {
        try decodeRegistryItems(data("model-registry/\(path).json"), as: make).items
    }

    /// Where produced documents go (`MODELBRIDGE_DOCUMENT_DIR`, else `test-output/documents`).
    static var documentDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["MODELBRIDGE_DOCUMENT_DIR"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return repositoryRoot.appendingPathComponent("test-output/documents")
    }

    /// Writes a produced document for the schema check in CI.
    static func record(_ document: ModelCatalog, as name: String) throws {
        let directory = documentDirectory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try document.encodedJSON().write(to: directory.appendingPathComponent(name + ".json"))
    }
}

/// JSON values compared with tags (and other string arrays under `tags`) as sets.
func normalizedForComparison(_ value: JSONValue) -> JSONValue {
    switch value {
    case .object(let members):
        var result: [String: JSONValue] = [:]
        for (key, member) in members {
            if key == "tags", case .array(let items) = member {
                result[key] = .array(Array(Set(items)).sorted { "\($0)" < "\($1)" })
            } else {
                result[key] = normalizedForComparison(member)
            }
        }
        return .object(result)
    case .array(let items):
        return .array(items.map(normalizedForComparison))
    default:
        return value
    }
}

extension JSONValue {
    /// Sets the value at a path of object keys (for applying documented deltas to goldens).
    mutating func set(_ path: [String], to newValue: JSONValue?) {
        guard case .object(var members) = self, let head = path.first else { return }
        if path.count == 1 {
            members[head] = newValue
        } else {
            var child = members[head] ?? .object([:])
            child.set(Array(path.dropFirst()), to: newValue)
            members[head] = child
        }
        self = .object(members)
    }

    /// Sets a value inside `models[0]`.
    mutating func setModel(_ path: [String], to newValue: JSONValue?) {
        guard case .array(var models)? = self["models"], !models.isEmpty else { return }
        models[0].set(path, to: newValue)
        set(["models"], to: .array(models))
    }
}
