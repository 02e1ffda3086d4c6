import AsyncHTTPClient
import Foundation
import Hummingbird
import KubeAPI
import Logging
import RegistryAPI
import Synchronization

/// The simulated OpenShift AI + Developer Hub on loopback, started and stopped as one:
///
/// - a fake Kubernetes API (``FakeKubeServer``) with the namespaces, the KServe CRDs, a Route per
///   registry and one for the catalog (labelled `app.kubernetes.io/managed-by=model-registry-operator`,
///   `status.ingress[0].host` = `127.0.0.1:PORT`, no TLS), and the scenario's KServe-only services;
/// - one ``FakeRegistryServer`` per scenario registry and a ``FakeCatalogServer``;
/// - simulated controllers: ``KServeStatusController`` (services become Ready),
///   ``RegistryDeploymentController`` (registry deployments become KServe objects) and ``FakeKubeletController``
///   (pods run, on loopback);
/// - on request (``addDeveloperHubPod(locationPort:storagePort:normalizerPort:)``), the Developer Hub pod whose
///   sidecar ports are the local sidecars' ports, reachable through the `pods/proxy` subresource;
/// - the Backstage emulation (``ModelCatalogEntityProvider`` + TechDocs reader) and its catalog
///   REST slice, plus `/sandbox/status` and `/sandbox/faults`, on one port;
/// - fault injection (``SandboxFaultController``);
/// - with ``SandboxConfiguration/rbac``: RBAC in the fake Kubernetes API, the folder's objects applied, a
///   `registry-user-<registry>` Role per registry (as OpenShift AI creates them), and a token per ServiceAccount.
///
/// ```swift
/// let platform = SandboxPlatform(configuration: .init(scenario: .demo, stateDirectory: "/tmp/sb"))
/// try await platform.start()      // writes kubeconfig, sandbox.json, sidecars.env
/// print(platform.description.kubernetes)
/// await platform.stop()
/// ```
public final class SandboxPlatform: Sendable {
    /// A registry of the scenario with its server.
    public struct RegistryInstance: Sendable {
        public var scenario: SandboxScenario.Registry
        public var server: FakeRegistryServer
        /// The Route's name: `<registry>-https`.
        public var routeName: String { "\(scenario.name)-https" }
    }

    /// The name of the catalog's Route.
    public static let catalogRouteName = "model-catalog-https"

    public let configuration: SandboxConfiguration
    public let kubernetes: FakeKubeServer
    public let registries: [RegistryInstance]
    public let catalog: FakeCatalogServer
    public let kserve: KServeStatusController
    public let kubelet: FakeKubeletController
    public let deployments: RegistryDeploymentController
    public let backstage: ModelCatalogEntityProvider
    public let locations = BackstageLocationStore()
    public let faults: SandboxFaultController
    private let logger: Logger
    private let runtime = Mutex(Runtime())

    private struct Runtime {
        var started = false
        var http: SandboxHTTPServer?
        var background: Task<Void, Never>?
        var description: SandboxDescription?
        var tokens: [String: String] = [:]
    }

    /// The tokens of the RBAC folder's ServiceAccounts, keyed by `namespace/name` (after ``start()``).
    public var serviceAccountTokens: [String: String] { runtime.withLock { $0.tokens } }

    /// Builds everything; nothing listens until ``start()``. Throws when the scenario's registry
    /// names are not unique, valid Route names.
    public init(configuration: SandboxConfiguration = SandboxConfiguration(), logger: Logger? = nil) throws {
        self.configuration = configuration
        self.logger = logger ?? Logger(label: "modelbridge.sandbox")
        var names = Set<String>()
        for registry in configuration.scenario.registries {
            guard names.insert(registry.name).inserted else {
                throw SandboxPlatformError("the scenario names registry \(registry.name) twice")
            }
            guard Self.isRouteName(registry.name) else {
                throw SandboxPlatformError(
                    "registry name \(registry.name) must be a lower-case DNS label of at most 57 characters "
                        + "([a-z0-9] and inner '-'): it names the Route <name>-https")
            }
        }
        kubernetes = FakeKubeServer(
            configuration: FakeKubeServerConfiguration(
                host: configuration.host, port: configuration.kubernetesPort, historyLimit: 10_000,
                namespaces: ["default", "kube-system"], rbac: configuration.rbac != nil))
        registries = configuration.scenario.registries.map {
            RegistryInstance(scenario: $0, server: FakeRegistryServer())
        }
        catalog = FakeCatalogServer()
        kserve = KServeStatusController(
            store: kubernetes.store,
            configuration: .init(readyDelay: configuration.readyDelay, appsDomain: configuration.appsDomain))
        kubelet = FakeKubeletController(store: kubernetes.store)
        deployments = RegistryDeploymentController(
            kube: kubernetes.store,
            sources: registries.map { .init(name: $0.scenario.name, store: $0.server.store) },
            interval: configuration.deploymentInterval)
        backstage = ModelCatalogEntityProvider(
            configuration: .init(
                baseURL: configuration.locationURL, providerID: configuration.providerID,
                interval: configuration.backstageInterval, readsTechDocs: configuration.backstageReadsTechDocs),
            // The platform's logger, at its level: the demo's console keeps everything below critical off the screen.
            client: .shared, logger: self.logger)
        faults = SandboxFaultController(
            kube: kubernetes, registries: registries.map { ($0.scenario.name, $0.server) }, catalog: catalog)
    }

