import Foundation
import KubeAPI
import ModelbridgeTesting

/// The Kubernetes cluster the conformance suite runs against, reached only through its API with an admin
/// kubeconfig: the cluster named by `MODELBRIDGE_CONFORMANCE_KUBECONFIG`, or else a `modelbridge sandbox
/// --rbac deploy/rbac` started for the test (its fake API enforces RBAC as kube-apiserver does).
///
/// ```swift
/// let cluster = try await ConformanceCluster.start()
/// defer { cluster.stop() }
/// let namespaces = try await cluster.kubectl(["get", "namespaces", "-o", "name"])
/// ```
final class ConformanceCluster: Sendable {
    /// The variable that names a real cluster's kubeconfig.
    static let kubeconfigVariable = "MODELBRIDGE_CONFORMANCE_KUBECONFIG"

    /// The admin kubeconfig: set-up (namespaces, RBAC, CRDs, seeded objects) uses it, the roles never do.
    let kubeconfig: String
    /// The API server as the admin kubeconfig names it.
    let server: URL
    /// The PEM CA bundle of the admin kubeconfig, when it has one.
    let serverCA: String?
    /// The sandbox process, when the suite runs against the sandbox.
    let sandbox: ChildProcess?
    let kubectlPath: String
    /// kubectl's discovery cache, fresh per run so that newly installed CRDs are seen at once.
    private let scratch: String

    var isSandbox: Bool { sandbox != nil }

    /// Whether the suite can run here. Without kubectl it is skipped on a developer's machine; under CI it runs,
    /// and fails saying what is missing.
    static var canRun: Bool {
        ConformanceEnvironment.isCI || ConformanceEnvironment.executable("kubectl") != nil
    }

    private init(kubeconfig: String, sandbox: ChildProcess?, kubectlPath: String, scratch: String) throws {
        let config = try KubeConfig.resolve(environment: [:], kubeconfigPath: kubeconfig)
        guard let server = URL(string: config.server), server.host != nil else {
            throw ChildProcess.Failure(description: "\(kubeconfig) names no usable server: \(config.server)")
        }
        self.kubeconfig = kubeconfig
        self.server = server
        serverCA = config.tls.trustRootsPEM.map { String(decoding: $0, as: UTF8.self) }
        self.sandbox = sandbox
        self.kubectlPath = kubectlPath
        self.scratch = scratch
    }

