/// A core `Namespace` (`v1`, cluster-scoped).
///
/// ```swift
/// _ = try await client.create(Namespace(metadata: ObjectMeta(name: "ns1")))
/// ```
public struct Namespace: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta

    public init(metadata: ObjectMeta) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
    }
}
