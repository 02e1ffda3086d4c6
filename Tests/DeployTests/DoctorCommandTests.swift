import AsyncHTTPClient
import Foundation
import ModelbridgeTesting
import Sandbox
import Synchronization
import Testing

/// `modelbridge doctor` as the built binary, run as the connector would be: with the token of the ServiceAccount
/// `deploy/rbac/` creates, against `modelbridge sandbox --rbac`, whose fake Kubernetes API authorizes every request
/// with the Roles and bindings of that folder.
@Suite(.serialized) struct DoctorCommandTests {
    static let connectorEnvironment = "ai-rhdh.rhdh-rhoai-connector.env"

    @Test func doctorPassesAsTheConnectorWithTheShippedRBACAndPrintsItsTable() async throws {
        let ports = (
            location: try LoopbackPort.free(), storage: try LoopbackPort.free(), admin: try LoopbackPort.free()
        )
        let sandbox = try await SandboxProcess.start(
            rbac: DeployPaths.deploy.appendingPathComponent("rbac").path,
            locationURL: "http://127.0.0.1:\(ports.location)", storageURL: "http://127.0.0.1:\(ports.storage)")
        defer { sandbox.stop() }
        let connector = try sandbox.environment(Self.connectorEnvironment)
        #expect(connector["POD_NAMESPACE"] == "ai-rhdh")

        // The three roles as the connector, so that the sidecar checks have something to ask.
        let roles = try BinaryProcess(
            arguments: [
                "all", "--location-address", "127.0.0.1:\(ports.location)", "--storage-address",
                "127.0.0.1:\(ports.storage)", "--metrics-address", "127.0.0.1:\(ports.admin)", "--log-level", "warning",
            ],
            environment: connector.merging(["PROBE_INTERVAL": "1s"]) { $1 })
        defer { roles.stop() }
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            for port in [ports.location, ports.storage, ports.admin] {
                try await waitUntilReady("http://127.0.0.1:\(port)/readyz", http: http, process: roles)
            }
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()

        let result = try await runCommand(
            try BinaryProcess.binary(),
            [
                "doctor", "--location-url", "http://127.0.0.1:\(ports.location)", "--storage-url",
                "http://127.0.0.1:\(ports.storage)", "--normalizer-url", "http://127.0.0.1:\(ports.admin)",
            ],
            environment: BinaryProcess.environment(connector))
        let report = "\(result.stdout)\n\(result.stderr)\nroles:\n\(roles.output)"
        #expect(result.status == 0, "\(report)")
        let rows = DoctorTable(result.stdout)
        #expect(result.stdout.hasPrefix("CHECK "), "\(report)")
        for check in [
            "kubernetes API", "rbac get customresourcedefinitions.apiextensions.k8s.io (cluster)",
            "rbac list inferenceservices.serving.kserve.io (all namespaces)",
            "rbac watch llminferenceservices.serving.kserve.io (all namespaces)",
            "rbac list routes.route.openshift.io (all namespaces)", "rbac list services (all namespaces)",
            "rbac list serviceaccounts (all namespaces)", "rbac get configmaps in ai-rhdh",
            "rbac patch configmaps in ai-rhdh", "crd inferenceservices.serving.kserve.io", "registry discovery",
            "registry rhoai-model-registries:modelregistry-public-https",
            "catalog rhoai-model-registries:model-catalog-https", "cache bac-import-model", "sidecar location",
            "sidecar storage-rest", "sidecar rhoai-normalizer",
        ] {
            #expect(rows.result(of: check) == "OK", "\(check) in\n\(report)")
        }
        // Plain HTTP to the sandbox's API is the one thing left to warn about; an operator's console access is not
        // the connector's business, so it is one SKIP row.
        #expect(
            rows.results.filter { $0.value != "OK" } == ["kubernetes TLS": "WARN", "console rbac in ai-rhdh": "SKIP"],
            "\(report)")
        #expect(result.stdout.contains("\n0 FAIL, 1 WARN, "), "\(report)")
    }

    /// One rule taken out of a copy of `deploy/rbac/`, and the checks that must then fail.
    struct RuleRemoval: Sendable, CustomTestStringConvertible {
        var file: String
        var rule: String
        var replacement: String
        var failingChecks: Set<String>
        /// The failing permission, its fix's rule and the object the fix names.
        var named: [String]
        var testDescription: String

        static let listRoutes = RuleRemoval(
            file: "cluster-role.yaml",
            rule: #"    resources: ["routes"]"# + "\n" + #"    verbs: ["get", "list", "watch"]"#,
            replacement: #"    resources: ["routes"]"# + "\n" + #"    verbs: ["get", "watch"]"#,
            failingChecks: ["rbac list routes.route.openshift.io (all namespaces)", "registry discovery"],
            named: [
                "[FAIL] rbac list routes.route.openshift.io (all namespaces)", #"resources: ["routes"]"#,
                #"verbs: ["list"]"#, "the ClusterRole rhdh-rhoai-connector (deploy/rbac/cluster-role.yaml)",
                #"User "system:serviceaccount:ai-rhdh:rhdh-rhoai-connector" cannot list resource "routes" in API "#
                    + #"group "route.openshift.io" at the cluster scope"#,
            ],
            testDescription: "list on routes")

        static let configMaps = RuleRemoval(
            file: "role.yaml",
            rule: #"  - apiGroups: [""]"# + "\n" + #"    resources: ["configmaps"]"# + "\n"
                + #"    verbs: ["get", "list", "watch", "create", "update", "patch"]"# + "\n",
            replacement: "",
            failingChecks: [
                "rbac get configmaps in ai-rhdh", "rbac list configmaps in ai-rhdh",
                "rbac create configmaps in ai-rhdh",
                "rbac patch configmaps in ai-rhdh", "cache bac-import-model",
            ],
            named: [
                "[FAIL] rbac patch configmaps in ai-rhdh", #"resources: ["configmaps"]"#, #"verbs: ["create"]"#,
                "the Role rhdh-rhoai-connector in ai-rhdh (deploy/rbac/role.yaml)",
                #"configmaps "bac-import-model" is forbidden: User "system:serviceaccount:ai-rhdh:rhdh-rhoai-connector" "#
                    + #"cannot get resource "configmaps" in API group "" in the namespace "ai-rhdh""#,
            ],
            testDescription: "the configmaps rule")
    }

    @Test(arguments: [RuleRemoval.listRoutes, .configMaps])
    func doctorExitsOneNamingThePermissionARemovedRuleGranted(_ removal: RuleRemoval) async throws {
        let folder = try TemporaryDirectory(prefix: "deploy-tests-")
        let source = DeployPaths.deploy.appendingPathComponent("rbac")
        for file in try FileManager.default.contentsOfDirectory(atPath: source.path) where file.hasSuffix(".yaml") {
            var text = try String(contentsOf: source.appendingPathComponent(file), encoding: .utf8)
            if file == removal.file {
                let edited = text.replacingOccurrences(of: removal.rule, with: removal.replacement)
                try #require(edited != text, "deploy/rbac/\(file) no longer holds the rule this test removes")
                text = edited
            }
            try folder.write(file, text)
        }
        let sandbox = try await SandboxProcess.start(rbac: folder.path)
        defer { sandbox.stop() }

        // No sidecars here: outside the pod their checks are skipped.
        let result = try await runCommand(
            try BinaryProcess.binary(), ["doctor"],
            environment: BinaryProcess.environment(try sandbox.environment(Self.connectorEnvironment)))
        let report = "\(result.stdout)\n\(result.stderr)"
        #expect(result.status == 1, "\(report)")
        let rows = DoctorTable(result.stdout)
        #expect(Set(rows.results.filter { $0.value == "FAIL" }.keys) == removal.failingChecks, "\(report)")
        #expect(rows.result(of: "sidecar location") == "SKIP", "\(report)")
        for text in removal.named {
            #expect(result.stdout.contains(text), "missing \(text) in\n\(report)")
        }
    }
}

