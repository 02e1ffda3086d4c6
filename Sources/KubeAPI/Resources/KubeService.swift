/// A core `Service` (`v1`). Named `KubeService` so it never collides with ServiceLifecycle's `Service`.
///
/// ```swift
/// let services = try await client.listAll(KubeService.self, namespace: "ns1")
/// let port = services.items.first?.spec?.ports?.first?.targetPort?.intValue
/// ```
public struct KubeService: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "", version: "v1", plural: "services", kind: "Service", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: Spec?

    public init(metadata: ObjectMeta, spec: Spec? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.spec = spec
    }

    /// `spec`.
    public struct Spec: Codable, Sendable, Hashable {
        public var ports: [Port]?
        public var clusterIP: String?
        public var type: String?
        public var selector: [String: String]?
        public init(ports: [Port]? = nil, clusterIP: String? = nil, type: String? = nil) {
            self.ports = ports
            self.clusterIP = clusterIP
            self.type = type
        }
    }

    /// `spec.ports[]`.
    public struct Port: Codable, Sendable, Hashable {
        public var name: String?
        public var port: Int
        public var targetPort: IntOrString?
        public var `protocol`: String?
        public init(name: String? = nil, port: Int, targetPort: IntOrString? = nil) {
            self.name = name
            self.port = port
            self.targetPort = targetPort
        }
    }
}

/// A value that is either an integer or a string on the wire (`targetPort: 8080` or `targetPort: http`).
public enum IntOrString: Codable, Sendable, Hashable {
    case int(Int)
    case string(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        }
    }

    /// The integer, if this is one.
    public var intValue: Int? {
        if case .int(let value) = self { return value }
        return nil
    }
}
