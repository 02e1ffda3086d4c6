/// A core `ServiceAccount` (`v1`); the bridge reads only its metadata (owner references).
///
/// ```swift
/// let accounts = try await client.listAll(ServiceAccount.self, namespace: "ns1")
/// ```
public struct ServiceAccount: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "", version: "v1", plural: "serviceaccounts", kind: "ServiceAccount", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta

    public init(metadata: ObjectMeta) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
    }
}
