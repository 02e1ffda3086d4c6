import Foundation
import KubeAPI
import Yams

/// Kubernetes objects read from the YAML files of one folder, such as `deploy/rbac/`, for the sandbox to apply to
/// its fake cluster (`modelbridge sandbox --rbac DIR`).
///
/// Every `*.yaml` and `*.yml` file directly in the folder is read, in name order, each `---` document being one
/// object. Each object needs `apiVersion`, `kind` and `metadata.name`, and its kind must be one the fake API serves
/// (ServiceAccounts, Secrets, Roles, ClusterRoles, RoleBindings, ClusterRoleBindings, ConfigMaps, …); a namespaced
/// object without a namespace goes to `default`, as `kubectl apply` would put it.
///
/// ```swift
/// let manifests = try SandboxManifests.load(directory: "deploy/rbac")
/// manifests.serviceAccounts   // [ai-rhdh/rhdh-rhoai-connector]
/// ```
public struct SandboxManifests: Sendable, Hashable {
    /// One object and the file it came from.
    public struct Object: Sendable, Hashable {
        public var file: String
        /// The fake store's kind id (`apiVersion/plural`).
        public var kindID: String
        public var object: JSONValue

        public var name: String { object["metadata"]?["name"]?.stringValue ?? "" }
        public var namespace: String? { object["metadata"]?["namespace"]?.stringValue }
    }

    /// A ServiceAccount among the objects.
    public struct ServiceAccountName: Sendable, Hashable, Codable, CustomStringConvertible {
        public var namespace: String
        public var name: String

        public init(namespace: String, name: String) {
            self.namespace = namespace
            self.name = name
        }

        public var description: String { "\(namespace)/\(name)" }
    }

    public var directory: String
    public var objects: [Object]

    public init(directory: String, objects: [Object]) {
        self.directory = directory
        self.objects = objects
    }

    /// The ServiceAccounts the objects create, in file order.
    public var serviceAccounts: [ServiceAccountName] {
        objects.filter { $0.kindID == ServiceAccount.resource.fakeKindID }.map {
            ServiceAccountName(namespace: $0.namespace ?? "default", name: $0.name)
        }
    }

    /// Reads the folder. Throws ``SandboxPlatformError`` naming the file for a folder that cannot be read, YAML that
    /// does not parse, or an object the fake cannot hold.
    public static func load(
        directory: String, kinds: [FakeKubeResourceKind] = FakeKubeResourceKind.standardKinds
    ) throws -> SandboxManifests {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory).filter {
                $0.hasSuffix(".yaml") || $0.hasSuffix(".yml")
            }.sorted()
        } catch {
            throw SandboxPlatformError("cannot read the folder \(directory): \(error.localizedDescription)")
        }
        guard !files.isEmpty else { throw SandboxPlatformError("\(directory) holds no .yaml or .yml file") }
        var objects: [Object] = []
        for file in files {
            let path = (directory as NSString).appendingPathComponent(file)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw SandboxPlatformError("cannot read \(path)")
            }
            var documents: [Node] = []
            do {
                // The sequence keeps a parse error instead of throwing it.
                var sequence = try Yams.compose_all(yaml: text)
                while let document = sequence.next() { documents.append(document) }
                if let error = sequence.error { throw error }
            } catch {
                throw SandboxPlatformError("\(path) is not valid YAML: \(error)")
            }
            for document in documents {
                let value = json(document)
                if value == .null { continue }  // an empty document, e.g. after a trailing ---
                objects.append(try object(value, file: path, kinds: kinds))
            }
        }
        return SandboxManifests(directory: directory, objects: objects)
    }

    private static func object(_ value: JSONValue, file: String, kinds: [FakeKubeResourceKind]) throws -> Object {
        guard value.objectValue != nil else { throw SandboxPlatformError("\(file): a document is not a mapping") }
        guard let apiVersion = value["apiVersion"]?.stringValue, let kindName = value["kind"]?.stringValue else {
            throw SandboxPlatformError("\(file): an object has no apiVersion or kind")
        }
        // Kinds that are stored (not create-only reviews).
        let storable = kinds.filter { $0.verbs.contains("get") }
        guard let kind = storable.first(where: { $0.apiVersion == apiVersion && $0.kind == kindName }) else {
            let served = Set(storable.map(\.kind)).sorted().joined(separator: ", ")
            throw SandboxPlatformError(
                "\(file): \(apiVersion) \(kindName) is not a kind the sandbox serves (\(served))")
        }
        guard let name = value["metadata"]?["name"]?.stringValue, !name.isEmpty else {
            throw SandboxPlatformError("\(file): a \(kindName) has no metadata.name")
        }
        var object = value
        if kind.namespaced, (object["metadata"]?["namespace"]?.stringValue ?? "").isEmpty {
            object["metadata"]?["namespace"] = "default"
        }
        return Object(file: file, kindID: kind.id, object: object)
    }

    /// A YAML node as JSON, scalars typed by their resolved tag (`"0"` stays a string, `0` is a number).
    static func json(_ node: Node) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: return .null
            case .bool: return node.bool.map { .bool($0) } ?? .string(scalar.string)
            case .int: return node.int.map { .int(Int64($0)) } ?? .string(scalar.string)
            case .float: return node.float.map { .double($0) } ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping { members[key.string ?? ""] = json(value) }
            return .object(members)
        case .sequence(let sequence):
            return .array(sequence.map(json))
        case .alias:
            return .null
        }
    }
}
