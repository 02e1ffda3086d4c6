/// One Kubernetes permission a role needs, where it is granted in `deploy/`, and the rule that grants it.
///
/// ```swift
/// let needed = PermissionRequirement.required(for: settings)
/// needed.first?.checkName   // "rbac get customresourcedefinitions.apiextensions.k8s.io (cluster)"
/// ```
public struct PermissionRequirement: Sendable, Hashable {
    /// Which object of `deploy/rbac/` grants it.
    public enum Grant: Sendable, Hashable {
        /// The ClusterRole `rhdh-rhoai-connector` (`deploy/rbac/cluster-role.yaml`).
        case clusterRole
        /// The Role `rhdh-rhoai-connector` in the bridge's namespace (`deploy/rbac/role.yaml`).
        case namespaceRole
    }

    public var verb: String
    /// Plural resource name, e.g. `routes`.
    public var resource: String
    /// API group; empty for the core group.
    public var group: String
    /// Nil: all namespaces (or a cluster-scoped resource).
    public var namespace: String?
    /// Whether the resource has no namespace at all (CRDs).
    public var clusterScoped: Bool
    /// Who needs it and why, e.g. `rhoai-normalizer: registry discovery`.
    public var purpose: String
    public var grant: Grant
    /// What a denial means: `.fail` for what the bridge cannot work without, `.warn` for optional features.
    public var severityWhenDenied: DoctorResult

    public init(
        verb: String, resource: String, group: String = "", namespace: String? = nil, clusterScoped: Bool = false,
        purpose: String, grant: Grant, severityWhenDenied: DoctorResult = .fail
    ) {
        self.verb = verb
        self.resource = resource
        self.group = group
        self.namespace = namespace
        self.clusterScoped = clusterScoped
        self.purpose = purpose
        self.grant = grant
        self.severityWhenDenied = severityWhenDenied
    }

    /// `routes.route.openshift.io`, or `configmaps` for the core group.
    public var qualifiedResource: String { group.isEmpty ? resource : "\(resource).\(group)" }

    /// `rbac list routes.route.openshift.io (all namespaces)`, `rbac patch configmaps in ai-rhdh` or
    /// `rbac get customresourcedefinitions.apiextensions.k8s.io (cluster)`.
    public var checkName: String {
        let scope = namespace.map { "in \($0)" } ?? (clusterScoped ? "(cluster)" : "(all namespaces)")
        return "rbac \(verb) \(qualifiedResource) \(scope)"
    }

    /// The rule to add, as YAML for the `rules:` list of the Role or ClusterRole that should grant it.
    public var ruleYAML: String {
        """
        - apiGroups: ["\(group)"]
          resources: ["\(resource)"]
          verbs: ["\(verb)"]
        """
    }

    /// The complete fix: which object to change, the rule, and how to apply it.
    public func fix(serviceAccountNamespace: String) -> String {
        let target: String
        switch grant {
        case .clusterRole:
            target = "the ClusterRole rhdh-rhoai-connector (deploy/rbac/cluster-role.yaml)"
        case .namespaceRole:
            target = "the Role rhdh-rhoai-connector in \(namespace ?? serviceAccountNamespace) (deploy/rbac/role.yaml)"
        }
        let binding = grant == .clusterRole ? "ClusterRoleBinding" : "RoleBinding"
        return """
            \(purpose) needs "\(verb)" on \(qualifiedResource). Add this rule to \(target):
            \(ruleYAML)
            then apply it and check that the \(binding) rhdh-rhoai-connector names the ServiceAccount \
            \(serviceAccountNamespace)/rhdh-rhoai-connector:
            kubectl apply -k deploy/
            """
    }

    /// Every permission the roles need with these settings: the ClusterRole's reads for the normalizer, the
    /// Role's ConfigMap writes for storage-rest, and the Lease when leader election is on.
    public static func required(for settings: DoctorSettings) -> [PermissionRequirement] {
        let namespace = settings.namespace
        var result: [PermissionRequirement] = [
            PermissionRequirement(
                verb: "get", resource: "customresourcedefinitions", group: "apiextensions.k8s.io", clusterScoped: true,
                purpose: "rhoai-normalizer (is KServe installed?)", grant: .clusterRole),
            PermissionRequirement(
                verb: "list", resource: "inferenceservices", group: "serving.kserve.io",
                purpose: "rhoai-normalizer (KServe inference services)", grant: .clusterRole),
            PermissionRequirement(
                verb: "watch", resource: "inferenceservices", group: "serving.kserve.io",
                purpose: "rhoai-normalizer (KServe inference services)", grant: .clusterRole),
            PermissionRequirement(
                verb: "list", resource: "llminferenceservices", group: "serving.kserve.io",
                purpose: "rhoai-normalizer (LLM inference services, optional)", grant: .clusterRole,
                severityWhenDenied: .warn),
            PermissionRequirement(
                verb: "watch", resource: "llminferenceservices", group: "serving.kserve.io",
                purpose: "rhoai-normalizer (LLM inference services, optional)", grant: .clusterRole,
                severityWhenDenied: .warn),
            PermissionRequirement(
                verb: "list", resource: "routes", group: "route.openshift.io",
                purpose: "rhoai-normalizer (Model Registry and catalog discovery)", grant: .clusterRole),
            PermissionRequirement(
                verb: "list", resource: "services",
                purpose: "rhoai-normalizer (in-cluster URLs of inference services)", grant: .clusterRole),
            PermissionRequirement(
                verb: "list", resource: "serviceaccounts",
                purpose: "rhoai-normalizer (token authentication of inference services)", grant: .clusterRole),
        ]
        if settings.storageType.lowercased() != "memory" {
            for verb in ["get", "list", "create", "patch"] {
                result.append(
                    PermissionRequirement(
                        verb: verb, resource: "configmaps", namespace: namespace,
                        purpose: "storage-rest (the bac-import-model cache)", grant: .namespaceRole))
            }
        }
        if settings.leaderElection {
            for verb in ["get", "create", "update"] {
                result.append(
                    PermissionRequirement(
                        verb: verb, resource: "leases", group: "coordination.k8s.io", namespace: namespace,
                        purpose: "rhoai-normalizer (LEADER_ELECT=true)", grant: .namespaceRole))
            }
        }
        if settings.pushToRHDH && settings.backstageURL == nil {
            result.append(
                PermissionRequirement(
                    verb: "list", resource: "routes", group: "route.openshift.io", namespace: namespace,
                    purpose: "storage-rest (finding the Developer Hub Route for PUSH_TO_RHDH)", grant: .clusterRole))
        }
        return result
    }
}
