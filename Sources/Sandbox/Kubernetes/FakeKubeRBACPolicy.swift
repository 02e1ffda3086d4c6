import KubeAPI

/// kube-apiserver's RBAC authorizer as a plain function of the Roles, ClusterRoles, RoleBindings and
/// ClusterRoleBindings of the fake cluster (their JSON, as stored).
///
/// A request is allowed when one rule of a role bound to the user allows it: the ClusterRoles of every
/// ClusterRoleBinding, then the Roles and ClusterRoles of the RoleBindings in the request's namespace (a
/// ClusterRole bound by a RoleBinding grants only in that namespace). Rules match verbs, API groups, resources
/// (`resource/subresource`, `*`, `*/subresource`), resource names and non-resource URLs (`*` and `/prefix/*`)
/// exactly as `rbac.RuleAllows` does. A binding whose role is missing allows nothing and adds
/// `role.rbac.authorization.k8s.io "x" not found` to the reason of a refusal.
///
/// ```swift
/// let policy = FakeKubeRBACPolicy(clusterRoles: roles, roles: [], clusterRoleBindings: bindings, roleBindings: [])
/// if case .allowed(let reason) = policy.decide(attributes) { print(reason) }  // RBAC: allowed by ClusterRoleBinding …
/// ```
struct FakeKubeRBACPolicy: Sendable {
    /// The RBAC verdict: allowed with the binding that allows, or no opinion with the errors met on the way.
    enum Decision: Sendable, Hashable {
        case allowed(reason: String)
        case noOpinion(reason: String)
    }

    var clusterRoles: [String: JSONValue]
    /// Keyed by `namespace/name`.
    var roles: [String: JSONValue]
    var clusterRoleBindings: [JSONValue]
    /// The RoleBindings of the request's namespace (others never apply).
    var roleBindings: [JSONValue]

    init(clusterRoles: [JSONValue], roles: [JSONValue], clusterRoleBindings: [JSONValue], roleBindings: [JSONValue]) {
        func name(_ object: JSONValue) -> String { object["metadata"]?["name"]?.stringValue ?? "" }
        self.clusterRoles = Dictionary(clusterRoles.map { (name($0), $0) }, uniquingKeysWith: { first, _ in first })
        self.roles = Dictionary(
            roles.map { ("\($0["metadata"]?["namespace"]?.stringValue ?? "")/\(name($0))", $0) },
            uniquingKeysWith: { first, _ in first })
        self.clusterRoleBindings = clusterRoleBindings.sorted { name($0) < name($1) }
        self.roleBindings = roleBindings.sorted { name($0) < name($1) }
    }

    func decide(_ attributes: FakeKubeAccessAttributes) -> Decision {
        var errors: [String] = []
        for binding in clusterRoleBindings {
            guard let subject = Self.subject(of: binding, matching: attributes.user, bindingNamespace: "") else {
                continue
            }
            switch rules(of: binding, bindingNamespace: "") {
            case .failure(let error):
                errors.append(error.message)
            case .success(let rules):
                if rules.contains(where: { Self.rule($0, allows: attributes) }) {
                    return .allowed(
                        reason: "RBAC: allowed by \(Self.describe(binding, subject: subject, namespace: ""))")
                }
            }
        }
        if !attributes.namespace.isEmpty {
            for binding in roleBindings
            where binding["metadata"]?["namespace"]?.stringValue == attributes.namespace {
                let namespace = attributes.namespace
                guard let subject = Self.subject(of: binding, matching: attributes.user, bindingNamespace: namespace)
                else { continue }
                switch rules(of: binding, bindingNamespace: namespace) {
                case .failure(let error):
                    errors.append(error.message)
                case .success(let rules):
                    if rules.contains(where: { Self.rule($0, allows: attributes) }) {
                        return .allowed(
                            reason: "RBAC: allowed by \(Self.describe(binding, subject: subject, namespace: namespace))"
                        )
                    }
                }
            }
        }
        return .noOpinion(reason: errors.isEmpty ? "" : "RBAC: \(Self.aggregate(errors))")
    }

