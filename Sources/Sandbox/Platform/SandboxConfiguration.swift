/// How a ``SandboxPlatform`` runs: where it listens, what it holds, how fast its simulated
/// controllers and Backstage move, and what it tells the sidecars.
///
/// ```swift
/// var configuration = SandboxConfiguration(scenario: .demo)
/// configuration.readyDelay = .milliseconds(100)
/// configuration.stateDirectory = "/tmp/sandbox"
/// let platform = SandboxPlatform(configuration: configuration)
/// ```
public struct SandboxConfiguration: Sendable {
    /// Every server binds here (loopback unless told otherwise).
    public var host: String
    /// The fake Kubernetes API's port; 0 picks a free one.
    public var kubernetesPort: Int
    /// The Backstage emulation and admin port; 0 picks a free one.
    public var backstagePort: Int
    /// Registry and catalog ports are always ephemeral: their Routes say where they are.
    public var scenario: SandboxScenario
    /// Where `kubeconfig`, `sandbox.json` and `sidecars.env` are written; nil writes nothing.
    public var stateDirectory: String?
    /// How long a new InferenceService takes to become Ready.
    public var readyDelay: Duration
    /// The Backstage provider's schedule (30 s in the plugin).
    public var backstageInterval: Duration
    /// Whether Backstage polls on its schedule; when false it polls only on request (`pollNow`).
    public var backstagePolls: Bool
    /// Whether Backstage reads TechDocs URLs after each successful cycle.
    public var backstageReadsTechDocs: Bool
    /// The location Backstage polls (the provider's `baseUrl`), also `BRIDGE_URL` for the sidecars.
    public var locationURL: String
    /// The `<id>` of the emulated provider config.
    public var providerID: String
    /// `STORAGE_URL` for the sidecars.
    public var storageURL: String
    /// The namespace of the sidecars (`POD_NAMESPACE`), created in the fake cluster.
    public var podNamespace: String
    /// `PROBE_INTERVAL` and `POLLING_INTERVAL` for the normalizer, as duration strings.
    public var probeInterval: String
    public var pollingInterval: String
    /// How often registry deployment records are reconciled into KServe objects.
    public var deploymentInterval: Duration
    /// The apps domain of simulated external URLs.
    public var appsDomain: String
    /// Faults in force from the start.
    public var faults: SandboxFaultPlan?
    /// RBAC on, with these objects applied (e.g. `deploy/rbac/`): the fake Kubernetes API then authorizes
    /// ServiceAccount tokens as kube-apiserver's RBAC does, and the state directory gets a kubeconfig and an
    /// environment file per ServiceAccount. Nil: every request may do everything.
    public var rbac: SandboxManifests?

    public init(
        host: String = "127.0.0.1", kubernetesPort: Int = 0, backstagePort: Int = 0, scenario: SandboxScenario = .demo,
        stateDirectory: String? = nil, readyDelay: Duration = .seconds(2), backstageInterval: Duration = .seconds(30),
        backstagePolls: Bool = true, backstageReadsTechDocs: Bool = true, locationURL: String = "http://127.0.0.1:9090",
        providerID: String = "development", storageURL: String = "http://127.0.0.1:7070", podNamespace: String = "rhdh",
        probeInterval: String = "2s", pollingInterval: String = "30s",
        deploymentInterval: Duration = .milliseconds(500),
        appsDomain: String = "apps.sandbox.example", faults: SandboxFaultPlan? = nil, rbac: SandboxManifests? = nil
    ) {
        self.host = host
        self.kubernetesPort = kubernetesPort
        self.backstagePort = backstagePort
        self.scenario = scenario
        self.stateDirectory = stateDirectory
        self.readyDelay = readyDelay
        self.backstageInterval = backstageInterval
        self.backstagePolls = backstagePolls
        self.backstageReadsTechDocs = backstageReadsTechDocs
        self.locationURL = locationURL
        self.providerID = providerID
        self.storageURL = storageURL
        self.podNamespace = podNamespace
        self.probeInterval = probeInterval
        self.pollingInterval = pollingInterval
        self.deploymentInterval = deploymentInterval
        self.appsDomain = appsDomain
        self.faults = faults
        self.rbac = rbac
    }
}
