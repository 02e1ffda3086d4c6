/// Where everything in a running sandbox is: the content of `sandbox.json` and of
/// `GET /sandbox/status`'s `urls`.
///
/// ```swift
/// let description = platform.description
/// description.registries[0].url   // http://127.0.0.1:40001/api/model_registry/v1alpha3
/// ```
public struct SandboxDescription: Sendable, Hashable, Codable {
    /// One Model Registry (or the catalog) and its Route.
    public struct Endpoint: Sendable, Hashable, Codable {
        public var name: String
        /// The Route's namespace.
        public var namespace: String
        /// `namespace:route-name`, the form `MR_ROUTE` takes.
        public var route: String
        /// `http://127.0.0.1:PORT`, also the Route's `status.ingress[0].host` with a scheme.
        public var origin: String
        /// The API base URL.
        public var url: String
    }

    public var scenario: String
    /// The fake Kubernetes API.
    public var kubernetes: String
    /// The kubeconfig pointing at it, when a state directory is used.
    public var kubeconfig: String?
    /// The Backstage emulation and admin endpoints.
    public var backstage: String
    /// What Backstage polls.
    public var location: String
    public var storage: String
    public var podNamespace: String
    public var registries: [Endpoint]
    public var catalog: Endpoint
    /// Every namespace created at start.
    public var namespaces: [String]
    /// What the scenario loaded.
    public var counts: SandboxScenarioLoader.Counts
    /// With RBAC on (`--rbac DIR`): the ServiceAccounts of that folder, and how to act as each of them.
    public var serviceAccounts: [ServiceAccountAccess]?

    /// One ServiceAccount the sandbox issued a token for.
    public struct ServiceAccountAccess: Sendable, Hashable, Codable {
        public var namespace: String
        public var name: String
        /// `system:serviceaccount:<namespace>:<name>`.
        public var user: String
        /// A kubeconfig holding the account's token, when a state directory is used.
        public var kubeconfig: String?
        /// `sidecars.env` as that account: its kubeconfig and its namespace as `POD_NAMESPACE`.
        public var environment: String?
    }
}
