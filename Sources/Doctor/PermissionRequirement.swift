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
        /// The Role `modelbridge-console-operator` (`deploy/rbac/console-operator-role.yaml`), bound to an operator,
        /// not to the connector: `subject` is the `kubectl create rolebinding` flag that names the operator, e.g.
        /// `--serviceaccount=ai-rhdh:jane` or `--user=<operator>`.
        case consoleOperatorRole(subject: String)

        /// The Role's name and file, as `deploy/rbac/console-operator-role.yaml` defines them.
        public static let consoleOperatorRoleName = "modelbridge-console-operator"
        public static let consoleOperatorRoleFile = "deploy/rbac/console-operator-role.yaml"
    }

    public var verb: String
    /// Plural resource name, e.g. `routes`.
    public var resource: String
    /// A subresource such as `proxy` (of `pods`): RBAC grants it only by a rule for `pods/proxy`, never by one for
    /// `pods`.
    public var subresource: String?
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
        verb: String, resource: String, subresource: String? = nil, group: String = "", namespace: String? = nil,
        clusterScoped: Bool = false, purpose: String, grant: Grant, severityWhenDenied: DoctorResult = .fail
    ) {
        self.verb = verb
        self.resource = resource
        self.subresource = subresource
        self.group = group
        self.namespace = namespace
        self.clusterScoped = clusterScoped
        self.purpose = purpose
        self.grant = grant
        self.severityWhenDenied = severityWhenDenied
    }

    /// `pods/proxy`, or `pods`: the resource as an RBAC rule lists it.
    public var ruleResource: String { subresource.map { "\(resource)/\($0)" } ?? resource }

    /// `routes.route.openshift.io`, `configmaps` or `pods/proxy` for the core group.
    public var qualifiedResource: String {
        let qualified = group.isEmpty ? resource : "\(resource).\(group)"
        return subresource.map { "\(qualified)/\($0)" } ?? qualified
    }

    /// `rbac list routes.route.openshift.io (all namespaces)`, `rbac patch configmaps in ai-rhdh`,
    /// `rbac get customresourcedefinitions.apiextensions.k8s.io (cluster)`, or for an operator's console access
    /// `console rbac get pods/proxy in ai-rhdh`.
    public var checkName: String {
        let scope = namespace.map { "in \($0)" } ?? (clusterScoped ? "(cluster)" : "(all namespaces)")
        let prefix = if case .consoleOperatorRole = grant { "console rbac" } else { "rbac" }
        return "\(prefix) \(verb) \(qualifiedResource) \(scope)"
    }

    /// The rule to add, as YAML for the `rules:` list of the Role or ClusterRole that should grant it.
    public var ruleYAML: String {
        """
        - apiGroups: ["\(group)"]
          resources: ["\(ruleResource)"]
          verbs: ["\(verb)"]
        """
    }

    /// The complete fix: which object to change, the rule, and how to apply it; for an operator's console access,
    /// the RoleBinding to create.
    public func fix(serviceAccountNamespace: String) -> String {
        let target: String
        switch grant {
        case .clusterRole:
            target = "the ClusterRole rhdh-rhoai-connector (deploy/rbac/cluster-role.yaml)"
        case .namespaceRole:
            target = "the Role rhdh-rhoai-connector in \(namespace ?? serviceAccountNamespace) (deploy/rbac/role.yaml)"
        case .consoleOperatorRole(let subject):
            return consoleFix(namespace: namespace ?? serviceAccountNamespace, subject: subject)
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

    /// The operator needs the console Role bound, not a new rule: the Role already grants everything the console
    /// uses. `kubectl auth can-i` takes the subresource as a flag (`pods/proxy` would ask about a pod named `proxy`).
    private func consoleFix(namespace: String, subject: String) -> String {
        let role = Grant.consoleOperatorRoleName
        let canI = subresource.map { "\(resource) --subresource=\($0)" } ?? resource
        return """
            \(purpose) needs "\(verb)" on \(qualifiedResource) in \(namespace), with the operator's own kubeconfig. \
            The Role \(role) (\(Grant.consoleOperatorRoleFile), created by kubectl apply -k deploy/) grants it; \
            bind it to the operator:
            kubectl -n \(namespace) create rolebinding \(role) --role=\(role) \(subject)
            (or to your operators' group with --group=…; see docs/installation.md "Operator access for the console"), \
            then check it with the operator's kubeconfig:
            kubectl -n \(namespace) auth can-i \(verb) \(canI)
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
