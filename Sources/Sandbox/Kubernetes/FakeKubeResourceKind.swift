import KubeAPI

/// One kind of resource the fake API server serves, with what discovery reports about it.
///
/// ```swift
/// let kinds = FakeKubeResourceKind.standardKinds   // ConfigMaps, ISVCs, Routes, …
/// ```
public struct FakeKubeResourceKind: Sendable, Hashable {
    public var group: String
    public var version: String
    public var plural: String
    public var singular: String
    public var kind: String
    public var namespaced: Bool
    public var shortNames: [String]
    public var verbs: [String]
    /// Custom resources and a few built-ins keep `status` apart: the main endpoint ignores status changes and
    /// `/status` changes only the status.
    public var hasStatusSubresource: Bool
    /// Whether the kind is a custom resource (strategic merge patch is refused with 415, as for real CRs).
    public var isCustomResource: Bool
    /// Whether `…/{name}/proxy[/{path}]` forwards HTTP to the object (pods: ``FakeKubePodProxy``).
    public var hasProxySubresource: Bool

    public init(
        group: String, version: String, plural: String, singular: String, kind: String, namespaced: Bool,
        shortNames: [String] = [], verbs: [String] = FakeKubeResourceKind.allVerbs,
        hasStatusSubresource: Bool = false, isCustomResource: Bool = false, hasProxySubresource: Bool = false
    ) {
        self.group = group
        self.version = version
        self.plural = plural
        self.singular = singular
        self.kind = kind
        self.namespaced = namespaced
        self.shortNames = shortNames
        self.verbs = verbs
        self.hasStatusSubresource = hasStatusSubresource
        self.isCustomResource = isCustomResource
        self.hasProxySubresource = hasProxySubresource
    }

    /// The verbs of an ordinary resource.
    public static let allVerbs = ["create", "delete", "get", "list", "patch", "update", "watch"]

    /// `v1` or `group/version`.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    /// A stable identifier of the kind inside the store.
    var id: String { "\(apiVersion)/\(plural)" }
    /// `plural.group` as in error messages.
    var qualifiedName: String { group.isEmpty ? plural : "\(plural).\(group)" }

    /// Builds a kind from a client-side descriptor.
    public init(
        _ descriptor: ResourceDescriptor, singular: String, shortNames: [String] = [],
        verbs: [String] = FakeKubeResourceKind.allVerbs, hasStatusSubresource: Bool = false,
        isCustomResource: Bool = false, hasProxySubresource: Bool = false
    ) {
        self.init(
            group: descriptor.group, version: descriptor.version, plural: descriptor.plural, singular: singular,
            kind: descriptor.kind, namespaced: descriptor.namespaced, shortNames: shortNames, verbs: verbs,
            hasStatusSubresource: hasStatusSubresource, isCustomResource: isCustomResource,
            hasProxySubresource: hasProxySubresource)
    }

    /// Namespaces, ConfigMaps, Secrets, Services, ServiceAccounts, Pods (with `pods/status` and `pods/proxy`), Leases,
    /// CRDs, SelfSubjectAccessReviews, the four RBAC kinds (what `kubectl apply -k deploy/` creates), Routes, InferenceServices and LLMInferenceServices.
    public static let standardKinds: [FakeKubeResourceKind] = [
        FakeKubeResourceKind(
            Namespace.resource, singular: "namespace", shortNames: ["ns"],
            verbs: ["create", "delete", "get", "list", "patch", "update", "watch"], hasStatusSubresource: true),
        FakeKubeResourceKind(ConfigMap.resource, singular: "configmap", shortNames: ["cm"]),
        FakeKubeResourceKind(
            KubeService.resource, singular: "service", shortNames: ["svc"], hasStatusSubresource: true),
        FakeKubeResourceKind(ServiceAccount.resource, singular: "serviceaccount", shortNames: ["sa"]),
        FakeKubeResourceKind(
            Pod.resource, singular: "pod", shortNames: ["po"], hasStatusSubresource: true, hasProxySubresource: true),
        FakeKubeResourceKind(
            group: "", version: "v1", plural: "secrets", singular: "secret", kind: "Secret", namespaced: true),
        FakeKubeResourceKind(
            group: "rbac.authorization.k8s.io", version: "v1", plural: "roles", singular: "role", kind: "Role",
            namespaced: true),
        FakeKubeResourceKind(
            group: "rbac.authorization.k8s.io", version: "v1", plural: "rolebindings", singular: "rolebinding",
            kind: "RoleBinding", namespaced: true),
        FakeKubeResourceKind(
            group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterroles", singular: "clusterrole",
            kind: "ClusterRole", namespaced: false),
        FakeKubeResourceKind(
            group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterrolebindings",
            singular: "clusterrolebinding", kind: "ClusterRoleBinding", namespaced: false),
        FakeKubeResourceKind(Lease.resource, singular: "lease"),
        FakeKubeResourceKind(
            CustomResourceDefinition.resource, singular: "customresourcedefinition", shortNames: ["crd", "crds"],
            hasStatusSubresource: true),
        FakeKubeResourceKind(SelfSubjectAccessReview.resource, singular: "selfsubjectaccessreview", verbs: ["create"]),
        FakeKubeResourceKind(
            Route.resource, singular: "route", hasStatusSubresource: true, isCustomResource: true),
        FakeKubeResourceKind(
            InferenceService.resource, singular: "inferenceservice", shortNames: ["isvc"], hasStatusSubresource: true,
            isCustomResource: true),
        FakeKubeResourceKind(
            LLMInferenceService.resource, singular: "llminferenceservice", shortNames: ["llmisvc"],
            hasStatusSubresource: true, isCustomResource: true),
    ]
}
