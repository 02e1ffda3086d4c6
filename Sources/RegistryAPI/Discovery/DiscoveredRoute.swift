/// An OpenShift Route, reduced to what registry discovery needs. A KubeAPI adapter fills it
/// from `route.openshift.io/v1` objects: ``host`` from `status.ingress[0].host` (`nil` when
/// the route has not been admitted) and ``tls`` from whether `spec.tls` is set.
///
/// ```swift
/// let route = DiscoveredRoute(
///     namespace: "rhoai-model-registries", name: "modelregistry-public-https",
///     labels: ["app.kubernetes.io/managed-by": "model-registry-operator"],
///     host: "modelregistry-public-rest.apps.example.com", tls: true)
/// ```
public struct DiscoveredRoute: Sendable, Hashable {
    public var namespace: String
    public var name: String
    public var labels: [String: String]
    public var host: String?
    public var tls: Bool

    public init(namespace: String, name: String, labels: [String: String] = [:], host: String?, tls: Bool) {
        self.namespace = namespace
        self.name = name
        self.labels = labels
        self.host = host
        self.tls = tls
    }

    /// `https://<host>` when the route terminates TLS, else `http://<host>`; `nil` without a host.
    public var origin: String? {
        guard let host, !host.isEmpty else { return nil }
        return (tls ? "https://" : "http://") + host
    }
}

/// Lists OpenShift Routes in all namespaces. KubeAPI provides the real implementation; tests
/// use an in-memory one.
///
/// ```swift
/// struct StaticRoutes: RouteLister {
///     let routes: [DiscoveredRoute]
///     func listRoutes(labelSelector: String?) async throws -> [DiscoveredRoute] { routes }
/// }
/// ```
public protocol RouteLister: Sendable {
    /// Every Route in every namespace, or only those matching `labelSelector`
    /// (Kubernetes syntax, e.g. `app.kubernetes.io/managed-by=model-registry-operator`).
    func listRoutes(labelSelector: String?) async throws -> [DiscoveredRoute]
}
