import AsyncHTTPClient
import Foundation
import NIOCore
import Sandbox
import Synchronization

/// One installation of the connector in a cluster, made the way an operator makes it and torn down afterwards:
///
/// - a namespace `mb-conf-<random>` (Developer Hub's namespace in production);
/// - `deploy/rbac` applied into it: every rule exactly as shipped, with the namespace `ai-rhdh` and the name
///   `rhdh-rhoai-connector` replaced by the namespace (the way kustomize's `namespace` and `namePrefix` would), so
///   that the ClusterRole and ClusterRoleBinding do not touch a real installation's;
/// - the token the cluster's token controller puts into the Secret of `deploy/rbac/token-secret.yaml`;
/// - a fake Model Registry on loopback, published by a Route in the namespace, as `MR_ROUTE` names it;
/// - the roles, started from the built binary with exactly the environment the pod's `envFrom` gives them.
///
/// ```swift
/// try await ConnectorInstallation.run(models: 3) { installation in
///     try await installation.startRoles()
///     try await installation.waitForList(count: 3)
/// }
/// ```
final class ConnectorInstallation: Sendable {
    let cluster: ConformanceCluster
    /// The connector's namespace, also the prefix of every name the installation creates.
    let namespace: String
    let registry: FakeRegistryServer
    let registryPort: Int
    /// The prefix of every model name in the registry, so that its documents are told from others in /list.
    let modelPrefix: String
    /// The environment every role and `modelbridge doctor` gets: the token Secret's, the cluster's address, and
    /// the connector's settings.
    let connectorEnvironment: [String: String]
    let ports: Ports
    let http: HTTPClient
    private let roles = RoleSet()

    /// The loopback ports of the roles.
    struct Ports: Sendable {
        var location: Int
        var storage: Int
        var normalizer: Int
    }

    /// The name of the Route that publishes the fake registry.
    static let routeName = "conformance-registry-https"

    private init(
        cluster: ConformanceCluster, namespace: String, registry: FakeRegistryServer, registryPort: Int,
        modelPrefix: String, connectorEnvironment: [String: String], ports: Ports
    ) {
        self.cluster = cluster
        self.namespace = namespace
        self.registry = registry
        self.registryPort = registryPort
        self.modelPrefix = modelPrefix
        self.connectorEnvironment = connectorEnvironment
        self.ports = ports
        http = HTTPClient(eventLoopGroupProvider: .singleton)
    }

