/// Where a kind of resource lives in the API: group, version, plural and scope.
///
/// ```swift
/// let isvc = ResourceDescriptor(group: "serving.kserve.io", version: "v1beta1",
///                               plural: "inferenceservices", kind: "InferenceService", namespaced: true)
/// isvc.collectionPath(namespace: "ns1")  // /apis/serving.kserve.io/v1beta1/namespaces/ns1/inferenceservices
/// ```
public struct ResourceDescriptor: Sendable, Hashable, CustomStringConvertible {
    /// The API group; empty for the core group (`/api/v1`).
    public var group: String
    public var version: String
    public var plural: String
    public var kind: String
    public var namespaced: Bool

    public init(group: String, version: String, plural: String, kind: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.plural = plural
        self.kind = kind
        self.namespaced = namespaced
    }

    /// `v1` for the core group, else `group/version`.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `/api/v1` or `/apis/{group}/{version}`.
    public var groupVersionPath: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    /// The collection path; a nil namespace means all namespaces (or a cluster-scoped resource).
    public func collectionPath(namespace: String?) -> String {
        if namespaced, let namespace {
            return "\(groupVersionPath)/namespaces/\(KubePath.escape(namespace))/\(plural)"
        }
        return "\(groupVersionPath)/\(plural)"
    }

    /// The path of one object.
    public func objectPath(name: String, namespace: String?) -> String {
        "\(collectionPath(namespace: namespace))/\(KubePath.escape(name))"
    }

    /// `plural.group`, the name kubectl and RBAC use (`inferenceservices.serving.kserve.io`).
    public var description: String { group.isEmpty ? plural : "\(plural).\(group)" }
}

/// A typed Kubernetes resource, so generic operations (get, list, watch, create, update, patch, delete)
/// work for every kind.
///
/// Conforming types decode tolerantly: unknown fields are ignored and list items without `kind` and
/// `apiVersion` are accepted.
public protocol KubeResource: Codable, Sendable {
    /// Where this kind lives in the API.
    static var resource: ResourceDescriptor { get }
    var apiVersion: String? { get set }
    var kind: String? { get set }
    var metadata: ObjectMeta { get set }
}

extension KubeResource {
    /// The cache key: `namespace/name`, or `name` for cluster-scoped objects.
    public var cacheKey: String {
        if let namespace = metadata.namespace, !namespace.isEmpty { return "\(namespace)/\(metadata.name)" }
        return metadata.name
    }

    /// Fills `apiVersion` and `kind` from the descriptor, as the server requires on writes.
    mutating func stampTypeMeta() {
        apiVersion = Self.resource.apiVersion
        kind = Self.resource.kind
    }
}

/// One page of a list: `{"metadata": {"resourceVersion", "continue"}, "items": [...]}`.
///
/// Items decode one by one: an item the typed decoder refuses is left out of ``items`` and listed
/// in ``undecodable``, so one damaged object cannot hide the others.
public struct ObjectList<Item: Decodable & Sendable>: Decodable, Sendable {
    public var metadata: ListMeta
    public var items: [Item]
    /// Items that did not decode, with their name when it can still be read.
    public var undecodable: [UndecodableObject]

    private enum CodingKeys: String, CodingKey { case metadata, items }

    public init(metadata: ListMeta, items: [Item], undecodable: [UndecodableObject] = []) {
        self.metadata = metadata
        self.items = items
        self.undecodable = undecodable
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decodeIfPresent(ListMeta.self, forKey: .metadata) ?? ListMeta()
        // `"items": null` is what an empty list looks like from some servers.
        let attempts = try container.decodeIfPresent([ListedObject<Item>].self, forKey: .items) ?? []
        items = []
        undecodable = []
        for (index, attempt) in attempts.enumerated() {
            switch attempt.outcome {
            case .decoded(let item):
                items.append(item)
            case .failed(let namespace, let name, let reason):
                undecodable.append(UndecodableObject(index: index, namespace: namespace, name: name, reason: reason))
            }
        }
    }
}

/// A list item the typed decoder refused (a wrong JSON type in one field, say).
///
/// ```swift
/// let listed = try await client.listAllReadable(InferenceService.self)
/// for object in listed.undecodable { logger.warning("skipping \(object)") }
/// ```
public struct UndecodableObject: Sendable, Hashable, CustomStringConvertible {
    /// Position on its page, from 0.
    public var index: Int
    public var namespace: String?
    public var name: String?
    /// The decoder's error.
    public var reason: String

    public init(index: Int, namespace: String? = nil, name: String? = nil, reason: String) {
        self.index = index
        self.namespace = namespace
        self.name = name
        self.reason = reason
    }

    /// The cache key the object would have (see ``KubeResource/cacheKey``), when its name reads.
    public var cacheKey: String? {
        guard let name, !name.isEmpty else { return nil }
        if let namespace, !namespace.isEmpty { return "\(namespace)/\(name)" }
        return name
    }

    public var description: String {
        "\(cacheKey ?? "item \(index) (no readable name)"): \(reason)"
    }
}

/// One list element decoded on its own, so that a bad element cannot fail its page.
struct ListedObject<Item: Decodable>: Decodable {
    enum Outcome {
        case decoded(Item)
        case failed(namespace: String?, name: String?, reason: String)
    }

    private struct Identity: Decodable {
        struct Meta: Decodable {
            var name: String?
            var namespace: String?
        }
        var metadata: Meta?
    }

    let outcome: Outcome

    init(from decoder: any Decoder) throws {
        do {
            outcome = .decoded(try Item(from: decoder))
        } catch {
            let identity = try? Identity(from: decoder)
            outcome = .failed(
                namespace: identity?.metadata?.namespace, name: identity?.metadata?.name, reason: "\(error)")
        }
    }
}

/// Path escaping for names and namespaces (they are DNS-like, but a stray character must not break the URL).
enum KubePath {
    static func escape(_ segment: String) -> String {
        segment.addingKubePercentEncoding()
    }
}

extension String {
    /// Percent-encodes everything except RFC 3986 unreserved characters, so selectors such as
    /// `app.kubernetes.io/managed-by=x` survive as one query value.
    func addingKubePercentEncoding() -> String {
        var result = ""
        result.reserveCapacity(utf8.count)
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                result.unicodeScalars.append("%")
                result.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                result.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0x0F)]))
            }
        }
        return result
    }
}