extension DoctorCommandTests {
    /// Two operators next to the shipped RBAC: `viewer` may read pods (as the `view` ClusterRole allows) but has no
    /// console Role; `operator` has the Role of `deploy/rbac/console-operator-role.yaml` bound.
    static let operators = """
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: viewer
          namespace: ai-rhdh
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: operator
          namespace: ai-rhdh
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata:
          name: pod-reader
          namespace: ai-rhdh
        rules:
          - apiGroups: [""]
            resources: ["pods"]
            verbs: ["get", "list"]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata:
          name: pod-reader
          namespace: ai-rhdh
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: Role
          name: pod-reader
        subjects:
          - kind: ServiceAccount
            name: viewer
            namespace: ai-rhdh
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata:
          name: modelbridge-console-operator
          namespace: ai-rhdh
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: Role
          name: modelbridge-console-operator
        subjects:
          - kind: ServiceAccount
            name: operator
            namespace: ai-rhdh

        """

    @Test func doctorAsAnOperatorNamesTheConsoleRoleUntilItIsBound() async throws {
        let folder = try TemporaryDirectory(prefix: "deploy-tests-")
        let source = DeployPaths.deploy.appendingPathComponent("rbac")
        for file in try FileManager.default.contentsOfDirectory(atPath: source.path) where file.hasSuffix(".yaml") {
            try folder.write(file, try String(contentsOf: source.appendingPathComponent(file), encoding: .utf8))
        }
        try folder.write("zz-operators.yaml", Self.operators)
        let sandbox = try await SandboxProcess.start(rbac: folder.path)
        defer { sandbox.stop() }

        // Reading pods does not grant pods/proxy: RBAC matches the subresource as its own resource.
        let viewer = try await runCommand(
            try BinaryProcess.binary(), ["doctor"],
            environment: BinaryProcess.environment(try sandbox.environment("ai-rhdh.viewer.env")))
        let viewerReport = "\(viewer.stdout)\n\(viewer.stderr)"
        let viewerRows = DoctorTable(viewer.stdout)
        #expect(viewerRows.result(of: "console rbac get pods in ai-rhdh") == "OK", "\(viewerReport)")
        #expect(viewerRows.result(of: "console rbac list pods in ai-rhdh") == "OK", "\(viewerReport)")
        #expect(viewerRows.result(of: "console rbac get pods/proxy in ai-rhdh") == "WARN", "\(viewerReport)")
        #expect(viewerRows.result(of: "console rbac create pods/proxy in ai-rhdh") == "WARN", "\(viewerReport)")
        for text in [
            "[WARN] console rbac get pods/proxy in ai-rhdh", #"needs "get" on pods/proxy in ai-rhdh"#,
            "The Role modelbridge-console-operator (deploy/rbac/console-operator-role.yaml",
            "kubectl -n ai-rhdh create rolebinding modelbridge-console-operator --role=modelbridge-console-operator "
                + "--serviceaccount=ai-rhdh:viewer",
            "kubectl -n ai-rhdh auth can-i get pods --subresource=proxy",
        ] {
            #expect(viewer.stdout.contains(text), "missing \(text) in\n\(viewerReport)")
        }

        let bound = try await runCommand(
            try BinaryProcess.binary(), ["doctor"],
            environment: BinaryProcess.environment(try sandbox.environment("ai-rhdh.operator.env")))
        let boundReport = "\(bound.stdout)\n\(bound.stderr)"
        let boundRows = DoctorTable(bound.stdout)
        for check in [
            "console rbac get pods in ai-rhdh", "console rbac list pods in ai-rhdh",
            "console rbac get pods/proxy in ai-rhdh", "console rbac create pods/proxy in ai-rhdh",
        ] {
            #expect(boundRows.result(of: check) == "OK", "\(check) in\n\(boundReport)")
        }
        #expect(!bound.stdout.contains("console-operator-role.yaml"), "\(boundReport)")
    }
}

