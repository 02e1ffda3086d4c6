import Foundation
import KubeAPI
import Synchronization

/// Who sends each request to the fake API server, and whether they may do what it asks.
///
/// **RBAC off** (the default): as before, every request that passes the accepted-token check may do everything,
/// except what an explicit deny rule (``FakeKubeAccessRule``) refuses.
///
/// **RBAC on** (``FakeKubeServerConfiguration/rbac``), as kube-apiserver with `--authorization-mode=RBAC`:
/// - an accepted admin token, or no token where no token is required, is `system:admin` in `system:masters`, which
///   may do everything;
/// - a ServiceAccount token the fake issued (``issueToken(namespace:serviceAccount:secretName:)``, or the token
///   controller filling a `kubernetes.io/service-account-token` Secret) is `system:serviceaccount:<ns>:<name>`, for as
///   long as that ServiceAccount (and Secret) exists; any other token is refused with 401;
/// - everyone else is decided by the cluster's Roles, ClusterRoles and bindings (``FakeKubeRBACPolicy``); a refusal
///   is kube-apiserver's 403 `Forbidden` Status, and SelfSubjectAccessReviews answer from the same decision.
///
/// Deny rules refuse whoever asks, with RBAC on or off.
final class FakeKubeAuthorizer: Sendable {
    /// A token the fake handed out, and what it stands for.
    struct IssuedToken: Sendable, Hashable {
        var namespace: String
        var serviceAccount: String
        /// The ServiceAccount's uid when the token was made: a new account of the same name does not inherit it.
        var uid: String
        /// The Secret that holds it (legacy tokens): the token dies with the Secret.
        var secretName: String?
    }

    /// The verdict on one request.
    enum Decision: Sendable, Hashable {
        case allowed(reason: String)
        /// `explicit`: refused by a deny rule rather than for want of a grant.
        case denied(reason: String, explicit: Bool)
    }

    static let denyRuleReason = "denied by the sandbox's access rules"

    let store: FakeKubeStore
    let rbac: Bool
    private let tokens = Mutex<[String: IssuedToken]>([:])

    init(store: FakeKubeStore, rbac: Bool) {
        self.store = store
        self.rbac = rbac
    }

    // MARK: - Authentication

    /// The user a request's `Authorization` header stands for, or 401.
    func authenticate(authorization: String?, acceptedTokens: Set<String>?) -> Result<FakeKubeUser, FakeKubeFailure> {
        let unauthorized = FakeKubeFailure(code: 401, reason: "Unauthorized", message: "Unauthorized")
        let token = Self.bearerToken(authorization)
        guard rbac else {
            guard let acceptedTokens else { return .success(.sandboxBridge) }
            guard let token, acceptedTokens.contains(token) else { return .failure(unauthorized) }
            return .success(.sandboxBridge)
        }
        guard let token else {
            return acceptedTokens == nil ? .success(.admin) : .failure(unauthorized)
        }
        if acceptedTokens?.contains(token) == true { return .success(.admin) }
        guard let issued = tokens.withLock({ $0[token] }), isValid(issued, token: token) else {
            return .failure(unauthorized)
        }
        return .success(.serviceAccount(namespace: issued.namespace, name: issued.serviceAccount))
    }

    /// The token of an `Authorization: Bearer …` header, read as kube-apiserver reads it: the scheme in any letter
    /// case, then the text up to the next space.
    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.trimmingCharacters(in: .whitespaces).split(
            separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else { return nil }
        return String(parts[1])
    }

    /// Whether the ServiceAccount (with the same uid) and the Secret holding the token still exist.
    private func isValid(_ issued: IssuedToken, token: String) -> Bool {
        guard let accountKind = store.kind(id: ServiceAccount.resource.fakeKindID),
            let account = try? store.get(accountKind, namespace: issued.namespace, name: issued.serviceAccount),
            account["metadata"]?["uid"]?.stringValue == issued.uid
        else { return false }
        guard let secretName = issued.secretName else { return true }
        guard let secretKind = store.kind(id: "v1/secrets"),
            let secret = try? store.get(secretKind, namespace: issued.namespace, name: secretName),
            let stored = secret["data"]?["token"]?.stringValue.flatMap({ Data(base64Encoded: $0) })
        else { return false }
        return String(decoding: stored, as: UTF8.self) == token
    }