    /// Installs the connector with a registry of `models` models (one version each), runs `body`, and removes
    /// everything it created, also when `body` throws. Returns without running `body` when the cluster lacks a
    /// kind the installation needs and may not install it (only on an external cluster: the sandbox has them all).
    static func run(
        models: Int, needs kinds: [CustomResource] = [], _ body: (ConnectorInstallation) async throws -> Void
    ) async throws {
        let cluster = try await ConformanceCluster.start()
        defer { cluster.stop() }
        let missing = try await cluster.ensureCustomResources([.routes] + kinds)
        if !missing.isEmpty {
            let message = "conformance check skipped: " + missing.joined(separator: "; ")
            if cluster.isSandbox { throw ChildProcess.Failure(description: message) }
            print(message)
            return
        }
        let suffix = String((0..<6).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! })
        let namespace = "mb-conf-\(suffix)"
        let registry = FakeRegistryServer()
        var installation: ConnectorInstallation?
        do {
            try await cluster.apply(
                """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: \(namespace)
                  labels:
                    app.kubernetes.io/part-of: modelbridge-conformance
                """)
            try await applyRBAC(cluster: cluster, namespace: namespace)
            let registryPort = try await registry.start()
            let modelPrefix = "conf-\(suffix)-model-"
            try seed(registry: registry, prefix: modelPrefix, range: 1...models)
            try await publishRegistry(cluster: cluster, namespace: namespace, port: registryPort)
            let ports = Ports(
                location: try LoopbackPort.free(), storage: try LoopbackPort.free(),
                normalizer: try LoopbackPort.free())
            let environment = try await connectorEnvironment(cluster: cluster, namespace: namespace, ports: ports)
            let made = ConnectorInstallation(
                cluster: cluster, namespace: namespace, registry: registry, registryPort: registryPort,
                modelPrefix: modelPrefix, connectorEnvironment: environment, ports: ports)
            installation = made
            try await body(made)
        } catch {
            await tearDown(installation, cluster: cluster, namespace: namespace, registry: registry)
            throw error
        }
        await tearDown(installation, cluster: cluster, namespace: namespace, registry: registry)
    }

    private static func tearDown(
        _ installation: ConnectorInstallation?, cluster: ConformanceCluster, namespace: String,
        registry: FakeRegistryServer
    ) async {
        installation?.roles.discardAll()
        try? await installation?.http.shutdown()
        await registry.stop()
        // The namespace takes the Role, RoleBinding, ServiceAccount, Secret, ConfigMaps, Lease and seeded
        // objects with it; the cluster-scoped objects go by name.
        _ = try? await cluster.kubectlResult([
            "delete", "clusterrolebinding,clusterrole", "\(namespace)-connector", "--ignore-not-found",
        ])
        _ = try? await cluster.kubectlResult(["delete", "namespace", namespace, "--ignore-not-found", "--wait=false"])
        try? FileManager.default.removeItem(atPath: connectorKubeconfigPath(namespace))
    }

    /// Where the connector's kubeconfig goes when the API is plain HTTP (the sandbox).
    static func connectorKubeconfigPath(_ namespace: String) -> String {
        NSTemporaryDirectory() + "modelbridge-conformance-\(namespace).kubeconfig"
    }

    // MARK: - Set-up, as an operator would do it

    /// `deploy/rbac` with every rule as shipped, renamed into `namespace`. The registry RoleBinding is left out: it
    /// binds a Role that OpenShift AI creates in its registries' namespace, and the fake registry checks no token.
    static func applyRBAC(cluster: ConformanceCluster, namespace: String) async throws {
        let source = ConformanceEnvironment.root.appendingPathComponent("deploy/rbac")
        let files = try FileManager.default.contentsOfDirectory(atPath: source.path).filter {
            $0.hasSuffix(".yaml") && $0 != "registry-role-binding.yaml"
        }.sorted()
        var documents: [String] = []
        for file in files {
            let text = try String(contentsOf: source.appendingPathComponent(file), encoding: .utf8)
            documents.append(
                text.replacingOccurrences(of: "rhdh-rhoai-connector", with: "\(namespace)-connector")
                    .replacingOccurrences(of: "ai-rhdh", with: namespace))
        }
        try await cluster.apply(documents.joined(separator: "\n---\n"))
    }

    /// `count` models named `<prefix>NNNNN`, each with one version `v1` and one artifact.
    static func seed(registry: FakeRegistryServer, prefix: String, range: ClosedRange<Int>) throws {
        let models = range.map { index in
            let name = prefix + String(format: "%05d", index)
            return SandboxScenario.Model(
                name: name, owner: "conformance", description: "Conformance model \(index).",
                versions: [
                    SandboxScenario.Version(
                        name: "v1", artifacts: [.init(uri: "s3://conformance/\(name)/v1", modelFormatName: "onnx")])
                ])
        }
        try SandboxScenarioLoader.seed(
            SandboxScenario.Registry(name: "conformance-registry", models: models), into: registry.store)
    }

    /// A Route for the fake registry, with the status a router would write (`status.ingress[0].host`).
    static func publishRegistry(cluster: ConformanceCluster, namespace: String, port: Int) async throws {
        try await cluster.apply(
            """
            apiVersion: route.openshift.io/v1
            kind: Route
            metadata:
              name: \(routeName)
              namespace: \(namespace)
              labels:
                app.kubernetes.io/part-of: modelbridge-conformance
            spec:
              host: conformance-registry.\(namespace).invalid
              to:
                kind: Service
                name: conformance-registry
                weight: 100
            """)
        try await cluster.kubectl([
            "patch", "route", routeName, "-n", namespace, "--subresource=status", "--type=merge", "-p",
            #"{"status":{"ingress":[{"host":"127.0.0.1:\#(port)","routerName":"modelbridge-conformance"}]}}"#,
        ])
    }

    /// What the pod's containers get: `envFrom` the token Secret (`token`, `ca.crt`, `namespace`) with
    /// `KUBERNETES_SERVICE_HOST`/`PORT`, when the API serves HTTPS. The sandbox's API is plain HTTP, which the
    /// in-cluster configuration never speaks, so there the same token goes into a kubeconfig instead.
    static func connectorEnvironment(cluster: ConformanceCluster, namespace: String, ports: Ports) async throws
        -> [String: String]
    {
        let secretName = "\(namespace)-connector-token"
        var data: [String: String] = [:]
        try await eventually("the token controller fills in the Secret \(namespace)/\(secretName)") {
            guard let secret = try await cluster.object(["secret", secretName, "-n", namespace]),
                let fields = secret["data"] as? [String: String], fields["token"] != nil
            else { return false }
            return true
        }
        if let secret = try await cluster.object(["secret", secretName, "-n", namespace]),
            let fields = secret["data"] as? [String: String]
        {
            for (key, value) in fields {
                data[key] = Data(base64Encoded: value).map { String(decoding: $0, as: UTF8.self) }
            }
        }
        guard let token = data["token"] else {
            throw ChildProcess.Failure(description: "the Secret \(namespace)/\(secretName) holds no token")
        }
        var environment: [String: String] = [
            "POD_NAMESPACE": namespace, "STORAGE_TYPE": "ConfigMap", "MR_ROUTE": "\(namespace):\(routeName)",
            "STORAGE_URL": "http://127.0.0.1:\(ports.storage)", "BRIDGE_URL": "http://127.0.0.1:\(ports.location)",
            "PROBE_INTERVAL": "1s", "POLLING_INTERVAL": "30s", "NORMALIZER_FORMAT": "JsonArrayFormat",
        ]
        if cluster.server.scheme == "https", let host = cluster.server.host {
            environment["KUBERNETES_SERVICE_HOST"] = host
            environment["KUBERNETES_SERVICE_PORT"] = String(cluster.server.port ?? 443)
            environment["token"] = token
            environment["namespace"] = data["namespace"] ?? namespace
            // The Secret's CA signs the API server's in-cluster name; from outside, the kubeconfig's CA may be the
            // one that signed the address used here, so both are trusted.
            let bundle = [data["ca.crt"], cluster.serverCA].compactMap { $0 }.joined(separator: "\n")
            if !bundle.isEmpty { environment["ca.crt"] = bundle }
        } else {
            let path = connectorKubeconfigPath(namespace)
            try """
            apiVersion: v1
            kind: Config
            clusters:
            - name: conformance
              cluster:
                server: \(cluster.server.absoluteString)
            contexts:
            - name: connector
              context:
                cluster: conformance
                user: connector
                namespace: \(namespace)
            current-context: connector
            users:
            - name: connector
              user:
                token: \(token)
            """.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            environment["KUBECONFIG"] = path
        }
        return environment
    }

    // MARK: - The roles

    /// Starts `role` (`location`, `storage-rest`, `rhoai-normalizer`) as the connector, with `extra` environment.
    @discardableResult
    func start(_ role: String, name: String? = nil, port: Int? = nil, extra: [String: String] = [:]) throws
        -> ChildProcess
    {
        let arguments: [String]
        switch role {
        case "location": arguments = ["location", "--address", "127.0.0.1:\(port ?? ports.location)"]
        case "storage-rest": arguments = ["storage-rest", "--address", "127.0.0.1:\(port ?? ports.storage)"]
        default: arguments = ["rhoai-normalizer", "--metrics-address", "127.0.0.1:\(port ?? ports.normalizer)"]
        }
        let process = try ChildProcess(
            name: name ?? role, executable: try ConformanceEnvironment.modelbridgeBinary(), arguments: arguments,
            environment: ConformanceEnvironment.scrubbedEnvironment(connectorEnvironment.merging(extra) { $1 }))
        roles.add(process)
        return process
    }

    /// Starts storage-rest, location and (unless told otherwise) the normalizer, and waits until each is ready.
    func startRoles(normalizer: Bool = true) async throws {
        try start("storage-rest")
        try start("location")
        var ready = [ports.storage, ports.location]
        if normalizer {
            try start("rhoai-normalizer")
            ready.append(ports.normalizer)
        }
        for port in ready {
            try await waitUntilAnswers("http://127.0.0.1:\(port)/healthz")
        }
    }

    /// Every role started so far, in order.
    var processes: [ChildProcess] { roles.all }

    /// The logs of every role, for failure messages.
    var report: String { roles.all.map(\.logTail).joined(separator: "\n") }

    func waitUntilAnswers(_ url: String) async throws {
        try await eventually("\(url) answers 200", report: self.report) {
            try await self.get(url).status == 200
        }
    }

    // MARK: - Reading what the roles serve

    func get(_ url: String) async throws -> (status: UInt, body: String) {
        let response = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 64 << 20)
        return (response.status.code, String(buffer: body))
    }

    /// location's `/list`, or nil while it does not answer 200.
    func listedURIs() async throws -> [String]? {
        let (status, body) = try await get("http://127.0.0.1:\(ports.location)/list")
        guard status == 200,
            let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        else { return nil }
        return object["uris"] as? [String] ?? []
    }

    /// The listed URIs of this installation's registry models.
    func listedModelURIs() async throws -> [String]? {
        try await listedURIs()?.filter { $0.hasPrefix("/" + modelPrefix) }
    }

    /// Waits until location lists exactly `count` of this installation's registry models.
    func waitForModels(count: Int, timeout: Duration = .seconds(60)) async throws {
        try await eventually("location lists \(count) registry models", timeout: timeout, report: self.report) {
            try await self.listedModelURIs()?.count == count
        }
    }

    /// The value of a metric sample on `port`'s `/metrics` (the first line that starts with `sample`).
    func metric(_ sample: String, port: Int) async throws -> Double? {
        let (status, body) = try await get("http://127.0.0.1:\(port)/metrics")
        guard status == 200 else { return nil }
        for line in body.split(separator: "\n") where line.hasPrefix(sample + " ") {
            return Double(line.dropFirst(sample.count + 1).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }
}

/// The role processes of one installation, stopped together at the end.
private final class RoleSet: Sendable {
    private let processes = Mutex<[ChildProcess]>([])

    func add(_ process: ChildProcess) { processes.withLock { $0.append(process) } }
    var all: [ChildProcess] { processes.withLock { $0 } }
    func discardAll() {
        for process in processes.withLock({ $0 }) { process.discard() }
    }
}