    /// Whether `name` + `-https` is a valid Route name (a DNS label).
    static func isRouteName(_ name: String) -> Bool {
        guard let first = name.first, let last = name.last, name.count <= 57, first != "-", last != "-" else {
            return false
        }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// Where everything listens (valid after ``start()``).
    public var description: SandboxDescription {
        runtime.withLock { $0.description } ?? makeDescription(backstageURL: "", kubeconfig: nil)
    }

    /// The Backstage/admin base URL, once started.
    public var backstageURL: String { runtime.withLock { $0.http?.url } ?? "" }

    /// Seeds the scenario, starts every server and controller, and writes the state files.
    public func start() async throws {
        let alreadyStarted = runtime.withLock { runtime in
            defer { runtime.started = true }
            return runtime.started
        }
        guard !alreadyStarted else { return }
        let started = ContinuousClock.now
        let scenario = configuration.scenario
        // Registries seed in parallel: each store has its own lock, and large scales are CPU-bound.
        try await withThrowingDiscardingTaskGroup { group in
            for registry in registries {
                group.addTask { try SandboxScenarioLoader.seed(registry.scenario, into: registry.server.store) }
            }
        }
        try SandboxScenarioLoader.seed(scenario.catalog, into: catalog.store)
        for registry in registries {
            try await registry.server.start(host: configuration.host)
        }
        try await catalog.start(host: configuration.host)
        try await kubernetes.start()
        try SandboxScenarioLoader.seedKubernetes(
            scenario, extraNamespaces: [configuration.podNamespace], into: kubernetes.store)
        try seedRoutes()
        let tokens = try applyRBAC()
        deployments.reconcileNow()

        let router = Router()
        BackstageCatalogRoutes(provider: backstage, locations: locations).register(on: router)
        SandboxAdminRoutes(platform: self).register(on: router)
        let http = SandboxHTTPServer(router: router, host: configuration.host, port: configuration.backstagePort)
        try await http.start()
        if let plan = configuration.faults { try faults.apply(plan) }

        let kserve = self.kserve
        let kubelet = self.kubelet
        let deployments = self.deployments
        let faults = self.faults
        let backstage = self.backstage
        let polls = configuration.backstagePolls
        let background = Task {
            await withDiscardingTaskGroup { group in
                group.addTask { await kserve.run() }
                group.addTask { await kubelet.run() }
                group.addTask { await deployments.run() }
                group.addTask { await faults.run() }
                if polls { group.addTask { await backstage.run() } }
            }
        }
        let kubeconfig = configuration.stateDirectory.map { SandboxStateFiles(directory: $0).kubeconfigPath }
        let description = makeDescription(backstageURL: http.url, kubeconfig: kubeconfig)
        runtime.withLock { runtime in
            runtime.http = http
            runtime.background = background
            runtime.description = description
            runtime.tokens = tokens
        }
        if let directory = configuration.stateDirectory {
            try SandboxStateFiles(directory: directory).write(description, configuration: configuration, tokens: tokens)
        }
        logger.info(
            "sandbox started",
            metadata: [
                "scenario": "\(scenario.name)", "kubernetes": "\(description.kubernetes)",
                "backstage": "\(description.backstage)", "seconds": "\(ContinuousClock.now - started)",
            ])
    }

    /// Stops the controllers, Backstage and every server.
    public func stop() async {
        let (background, http) = runtime.withLock { runtime in
            defer {
                runtime.background = nil
                runtime.http = nil
            }
            return (runtime.background, runtime.http)
        }
        background?.cancel()
        await background?.value
        backstage.finish()
        await http?.stop()
        await kubernetes.stop()
        for registry in registries { await registry.server.stop() }
        await catalog.stop()
    }

    // MARK: - Developer Hub pod

    /// The label the Red Hat Developer Hub operator puts on the pod of a Backstage named `developer-hub` (the
    /// selector of `deploy/monitoring/podmonitor.yaml`).
    public static let developerHubPodLabel = (key: "rhdh.redhat.com/app", value: "backstage-developer-hub")

    /// Creates the Developer Hub pod in ``SandboxConfiguration/podNamespace``, as the operator's Deployment would:
    /// `backstage-developer-hub-<replicaset>-<pod>`, labelled ``developerHubPodLabel``, with the containers
    /// `backstage-backend` (7007), `location` (port `location`), `storage-rest` (port `storage-rest`) and
    /// `rhoai-normalizer` (port `normalizer`) on the given ports, the ones the local sidecars listen on. The fake
    /// kubelet runs it on 127.0.0.1, so `…/pods/<name>:<port>/proxy/…` reaches the local sidecars. Returns the pod's
    /// name; call after ``start()``.
    @discardableResult
    public func addDeveloperHubPod(locationPort: Int, storagePort: Int, normalizerPort: Int) throws -> String {
        guard let kind = kubernetes.store.kind(id: Pod.resource.fakeKindID) else {
            throw SandboxPlatformError("the sandbox's Kubernetes API serves no pods")
        }
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        func suffix(_ count: Int) -> String { String((0..<count).map { _ in alphabet.randomElement()! }) }
        let name = "\(Self.developerHubPodLabel.value)-\(suffix(10))-\(suffix(5))"
        func container(_ name: String, port: Int, portName: String) -> JSONValue {
            [
                "name": .string(name), "image": "quay.io/modelbridge/modelbridge:sandbox",
                "ports": [["name": .string(portName), "containerPort": .int(Int64(port)), "protocol": "TCP"]],
            ]
        }
        let pod: JSONValue = [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": [
                "name": .string(name), "namespace": .string(configuration.podNamespace),
                "labels": [
                    .init(Self.developerHubPodLabel.key): .string(Self.developerHubPodLabel.value),
                    "app.kubernetes.io/name": "backstage",
                ],
            ],
            "spec": [
                "containers": [
                    [
                        "name": "backstage-backend", "image": "registry.redhat.io/rhdh/rhdh-hub-rhel9:sandbox",
                        "ports": [["name": "backend", "containerPort": 7007, "protocol": "TCP"]],
                    ],
                    container("location", port: locationPort, portName: "location"),
                    container("storage-rest", port: storagePort, portName: "storage-rest"),
                    container("rhoai-normalizer", port: normalizerPort, portName: "normalizer"),
                ],
                "serviceAccountName": "rhdh-rhoai-connector",
            ],
        ]
        do {
            _ = try kubernetes.store.create(kind, namespace: configuration.podNamespace, object: pod)
        } catch {
            throw SandboxPlatformError("cannot create the Developer Hub pod \(name): \(error.status.message ?? "")")
        }
        return name
    }