    /// Makes a token for a ServiceAccount that exists, JWT-shaped like the real ones (its signature is random: the
    /// fake only ever looks tokens up). With `secretName` it is a legacy Secret-bound token.
    func issueToken(namespace: String, serviceAccount: String, secretName: String? = nil) throws(FakeKubeFailure)
        -> String
    {
        guard let accountKind = store.kind(id: ServiceAccount.resource.fakeKindID) else {
            throw .badRequest("this fake API serves no ServiceAccounts")
        }
        let account = try store.get(accountKind, namespace: namespace, name: serviceAccount)
        let uid = account["metadata"]?["uid"]?.stringValue ?? ""
        let subject = "system:serviceaccount:\(namespace):\(serviceAccount)"
        let claims: JSONValue
        if let secretName {
            claims = [
                "iss": "kubernetes/serviceaccount", "kubernetes.io/serviceaccount/namespace": .string(namespace),
                "kubernetes.io/serviceaccount/secret.name": .string(secretName),
                "kubernetes.io/serviceaccount/service-account.name": .string(serviceAccount),
                "kubernetes.io/serviceaccount/service-account.uid": .string(uid), "sub": .string(subject),
            ]
        } else {
            let now = Int64(Date.now.timeIntervalSince1970)
            claims = [
                "aud": ["https://kubernetes.default.svc"], "exp": .int(now + 3600), "iat": .int(now),
                "iss": "https://kubernetes.default.svc", "nbf": .int(now), "sub": .string(subject),
                "kubernetes.io": [
                    "namespace": .string(namespace),
                    "serviceaccount": ["name": .string(serviceAccount), "uid": .string(uid)],
                ],
            ]
        }
        let header: JSONValue = ["alg": "RS256", "kid": "modelbridge-sandbox"]
        var random = SystemRandomNumberGenerator()
        let signature = (0..<64).map { _ in UInt8.random(in: 0...255, using: &random) }
        let token = [Self.base64URL(header), Self.base64URL(claims), Self.base64URL(Data(signature))].joined(
            separator: ".")
        tokens.withLock {
            $0[token] = IssuedToken(
                namespace: namespace, serviceAccount: serviceAccount, uid: uid, secretName: secretName)
        }
        return token
    }

    /// Whether the fake issued `token` (valid or not any more).
    func isIssued(_ token: String) -> Bool { tokens.withLock { $0[token] != nil } }

    private static func base64URL(_ value: JSONValue) -> String {
        base64URL((try? KubeJSON.encoder.encode(value)) ?? Data())
    }

    private static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    // MARK: - Authorization

    /// The decision on `attributes`: deny rules first, then `system:masters`, then RBAC (when on).
    func decide(_ attributes: FakeKubeAccessAttributes, denyRules: [FakeKubeAccessRule]) -> Decision {
        if attributes.isResourceRequest,
            denyRules.contains(where: {
                $0.matches(
                    verb: attributes.verb, resource: attributes.resource,
                    namespace: attributes.namespace.isEmpty ? nil : attributes.namespace)
            })
        {
            return .denied(reason: Self.denyRuleReason, explicit: true)
        }
        guard rbac, !attributes.user.isSuperuser else { return .allowed(reason: "") }
        switch policy(namespace: attributes.namespace).decide(attributes) {
        case .allowed(let reason): return .allowed(reason: reason)
        case .noOpinion(let reason): return .denied(reason: reason, explicit: false)
        }
    }

    /// Throws kube-apiserver's 403 when `attributes` are not allowed.
    func authorize(_ attributes: FakeKubeAccessAttributes, denyRules: [FakeKubeAccessRule]) throws(FakeKubeFailure) {
        switch decide(attributes, denyRules: denyRules) {
        case .allowed:
            return
        case .denied(let reason, let explicit):
            // Deny rules keep the message they always had; RBAC refusals carry RBAC's reason, as the real server's.
            throw Self.forbidden(attributes, reason: explicit ? "" : reason)
        }
    }

    /// The cluster's RBAC objects that can apply to a request in `namespace` ("" for cluster scope).
    private func policy(namespace: String) -> FakeKubeRBACPolicy {
        func all(_ plural: String, in namespace: String?) -> [JSONValue] {
            guard let kind = store.kind(id: "rbac.authorization.k8s.io/v1/\(plural)") else { return [] }
            return
                (try? store.list(
                    kind, namespace: namespace, labels: FakeKubeSelector(), fields: FakeKubeSelector(), limit: nil,
                    continueToken: nil
                ).items) ?? []
        }
        let namespaced = !namespace.isEmpty
        return FakeKubeRBACPolicy(
            clusterRoles: all("clusterroles", in: nil), roles: namespaced ? all("roles", in: namespace) : [],
            clusterRoleBindings: all("clusterrolebindings", in: nil),
            roleBindings: namespaced ? all("rolebindings", in: namespace) : [])
    }