/// The rows of the doctor's table: check name → result.
struct DoctorTable {
    var results: [String: String] = [:]

    init(_ output: String) {
        for line in output.split(separator: "\n").dropFirst() {
            guard !line.isEmpty else { break }
            // CHECK (padded), two spaces, RESULT padded to six, two spaces, DETAIL.
            for result in ["OK", "WARN", "FAIL", "SKIP"] {
                let padded = "  " + result.padding(toLength: 6, withPad: " ", startingAt: 0) + "  "
                if let range = line.range(of: padded) {
                    let check = line[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                    results[check] = result
                    break
                }
            }
        }
    }

    func result(of check: String) -> String? { results[check] }
}

/// `modelbridge sandbox` started as its own process, with its state directory.
struct SandboxProcess: ~Copyable {
    let process: BinaryProcess
    let stateDirectory: TemporaryDirectory

    /// Starts the sandbox with RBAC from `rbac` and returns once it printed `sandbox ready`.
    static func start(rbac: String, locationURL: String? = nil, storageURL: String? = nil) async throws
        -> SandboxProcess
    {
        let state = try TemporaryDirectory(prefix: "deploy-tests-")
        var arguments = [
            "sandbox", "--rbac", rbac, "--state-dir", state.path, "--ready-delay", "0s", "--skip-techdocs",
            "--backstage-interval", "1h", "--log-level", "warning",
        ]
        if let locationURL { arguments += ["--location-url", locationURL] }
        if let storageURL { arguments += ["--storage-url", storageURL] }
        let process = try BinaryProcess(arguments: arguments, environment: [:])
        let deadline = ContinuousClock.now + .seconds(60)
        while !process.standardOutput.contains("sandbox ready") {
            guard process.isRunning else {
                throw BinaryProcess.Failure(description: "modelbridge sandbox exited: \(process.output)")
            }
            guard ContinuousClock.now < deadline else {
                process.stop()
                throw BinaryProcess.Failure(description: "modelbridge sandbox not ready in 60 s: \(process.output)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return SandboxProcess(process: process, stateDirectory: state)
    }

    /// The `KEY=VALUE` lines of one of the sandbox's environment files.
    func environment(_ file: String) throws -> [String: String] {
        let text = try String(contentsOfFile: "\(stateDirectory.path)/\(file)", encoding: .utf8)
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
        }
        return values
    }

    func stop() { process.stop() }
}

/// The built `modelbridge` binary running in the background, its output kept in files.
final class BinaryProcess {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let process: Process
    private let outputPath: String
    private let errorPath: String

    init(arguments: [String], environment: [String: String]) throws {
        let scratch = NSTemporaryDirectory() + "doctor-command-" + UUID().uuidString
        outputPath = scratch + ".out"
        errorPath = scratch + ".err"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.binary())
        process.arguments = arguments
        process.environment = Self.environment(environment)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        try process.run()
    }

    var isRunning: Bool { process.isRunning }
    var standardOutput: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }
    /// Standard output and the last 4 KiB of standard error.
    var output: String {
        let errors = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
        return standardOutput + String(errors.suffix(4096))
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: outputPath)
        try? FileManager.default.removeItem(atPath: errorPath)
    }