    // MARK: - Routes

    /// A Route per registry and one for the catalog, as the model-registry-operator creates them,
    /// but over plain HTTP with `127.0.0.1:PORT` as the host.
    private func seedRoutes() throws {
        for registry in registries {
            try kubernetes.store.seed(
                kind: Route.resource.fakeKindID,
                object: routeObject(
                    name: registry.routeName, namespace: registry.scenario.namespace, app: registry.scenario.name,
                    component: "model-registry", port: registry.server.port ?? 0))
        }
        try kubernetes.store.seed(
            kind: Route.resource.fakeKindID,
            object: routeObject(
                name: Self.catalogRouteName, namespace: catalogNamespace, app: "model-catalog",
                component: "model-catalog", port: catalog.port ?? 0))
    }

    // MARK: - RBAC

    /// With RBAC on: the registries' `registry-user-<name>` Roles (the model-registry-operator's: `get` on the
    /// registry's Service), then the folder's objects; returns each ServiceAccount's token by `namespace/name`.
    private func applyRBAC() throws -> [String: String] {
        guard let manifests = configuration.rbac else { return [:] }
        for registry in registries {
            try kubernetes.store.seed(
                kind: "rbac.authorization.k8s.io/v1/roles",
                object: [
                    "metadata": [
                        "name": .string("registry-user-\(registry.scenario.name)"),
                        "namespace": .string(registry.scenario.namespace),
                    ],
                    "rules": [
                        [
                            "apiGroups": [""], "resources": ["services"],
                            "resourceNames": [.string(registry.scenario.name)], "verbs": ["get"],
                        ]
                    ],
                ])
        }
        for object in manifests.objects {
            do {
                try kubernetes.store.seed(kind: object.kindID, object: object.object)
            } catch {
                let reason = (error as? FakeKubeFailure)?.status.message ?? "\(error)"
                throw SandboxPlatformError("\(object.file): cannot apply \(object.name): \(reason)")
            }
        }
        var tokens: [String: String] = [:]
        for account in manifests.serviceAccounts {
            tokens[account.description] = try kubernetes.serviceAccountToken(
                serviceAccount: account.name, namespace: account.namespace)
        }
        return tokens
    }

