import Foundation

/// What one request asks to do, in the terms kube-apiserver's authorizers decide on (its `authorizer.Attributes`):
/// a verb on a resource (group, resource, subresource, name, namespace), or a verb on a non-resource path such as
/// `/apis`.
///
/// ```swift
/// let attributes = FakeKubeAccessAttributes(
///     user: .serviceAccount(namespace: "ai-rhdh", name: "rhdh-rhoai-connector"), verb: "list",
///     apiGroup: "route.openshift.io", resource: "routes")
/// ```
public struct FakeKubeAccessAttributes: Sendable, Hashable {
    public var user: FakeKubeUser
    /// `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`; for non-resource requests
    /// the lower-case HTTP method.
    public var verb: String
    public var isResourceRequest: Bool
    /// The URL path (non-resource requests).
    public var path: String
    public var apiGroup: String
    public var apiVersion: String
    public var resource: String
    public var subresource: String
    /// Empty for collections (list, watch, create), except a list or watch selecting one name with
    /// `fieldSelector=metadata.name=…`, which kube-apiserver authorizes as that name.
    public var name: String
    /// Empty for cluster-scoped requests and for lists across all namespaces.
    public var namespace: String

    /// A resource request.
    public init(
        user: FakeKubeUser, verb: String, apiGroup: String = "", apiVersion: String = "v1", resource: String,
        subresource: String = "", name: String = "", namespace: String = ""
    ) {
        self.user = user
        self.verb = verb
        self.isResourceRequest = true
        self.path = ""
        self.apiGroup = apiGroup
        self.apiVersion = apiVersion
        self.resource = resource
        self.subresource = subresource
        self.name = name
        self.namespace = namespace
    }

    /// A non-resource request: `path` with the lower-case HTTP method as the verb.
    public init(user: FakeKubeUser, verb: String, path: String) {
        self.user = user
        self.verb = verb
        self.isResourceRequest = false
        self.path = path
        self.apiGroup = ""
        self.apiVersion = ""
        self.resource = ""
        self.subresource = ""
        self.name = ""
        self.namespace = ""
    }

    /// The attributes of a request the handler has resolved to a kind and verb. Like kube-apiserver, a request on
    /// one namespace (`/api/v1/namespaces/x`) is in that namespace, and a list or watch with
    /// `fieldSelector=metadata.name=n` is authorized as the name `n`.
    init(
        user: FakeKubeUser, verb: String, kind: FakeKubeResourceKind, namespace: String?, name: String?,
        subresource: String?, query: [String: String]
    ) {
        var resolvedName = name ?? ""
        if resolvedName.isEmpty, verb == "list" || verb == "watch", let selector = query["fieldSelector"] {
            resolvedName = Self.exactName(in: selector) ?? ""
        }
        var resolvedNamespace = namespace ?? ""
        if kind.group.isEmpty && kind.plural == "namespaces" && resolvedNamespace.isEmpty {
            resolvedNamespace = name ?? ""
        }
        self.init(
            user: user, verb: verb, apiGroup: kind.group, apiVersion: kind.version, resource: kind.plural,
            subresource: subresource ?? "", name: resolvedName, namespace: resolvedNamespace)
    }

    /// The attributes of a request that is not on a resource (`/api`, `/apis/{group}/{version}`, `/openapi/v2`,
    /// …), or nil when `segments` name a resource (`/api/v1/{…}`, `/apis/{group}/{version}/{…}`).
    init?(user: FakeKubeUser, method: String, path: String, segments: [String]) {
        let isResource =
            (segments.first == "api" && segments.count >= 3) || (segments.first == "apis" && segments.count >= 4)
        guard !isResource else { return nil }
        self.init(user: user, verb: method.lowercased(), path: path)
    }

    /// Who cannot do what, worded as in kube-apiserver's 403 messages: `User "…" cannot list resource "routes" in
    /// API group "route.openshift.io" at the cluster scope`, or `User "…" cannot get path "/apis"`.
    var forbiddenMessage: String {
        guard isResourceRequest else {
            return "User \"\(user.name)\" cannot \(verb) path \"\(path)\""
        }
        let combined = subresource.isEmpty ? resource : "\(resource)/\(subresource)"
        let scope = namespace.isEmpty ? "at the cluster scope" : "in the namespace \"\(namespace)\""
        return "User \"\(user.name)\" cannot \(verb) resource \"\(combined)\" in API group \"\(apiGroup)\" \(scope)"
    }

    /// The name a field selector requires exactly (`metadata.name=n` or `metadata.name==n`), if any.
    static func exactName(in selector: String) -> String? {
        for requirement in selector.split(separator: ",") {
            let text = requirement.trimmingCharacters(in: .whitespaces)
            for separator in ["==", "="] where text.hasPrefix("metadata.name\(separator)") {
                let value = String(text.dropFirst("metadata.name\(separator)".count))
                if !value.isEmpty, !value.contains("/"), !value.contains("%"), value != ".", value != ".." {
                    return value
                }
            }
        }
        return nil
    }
}
