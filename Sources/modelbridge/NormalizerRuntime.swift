import ArgumentParser
import Bridge
import CatalogModel
import Foundation
import KubeAPI
import Logging
import RegistryAPI
import WireValues

/// Builds the normalizer from the environment, for `rhoai-normalizer` and `all`.
struct NormalizerRuntime {
    let kube: KubeClient
    let transport: RegistryTransport
    let controller: NormalizerController
    let metrics: BridgeMetrics
    let events: EventLog
    let elector: LeaseElector?
    let namespace: String

    /// - Parameters:
    ///   - metrics: the normalizer's registry; `kube` should already report its requests to
    ///     `metrics.restClient` (``KubeSetup/client(environment:kubeconfig:requestObserver:logger:)``).
    ///   - build: makes the controller from the setup: writing to storage-rest over HTTP
    ///     (``NormalizerSetup/controller(writingTo:)``), or inside a ``BridgeEngine``.
    static func make(
        environment: RoleEnvironment, kube: KubeClient, namespace: String, metrics: BridgeMetrics, logger: Logger,
        build: (NormalizerSetup) -> NormalizerController
    ) throws -> NormalizerRuntime {
        let format = try environment.normalizerFormat()
        let probe = try duration(environment, "PROBE_INTERVAL", default: .seconds(10))
        let polling = try duration(environment, "POLLING_INTERVAL", default: .seconds(120))
        var tls = RegistryTLS.verified
        if let caFile = environment["REGISTRY_CA_FILE"] {
            guard let pem = try? String(contentsOfFile: caFile, encoding: .utf8) else {
                throw EnvironmentError(
                    variable: "REGISTRY_CA_FILE", value: caFile, expected: "must be a readable PEM file")
            }
            tls = .customCA(pem: pem)
        }
        if try environment.flag("REGISTRY_INSECURE_SKIP_TLS_VERIFY") == true {
            tls = .insecureSkipVerify
            logger.warning("REGISTRY_INSECURE_SKIP_TLS_VERIFY=true: registry and catalog certificates are NOT verified")
        }
        let transport = try RegistryTransport(
            configuration: RegistryHTTPConfiguration(tls: tls), logger: Logger(label: "modelbridge.registry"),
            requestObserver: metrics.restClient.observer)
        let kubeToken: String? = {
            switch kube.config.credentials {
            case .token(let token): return token
            case .tokenFile(let path): return try? String(contentsOfFile: path, encoding: .utf8)
            case .none: return nil
            }
        }()
        let configuration = NormalizerConfiguration(
            mrRoute: environment["MR_ROUTE"],
            registryToken: RegistryDiscovery.bearerToken(
                kfmrToken: environment["KFMR_TOKEN"], kubernetesToken: kubeToken),
            probeInterval: probe, pollingInterval: polling, format: format,
            settings: NormalizerSettings(
                defaultOwner: environment["DEFAULT_OWNER"], defaultLifecycle: environment["DEFAULT_LIFECYCLE"],
                modelCardBaseURL: environment["MODELCARD_BASE_URL"] ?? "http://localhost:9090"))
        var elector: LeaseElector?
        if try environment.flag("LEADER_ELECT") == true {
            let identity = environment["POD_NAME"] ?? ProcessInfo.processInfo.hostName + "-\(getpid())"
            elector = LeaseElector(
                client: kube, namespace: namespace, identity: identity, metrics: metrics, logger: logger)
        }
        let events = EventLog()
        let leader = elector
        let controller = build(
            NormalizerSetup(
                configuration: configuration, routes: KubeRouteLister(client: kube), transport: transport,
                cluster: ClusterSource(client: kube, logger: Logger(label: "modelbridge.kserve")), metrics: metrics,
                events: events, isLeader: { leader?.isLeader ?? true },
                publishing: { leader?.publishing ?? .publishing }, logger: logger))
        logger.info(
            "normalizer configured",
            metadata: [
                "probeInterval": "\(probe)", "pollingInterval": "\(polling)", "format": "\(format.rawValue)",
                "mrRoute": "\(environment["MR_ROUTE"] ?? "(label discovery)")", "leaderElection": "\(elector != nil)",
                "registryTLS": "\(tls.verifiesCertificates ? "verified" : "NOT verified")",
            ])
        return NormalizerRuntime(
            kube: kube, transport: transport, controller: controller, metrics: metrics, events: events,
            elector: elector, namespace: namespace)
    }

    static func duration(_ environment: RoleEnvironment, _ name: String, default fallback: Duration) throws -> Duration
    {
        guard let text = environment[name] else { return fallback }
        guard let value = RoleEnvironment.parseDuration(text), value > .zero else {
            throw EnvironmentError(
                variable: name, value: text, expected: "must be a positive Go duration such as 10s, 2m or 1h30m")
        }
        return value
    }

    /// Runs the controller (and the lease elector) until cancelled.
    func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let elector { group.addTask { try await elector.run() } }
            group.addTask { try await controller.run() }
            try await group.next()
            group.cancelAll()
        }
    }

}

/// The Kubernetes client the roles share, resolved from the environment and `--kubeconfig`.
enum KubeSetup {
    /// - Parameter requestObserver: told how every request ended (the `rest_client_*` metrics of the role's registry).
    static func client(
        environment: RoleEnvironment, kubeconfig: String?, requestObserver: HTTPRequestObserver? = nil, logger: Logger
    ) throws -> (KubeClient, String) {
        let config = try KubeConfig.resolve(
            environment: environment.values, kubeconfigPath: kubeconfig, homeDirectory: environment["HOME"])
        let namespace = KubeNamespace.resolve(config: config, environment: environment)
        let options = KubeClientOptions(requestObserver: requestObserver)
        return (
            try KubeClient(config: config, options: options, logger: Logger(label: "modelbridge.kubeapi")), namespace
        )
    }
}
