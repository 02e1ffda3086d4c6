/// A `CustomResourceDefinition` (`apiextensions.k8s.io/v1`), reduced to metadata and names: the real body
/// embeds whole OpenAPI schemas that the bridge never needs.
///
/// ```swift
/// _ = try await client.get(CustomResourceDefinition.self, name: "inferenceservices.serving.kserve.io")
/// ```
public struct CustomResourceDefinition: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions",
        kind: "CustomResourceDefinition", namespaced: false)

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

    /// `spec`, reduced to the group, scope and names.
    public struct Spec: Codable, Sendable, Hashable {
        public var group: String?
        public var scope: String?
        public var names: Names?
        public init(group: String? = nil, scope: String? = nil, names: Names? = nil) {
            self.group = group
            self.scope = scope
            self.names = names
        }
    }

    /// `spec.names`.
    public struct Names: Codable, Sendable, Hashable {
        public var plural: String?
        public var singular: String?
        public var kind: String?
        public var shortNames: [String]?
        public init(plural: String? = nil, singular: String? = nil, kind: String? = nil, shortNames: [String]? = nil) {
            self.plural = plural
            self.singular = singular
            self.kind = kind
            self.shortNames = shortNames
        }
    }
}