    private var catalogNamespace: String { registries.first?.scenario.namespace ?? "rhoai-model-registries" }

    private func routeObject(name: String, namespace: String, app: String, component: String, port: Int) -> JSONValue {
        let host = "\(configuration.host):\(port)"
        return [
            "metadata": [
                "name": .string(name), "namespace": .string(namespace),
                "labels": [
                    "app": .string(app), "component": .string(component),
                    "app.kubernetes.io/component": .string(component), "app.kubernetes.io/name": .string(app),
                    "app.kubernetes.io/created-by": "model-registry-operator",
                    "app.kubernetes.io/part-of": .string(component),
                    "app.kubernetes.io/managed-by": "model-registry-operator",
                ],
            ],
            "spec": [
                "host": .string(host), "to": ["kind": "Service", "name": .string(app), "weight": 100],
                "port": ["targetPort": "http-api"], "wildcardPolicy": "None",
            ],
            "status": [
                "ingress": [
                    [
                        "host": .string(host), "routerName": "default", "wildcardPolicy": "None",
                        "routerCanonicalHostname": .string("router-default.\(configuration.appsDomain)"),
                        "conditions": [["type": "Admitted", "status": "True"]],
                    ]
                ]
            ],
        ]
    }

    private func makeDescription(backstageURL: String, kubeconfig: String?) -> SandboxDescription {
        let endpoints = registries.map { registry in
            SandboxDescription.Endpoint(
                name: registry.scenario.name, namespace: registry.scenario.namespace,
                route: "\(registry.scenario.namespace):\(registry.routeName)", origin: registry.server.origin,
                url: registry.server.baseURL)
        }
        let namespaces =
            (try? kubernetes.store.list(
                kubernetes.store.kind(id: Namespace.resource.fakeKindID)!, namespace: nil, labels: FakeKubeSelector(),
                fields: FakeKubeSelector(), limit: nil, continueToken: nil
            ).items.compactMap { $0["metadata"]?["name"]?.stringValue }) ?? []
        return SandboxDescription(
            scenario: configuration.scenario.name, kubernetes: kubernetes.url, kubeconfig: kubeconfig,
            backstage: backstageURL, location: configuration.locationURL, storage: configuration.storageURL,
            podNamespace: configuration.podNamespace, registries: endpoints,
            catalog: .init(
                name: "model-catalog", namespace: catalogNamespace,
                route: "\(catalogNamespace):\(Self.catalogRouteName)",
                origin: catalog.origin, url: catalog.baseURL),
            namespaces: namespaces, counts: SandboxScenarioLoader.counts(of: configuration.scenario),
            serviceAccounts: configuration.rbac.map { manifests in
                manifests.serviceAccounts.map { account in
                    let files = configuration.stateDirectory.map(SandboxStateFiles.init(directory:))
                    return SandboxDescription.ServiceAccountAccess(
                        namespace: account.namespace, name: account.name,
                        user: FakeKubeUser.serviceAccount(namespace: account.namespace, name: account.name).name,
                        kubeconfig: files?.kubeconfigPath(namespace: account.namespace, serviceAccount: account.name),
                        environment: files?.sidecarEnvironmentPath(
                            namespace: account.namespace, serviceAccount: account.name))
                }
            })
    }
}

/// The sandbox could not start or was misconfigured.
public struct SandboxPlatformError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