    /// This process's environment without what would point the binary elsewhere, plus `extra`.
    static func environment(_ extra: [String: String]) -> [String: String] {
        var merged = ProcessInfo.processInfo.environment
        for key in [
            "KUBECONFIG", "POD_IP", "POD_NAMESPACE", "NAMESPACE", "STORAGE_URL", "BRIDGE_URL", "MR_ROUTE", "KFMR_TOKEN",
            "K8S_TOKEN", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "PUSH_TO_RHDH", "BKSTG_URL",
            "LEADER_ELECT", "STORAGE_TYPE",
        ] {
            merged[key] = nil
        }
        return merged.merging(extra) { $1 }
    }

    /// The built `modelbridge` executable: `MODELBRIDGE_BINARY`, else `.build/debug/modelbridge`.
    static func binary() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["MODELBRIDGE_BINARY"], !explicit.isEmpty {
            return explicit
        }
        for candidate in [".build/debug/modelbridge", ".build/x86_64-unknown-linux-gnu/debug/modelbridge"] {
            let path = DeployPaths.root.appendingPathComponent(candidate).path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw Failure(description: "the modelbridge binary is not built; run swift build first")
    }
}

/// Polls `url` until it answers 200, failing early when `process` exits.
func waitUntilReady(_ url: String, http: HTTPClient, process: BinaryProcess) async throws {
    let deadline = ContinuousClock.now + .seconds(90)
    while ContinuousClock.now < deadline {
        guard process.isRunning else { throw BinaryProcess.Failure(description: "exited: \(process.output)") }
        if let response = try? await http.execute(HTTPClientRequest(url: url), timeout: .seconds(5)),
            response.status.code == 200
        {
            return
        }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw BinaryProcess.Failure(description: "\(url) not ready in 90 s: \(process.output)")
}