    /// kube-apiserver's 403: `routes.route.openshift.io is forbidden: User "…" cannot list resource "routes" in API
    /// group "route.openshift.io" at the cluster scope`, `configmaps "x" is forbidden: …`, or
    /// `forbidden: User "…" cannot get path "/apis"`; the authorizer's reason follows after a colon.
    static func forbidden(_ attributes: FakeKubeAccessAttributes, reason: String) -> FakeKubeFailure {
        var detail = attributes.forbiddenMessage
        if !reason.isEmpty { detail += ": \(reason)" }
        guard attributes.isResourceRequest, !attributes.resource.isEmpty else {
            return FakeKubeFailure(
                code: 403, reason: "Forbidden", message: "forbidden: \(detail)", details: KubeStatus.Details())
        }
        let qualified =
            attributes.apiGroup.isEmpty ? attributes.resource : "\(attributes.resource).\(attributes.apiGroup)"
        let subject = attributes.name.isEmpty ? qualified : "\(qualified) \"\(attributes.name)\""
        return FakeKubeFailure(
            code: 403, reason: "Forbidden", message: "\(subject) is forbidden: \(detail)",
            details: KubeStatus.Details(
                name: attributes.name.isEmpty ? nil : attributes.name,
                group: attributes.apiGroup.isEmpty ? nil : attributes.apiGroup, kind: attributes.resource))
    }

    // MARK: - SelfSubjectAccessReview

    /// Answers a SelfSubjectAccessReview for `user` from the same decision as a real request:
    /// `status.allowed`, `status.reason` (RBAC's `allowed by …`, or why nothing allowed it) and `status.denied` for
    /// deny rules. Exactly one of `spec.resourceAttributes` and `spec.nonResourceAttributes` must be given (422).
    func review(_ body: JSONValue, user: FakeKubeUser, denyRules: [FakeKubeAccessRule]) throws(FakeKubeFailure)
        -> JSONValue
    {
        let spec = body["spec"]
        let resource = spec?["resourceAttributes"].flatMap { $0 == .null ? nil : $0 }
        let nonResource = spec?["nonResourceAttributes"].flatMap { $0 == .null ? nil : $0 }
        switch (resource, nonResource) {
        case (nil, nil):
            throw Self.invalidReview(
                field: "spec.resourceAttributes", value: "null",
                message: "exactly one of nonResourceAttributes or resourceAttributes must be specified")
        case (.some, .some):
            throw Self.invalidReview(
                field: "spec.nonResourceAttributes", value: "…",
                message: "cannot be specified in combination with resourceAttributes")
        default:
            break
        }
        let attributes: FakeKubeAccessAttributes
        if let resource {
            func text(_ field: String) -> String { resource[field]?.stringValue ?? "" }
            attributes = FakeKubeAccessAttributes(
                user: user, verb: text("verb"), apiGroup: text("group"), apiVersion: text("version"),
                resource: text("resource"), subresource: text("subresource"), name: text("name"),
                namespace: text("namespace"))
        } else {
            attributes = FakeKubeAccessAttributes(
                user: user, verb: nonResource?["verb"]?.stringValue ?? "",
                path: nonResource?["path"]?.stringValue ?? "")
        }
        var status: [String: JSONValue]
        switch decide(attributes, denyRules: denyRules) {
        case .allowed(let reason):
            status = ["allowed": true]
            if !reason.isEmpty { status["reason"] = .string(reason) }
        case .denied(let reason, let explicit):
            status = ["allowed": false]
            if explicit { status["denied"] = true }
            if !reason.isEmpty { status["reason"] = .string(reason) }
        }
        var result = body
        result["kind"] = "SelfSubjectAccessReview"
        result["apiVersion"] = "authorization.k8s.io/v1"
        if result["metadata"] == nil || result["metadata"] == .null { result["metadata"] = [:] }
        result["status"] = .object(status)
        return result
    }

    private static func invalidReview(field: String, value: String, message: String) -> FakeKubeFailure {
        let cause = "Invalid value: \"\(value)\": \(message)"
        return FakeKubeFailure(
            code: 422, reason: "Invalid",
            message: "SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: \(field): \(cause)",
            details: KubeStatus.Details(
                group: "authorization.k8s.io", kind: "SelfSubjectAccessReview",
                causes: [KubeStatus.Cause(reason: "FieldValueInvalid", message: cause, field: field)]))
    }

    // MARK: - Bootstrap

    /// Creates the default cluster roles and bindings RBAC needs (see ``FakeKubeRBACPolicy/bootstrapObjects``).
    func seedBootstrapPolicy() {
        for (kindID, object) in FakeKubeRBACPolicy.bootstrapObjects where store.kind(id: kindID) != nil {
            _ = try? store.seed(kind: kindID, object: object)
        }
    }
}
