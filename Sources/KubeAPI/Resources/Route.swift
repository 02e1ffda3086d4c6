/// An OpenShift `Route` (`route.openshift.io/v1`): the host it serves and where routers admitted it.
///
/// ```swift
/// let routes = try await client.listAll(Route.self, options: ListOptions(labelSelector: "app=x"))
/// let host = routes.items.first?.status?.ingress?.first?.host
/// ```
public struct Route: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "route.openshift.io", version: "v1", plural: "routes", kind: "Route", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: Spec?
    public var status: Status?

    public init(metadata: ObjectMeta, spec: Spec? = nil, status: Status? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// `spec`.
    public struct Spec: Codable, Sendable, Hashable {
        public var host: String?
        public var path: String?
        public var tls: TLS?
        public init(host: String? = nil, path: String? = nil, tls: TLS? = nil) {
            self.host = host
            self.path = path
            self.tls = tls
        }
    }

    /// `spec.tls`.
    public struct TLS: Codable, Sendable, Hashable {
        /// `edge`, `passthrough` or `reencrypt`.
        public var termination: String?
        public var insecureEdgeTerminationPolicy: String?
        public init(termination: String? = nil, insecureEdgeTerminationPolicy: String? = nil) {
            self.termination = termination
            self.insecureEdgeTerminationPolicy = insecureEdgeTerminationPolicy
        }
    }

    /// `status`.
    public struct Status: Codable, Sendable, Hashable {
        public var ingress: [Ingress]?
        public init(ingress: [Ingress]? = nil) { self.ingress = ingress }
    }

    /// `status.ingress[]`: one router's view of the route.
    public struct Ingress: Codable, Sendable, Hashable {
        public var host: String?
        public var routerName: String?
        public var conditions: [Condition]?
        public init(host: String? = nil, routerName: String? = nil, conditions: [Condition]? = nil) {
            self.host = host
            self.routerName = routerName
            self.conditions = conditions
        }
    }
}