    // MARK: - Roles and bindings

    struct ReferenceError: Error, Sendable {
        var message: String
    }

    /// The rules of the role a binding refers to; a RoleBinding's `Role` is looked up in its own namespace.
    private func rules(of binding: JSONValue, bindingNamespace: String) -> Result<[JSONValue], ReferenceError> {
        let kind = binding["roleRef"]?["kind"]?.stringValue ?? ""
        let name = binding["roleRef"]?["name"]?.stringValue ?? ""
        switch kind {
        case "ClusterRole":
            guard let role = clusterRoles[name] else {
                return .failure(ReferenceError(message: "clusterrole.rbac.authorization.k8s.io \"\(name)\" not found"))
            }
            return .success(role["rules"]?.arrayValue ?? [])
        case "Role":
            guard let role = roles["\(bindingNamespace)/\(name)"] else {
                return .failure(ReferenceError(message: "role.rbac.authorization.k8s.io \"\(name)\" not found"))
            }
            return .success(role["rules"]?.arrayValue ?? [])
        default:
            return .failure(ReferenceError(message: "unsupported role reference kind: \"\(kind)\""))
        }
    }

    /// The first subject of `binding` that names `user`: the user, one of its groups, or its ServiceAccount (a
    /// ServiceAccount subject without a namespace is in the binding's namespace).
    static func subject(of binding: JSONValue, matching user: FakeKubeUser, bindingNamespace: String) -> JSONValue? {
        for subject in binding["subjects"]?.arrayValue ?? [] {
            let name = subject["name"]?.stringValue ?? ""
            switch subject["kind"]?.stringValue {
            case "User":
                if user.name == name { return subject }
            case "Group":
                if user.groups.contains(name) { return subject }
            case "ServiceAccount":
                let namespace = subject["namespace"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? bindingNamespace
                if !namespace.isEmpty, user.name == "system:serviceaccount:\(namespace):\(name)" { return subject }
            default:
                continue
            }
        }
        return nil
    }

    /// `ClusterRoleBinding "b" of ClusterRole "r" to ServiceAccount "sa/ns"` or
    /// `RoleBinding "b/ns" of Role "r" to Group "g"`, as kube-apiserver's RBAC reasons name their source.
    static func describe(_ binding: JSONValue, subject: JSONValue, namespace: String) -> String {
        let name = binding["metadata"]?["name"]?.stringValue ?? ""
        let roleKind = binding["roleRef"]?["kind"]?.stringValue ?? ""
        let roleName = binding["roleRef"]?["name"]?.stringValue ?? ""
        let subjectKind = subject["kind"]?.stringValue ?? ""
        var subjectName = subject["name"]?.stringValue ?? ""
        if subjectKind == "ServiceAccount" {
            let subjectNamespace = subject["namespace"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? namespace
            subjectName += "/\(subjectNamespace)"
        }
        let source = namespace.isEmpty ? "ClusterRoleBinding \"\(name)\"" : "RoleBinding \"\(name)/\(namespace)\""
        return "\(source) of \(roleKind) \"\(roleName)\" to \(subjectKind) \"\(subjectName)\""
    }

    /// Go's aggregate error text: one message alone, several (without repeats) as `[a, b]`.
    static func aggregate(_ messages: [String]) -> String {
        var unique: [String] = []
        for message in messages where !unique.contains(message) { unique.append(message) }
        return unique.count == 1 ? unique[0] : "[\(unique.joined(separator: ", "))]"
    }

    // MARK: - Rules

    /// `rbac.RuleAllows`: verbs and, for resources, API groups, resources and names; else non-resource URLs.
    static func rule(_ rule: JSONValue, allows attributes: FakeKubeAccessAttributes) -> Bool {
        func strings(_ field: String) -> [String] { rule[field]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        let verbs = strings("verbs")
        guard verbs.contains("*") || verbs.contains(attributes.verb) else { return false }
        guard attributes.isResourceRequest else {
            return strings("nonResourceURLs").contains { url in
                if url == "*" || url == attributes.path { return true }
                guard url.hasSuffix("*") else { return false }
                var prefix = Substring(url)
                while prefix.hasSuffix("*") { prefix.removeLast() }
                return attributes.path.hasPrefix(prefix)
            }
        }
        let groups = strings("apiGroups")
        guard groups.contains("*") || groups.contains(attributes.apiGroup) else { return false }
        let combined =
            attributes.subresource.isEmpty ? attributes.resource : "\(attributes.resource)/\(attributes.subresource)"
        let resourceMatches = strings("resources").contains { resource in
            if resource == "*" || resource == combined { return true }
            return !attributes.subresource.isEmpty && resource == "*/\(attributes.subresource)"
        }
        guard resourceMatches else { return false }
        let names = strings("resourceNames")
        return names.isEmpty || names.contains(attributes.name)
    }

    // MARK: - Bootstrap policy

    /// The default roles every cluster has that matter here, created when RBAC is on (kind id, object):
    /// `cluster-admin` for `system:masters`, and for every authenticated user `system:discovery` (`/api`, `/apis`,
    /// …), `system:basic-user` (SelfSubjectAccessReviews) and `system:public-info-viewer` (`/version`, health).
    static let bootstrapObjects: [(kindID: String, object: JSONValue)] = {
        let clusterRoles = "rbac.authorization.k8s.io/v1/clusterroles"
        let clusterRoleBindings = "rbac.authorization.k8s.io/v1/clusterrolebindings"
        let metadata: (String) -> JSONValue = { name in
            [
                "name": .string(name), "labels": ["kubernetes.io/bootstrapping": "rbac-defaults"],
                "annotations": ["rbac.authorization.kubernetes.io/autoupdate": "true"],
            ]
        }
        func binding(_ name: String, groups: [String]) -> JSONValue {
            [
                "metadata": metadata(name),
                "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": .string(name)],
                "subjects": .array(
                    groups.map { ["apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": .string($0)] }),
            ]
        }
        let publicInfo: [JSONValue] = ["/healthz", "/livez", "/readyz", "/version", "/version/"]
        return [
            (
                clusterRoles,
                [
                    "metadata": metadata("cluster-admin"),
                    "rules": [
                        ["apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]],
                        ["nonResourceURLs": ["*"], "verbs": ["*"]],
                    ],
                ]
            ),
            (clusterRoleBindings, binding("cluster-admin", groups: [FakeKubeUser.superuserGroup])),
            (
                clusterRoles,
                [
                    "metadata": metadata("system:discovery"),
                    "rules": [
                        [
                            "nonResourceURLs": .array(
                                ["/api", "/api/*", "/apis", "/apis/*", "/openapi", "/openapi/*"] + publicInfo),
                            "verbs": ["get"],
                        ]
                    ],
                ]
            ),
            (clusterRoleBindings, binding("system:discovery", groups: ["system:authenticated"])),
            (
                clusterRoles,
                [
                    "metadata": metadata("system:basic-user"),
                    "rules": [
                        [
                            "apiGroups": ["authorization.k8s.io"],
                            "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"], "verbs": ["create"],
                        ],
                        [
                            "apiGroups": ["authentication.k8s.io"], "resources": ["selfsubjectreviews"],
                            "verbs": ["create"],
                        ],
                    ],
                ]
            ),
            (clusterRoleBindings, binding("system:basic-user", groups: ["system:authenticated"])),
            (
                clusterRoles,
                [
                    "metadata": metadata("system:public-info-viewer"),
                    "rules": [["nonResourceURLs": .array(publicInfo), "verbs": ["get"]]],
                ]
            ),
            (
                clusterRoleBindings,
                binding("system:public-info-viewer", groups: ["system:authenticated", "system:unauthenticated"])
            ),
        ]
    }()
}
