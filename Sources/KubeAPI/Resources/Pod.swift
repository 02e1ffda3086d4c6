/// A core `Pod` (`v1`), with the fields needed to find a running pod and reach its containers' ports: the
/// containers and their named ports, and the status the kubelet writes (phase, pod IPs, conditions).
///
/// ```swift
/// let pods = try await client.listPods(namespace: "ai-rhdh", labelSelector: "rhdh.redhat.com/app=backstage-developer-hub")
/// let running = pods.first { $0.isReady }
/// let port = running?.containerPort(named: "location")   // 9090
/// ```
public struct Pod: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "", version: "v1", plural: "pods", kind: "Pod", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: Spec?
    public var status: Status?

    public init(metadata: ObjectMeta, spec: Spec? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.spec = spec
    }

    /// `spec`.
    public struct Spec: Codable, Sendable, Hashable {
        public var containers: [Container]
        public var nodeName: String?
        public var serviceAccountName: String?

        public init(containers: [Container], serviceAccountName: String? = nil) {
            self.containers = containers
            self.serviceAccountName = serviceAccountName
        }
    }

    /// `spec.containers[]`.
    public struct Container: Codable, Sendable, Hashable {
        public var name: String
        public var image: String?
        public var ports: [ContainerPort]?

        public init(name: String, image: String? = nil, ports: [ContainerPort]? = nil) {
            self.name = name
            self.image = image
            self.ports = ports
        }
    }

    /// `spec.containers[].ports[]`.
    public struct ContainerPort: Codable, Sendable, Hashable {
        public var name: String?
        public var containerPort: Int
        public var `protocol`: String?

        public init(name: String? = nil, containerPort: Int, protocol: String? = nil) {
            self.name = name
            self.containerPort = containerPort
            self.protocol = `protocol`
        }
    }

    /// `status`.
    public struct Status: Codable, Sendable, Hashable {
        /// `Pending`, `Running`, `Succeeded`, `Failed` or `Unknown`.
        public var phase: String?
        public var podIP: String?
        public var podIPs: [PodIP]?
        public var hostIP: String?
        public var conditions: [Condition]?
        public var startTime: String?
    }

    /// `status.podIPs[]`.
    public struct PodIP: Codable, Sendable, Hashable {
        public var ip: String
    }

    /// The pod's primary IP, as the API server's proxy picks it: the first of `status.podIPs`.
    public var primaryIP: String? { status?.podIPs?.first?.ip ?? status?.podIP }

    /// Whether the pod runs and its `Ready` condition is `True`.
    public var isReady: Bool {
        status?.phase == "Running" && (status?.conditions?.contains { $0.type == "Ready" && $0.isTrue } ?? false)
    }

    /// The number of the container port called `name` (container port names are unique within a pod).
    public func containerPort(named name: String) -> Int? {
        for container in spec?.containers ?? [] {
            if let port = container.ports?.first(where: { $0.name == name }) { return port.containerPort }
        }
        return nil
    }
}
