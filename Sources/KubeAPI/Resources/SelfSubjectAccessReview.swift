/// A `SelfSubjectAccessReview` (`authorization.k8s.io/v1`): asks the server "may I do this?". Create-only.
///
/// ```swift
/// let review = try await client.create(SelfSubjectAccessReview(verb: "list", resource: "routes",
///                                                              group: "route.openshift.io"))
/// let allowed = review.status?.allowed ?? false
/// ```
public struct SelfSubjectAccessReview: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "authorization.k8s.io", version: "v1", plural: "selfsubjectaccessreviews",
        kind: "SelfSubjectAccessReview", namespaced: false)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: Spec
    public var status: Status?

    /// A review of `verb` on `resource` (optionally its `subresource`, e.g. `pods` + `proxy`).
    public init(
        verb: String, resource: String, group: String = "", namespace: String? = nil, name: String? = nil,
        subresource: String? = nil
    ) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = ObjectMeta(name: "")
        self.spec = Spec(
            resourceAttributes: ResourceAttributes(
                namespace: namespace, verb: verb, group: group, resource: resource, subresource: subresource,
                name: name))
    }

    /// `spec`.
    public struct Spec: Codable, Sendable, Hashable {
        public var resourceAttributes: ResourceAttributes?
    }

    /// `spec.resourceAttributes`.
    public struct ResourceAttributes: Codable, Sendable, Hashable {
        public var namespace: String?
        public var verb: String?
        public var group: String?
        public var resource: String?
        public var subresource: String?
        public var name: String?
    }

    /// `status`: the server's answer.
    public struct Status: Codable, Sendable, Hashable {
        public var allowed: Bool
        public var denied: Bool?
        public var reason: String?
        public init(allowed: Bool, denied: Bool? = nil, reason: String? = nil) {
            self.allowed = allowed
            self.denied = denied
            self.reason = reason
        }
    }
}