    /// The cluster of `MODELBRIDGE_CONFORMANCE_KUBECONFIG`, or a new sandbox.
    static func start() async throws -> ConformanceCluster {
        guard let kubectl = ConformanceEnvironment.executable("kubectl") else {
            throw ChildProcess.Failure(description: "kubectl is missing; run scripts/setup test")
        }
        let scratch = NSTemporaryDirectory() + "modelbridge-conformance-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        if let external = ProcessInfo.processInfo.environment[kubeconfigVariable], !external.isEmpty {
            let path = NSString(string: external).expandingTildeInPath
            return try ConformanceCluster(kubeconfig: path, sandbox: nil, kubectlPath: kubectl, scratch: scratch)
        }
        let state = scratch + "/sandbox"
        let sandbox = try ChildProcess(
            name: "sandbox", executable: try ConformanceEnvironment.modelbridgeBinary(),
            arguments: [
                "sandbox", "--rbac", ConformanceEnvironment.root.appendingPathComponent("deploy/rbac").path,
                "--state-dir", state, "--scenario", "empty", "--ready-delay", "0s", "--skip-techdocs",
                "--backstage-interval", "1h", "--log-level", "warning",
            ],
            environment: ConformanceEnvironment.scrubbedEnvironment([:]))
        let deadline = ContinuousClock.now + .seconds(60)
        while !sandbox.log.contains("sandbox ready") {
            guard sandbox.isRunning, ContinuousClock.now < deadline else {
                sandbox.stop()
                throw ChildProcess.Failure(description: "modelbridge sandbox did not get ready:\n\(sandbox.logTail)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try ConformanceCluster(
            kubeconfig: state + "/kubeconfig", sandbox: sandbox, kubectlPath: kubectl, scratch: scratch)
    }

    func stop() {
        sandbox?.discard()
        try? FileManager.default.removeItem(atPath: scratch)
    }

    /// Runs kubectl as the admin and returns its standard output; a non-zero exit throws with its error output.
    @discardableResult
    func kubectl(_ arguments: [String]) async throws -> String {
        let result = try await kubectlResult(arguments)
        guard result.status == 0 else {
            throw ChildProcess.Failure(
                description: "kubectl \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result.stdout
    }

    /// Runs kubectl as the admin, whatever its exit status.
    func kubectlResult(_ arguments: [String]) async throws -> CommandResult {
        try await runCommand(
            kubectlPath, ["--kubeconfig", kubeconfig, "--cache-dir", scratch + "/kube-cache"] + arguments,
            environment: ConformanceEnvironment.scrubbedEnvironment([:]), timeout: .seconds(60))
    }

    /// Applies `yaml` (one or more documents) as the admin.
    func apply(_ yaml: String) async throws {
        let file = scratch + "/apply-\(UUID().uuidString).yaml"
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        try await kubectl(["apply", "-f", file])
    }

    /// The object as JSON, or nil when it does not exist.
    func object(_ arguments: [String]) async throws -> [String: Any]? {
        let result = try await kubectlResult(["get"] + arguments + ["-o", "json"])
        if result.status != 0 {
            if result.stderr.contains("NotFound") { return nil }
            throw ChildProcess.Failure(description: "kubectl get \(arguments.joined(separator: " ")): \(result.stderr)")
        }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    }

    /// Whether the API serves `plural` in `group` (discovery, as `kubectl api-resources` sees it).
    func serves(_ plural: String, group: String) async throws -> Bool {
        let names = try await kubectl(["api-resources", "--api-group", group, "-o", "name"])
        return names.split(separator: "\n").contains { $0 == "\(plural).\(group)" }
    }

    /// Makes sure the API serves the custom resources of `kinds`: each missing one is installed from
    /// `Fixtures/crds.yaml` when `kubectl auth can-i create customresourcedefinitions` says yes. Returns the kinds
    /// still missing, with why.
    func ensureCustomResources(_ kinds: [CustomResource]) async throws -> [String] {
        var missing: [String] = []
        for kind in kinds {
            if try await serves(kind.plural, group: kind.group) { continue }
            let answer = try await kubectlResult(["auth", "can-i", "create", "customresourcedefinitions"])
            guard answer.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "yes" else {
                missing.append("\(kind.name) is not installed and this kubeconfig may not create CRDs")
                continue
            }
            try await apply(try CustomResource.definition(of: kind))
            try await eventually("the API serves \(kind.name)", timeout: .seconds(60)) { [self] in
                try await serves(kind.plural, group: kind.group)
            }
        }
        return missing
    }
}

/// A custom resource kind the suite needs, and its definition in `Fixtures/crds.yaml`.
struct CustomResource: Sendable {
    var plural: String
    var group: String
    var name: String { "\(plural).\(group)" }

    static let routes = CustomResource(plural: "routes", group: "route.openshift.io")
    static let inferenceServices = CustomResource(plural: "inferenceservices", group: "serving.kserve.io")
    static let llmInferenceServices = CustomResource(plural: "llminferenceservices", group: "serving.kserve.io")

    /// The CRD document for `kind` from `Fixtures/crds.yaml`.
    static func definition(of kind: CustomResource) throws -> String {
        let file = ConformanceEnvironment.fixtures.appendingPathComponent("crds.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        guard
            let document = text.components(separatedBy: "\n---\n").first(where: {
                $0.contains("\n  name: \(kind.name)\n")
            })
        else { throw ChildProcess.Failure(description: "\(file.path) has no CRD \(kind.name)") }
        return document
    }
}

/// Paths, tools and the environment the suite's processes get.
enum ConformanceEnvironment {
    /// The repository root (three levels above this file's folder).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] != nil }

    /// An executable from PATH.
    static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// The built `modelbridge` executable: `MODELBRIDGE_BINARY`, else `.build/debug/modelbridge`.
    static func modelbridgeBinary() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["MODELBRIDGE_BINARY"], !explicit.isEmpty {
            return explicit
        }
        for candidate in [".build/debug/modelbridge", ".build/x86_64-unknown-linux-gnu/debug/modelbridge"] {
            let path = root.appendingPathComponent(candidate).path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw ChildProcess.Failure(description: "the modelbridge binary is not built; run swift build first")
    }

    /// This process's environment without anything that would point a child at another cluster or role, plus
    /// `extra`.
    static func scrubbedEnvironment(_ extra: [String: String]) -> [String: String] {
        var merged = ProcessInfo.processInfo.environment
        for key in [
            "KUBECONFIG", "POD_IP", "POD_NAME", "POD_NAMESPACE", "NAMESPACE", "STORAGE_URL", "BRIDGE_URL", "MR_ROUTE",
            "KFMR_TOKEN", "K8S_TOKEN", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "PUSH_TO_RHDH",
            "BKSTG_URL", "LEADER_ELECT", "STORAGE_TYPE", "token", "ca.crt", "namespace", kubeconfigVariableName,
        ] {
            merged[key] = nil
        }
        return merged.merging(extra) { $1 }
    }

    private static let kubeconfigVariableName = ConformanceCluster.kubeconfigVariable
}
