import Foundation
import KubeAPI
import ModelbridgeTesting
import Sandbox
import Synchronization
import Testing

/// kubectl from PATH, if installed.
private let kubectlExecutable: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/kubectl" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}()

/// Runs the real kubectl (a real client-go) against the fake: the wire-format oracle. Without kubectl the suite
/// is skipped, except under CI (env `CI` set), where it runs and fails.
@Suite(.enabled(if: kubectlExecutable != nil || ProcessInfo.processInfo.environment["CI"] != nil))
struct KubectlTests {
    static var kubectlPath: String? { kubectlExecutable }

    /// A running kubectl whose output is collected as it arrives.
    final class KubectlRun: Sendable {
        let process: Process
        private let output = OutputBuffer()
        private let errors = OutputBuffer()

        final class OutputBuffer: Sendable {
            let data = Mutex(Data())
            func append(_ more: Data) { data.withLock { $0.append(more) } }
            var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
        }

        init(arguments: [String]) throws {
            guard let path = KubectlTests.kubectlPath else {
                throw KubeConfigError("kubectl is not on PATH, and CI is set: install the kubernetes-client package")
            }
            process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
            let out = Pipe()
            let err = Pipe()
            process.standardOutput = out
            process.standardError = err
            out.fileHandleForReading.readabilityHandler = { [output] handle in
                output.append(handle.availableData)
            }
            err.fileHandleForReading.readabilityHandler = { [errors] handle in
                errors.append(handle.availableData)
            }
            try process.run()
        }

        var stdout: String { output.text }
        var stderr: String { errors.text }

        /// Waits for exit without blocking a concurrency thread (the fake server needs them).
        func exitStatus(timeout: Duration = .seconds(60)) async throws -> Int32 {
            try await eventually(timeout: timeout, "kubectl \(process.arguments ?? []) exits") { !process.isRunning }
            // Let the pipes drain what was written just before exit.
            try await eventually(timeout: .seconds(2), "output drained") { true }
            return process.terminationStatus
        }

        func stop() {
            if process.isRunning { process.terminate() }
        }
    }

    struct Harness {
        let server: FakeKubeServer
        let client: KubeClient
        let folder: String
        let kubeconfig: String

        func kubectl(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
            let run = try KubectlRun(
                arguments: ["--kubeconfig", kubeconfig, "--cache-dir", "\(folder)/cache"] + arguments)
            let status = try await run.exitStatus()
            // The readability handlers may still be delivering the last bytes.
            var stdout = run.stdout
            for _ in 0..<50 where stdout.isEmpty {
                try await Task.sleep(for: .milliseconds(10))
                stdout = run.stdout
            }
            return (status, stdout, run.stderr)
        }

        func background(_ arguments: [String]) throws -> KubectlRun {
            try KubectlRun(arguments: ["--kubeconfig", kubeconfig, "--cache-dir", "\(folder)/cache"] + arguments)
        }

        func write(_ name: String, _ text: String) throws -> String {
            let path = "\(folder)/\(name)"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
    }

    func withHarness(_ body: (Harness) async throws -> Void) async throws {
        let folder = try TemporaryDirectory()
        // client-go never sends a bearer token over plain HTTP, so kubectl talks to the fake over TLS.
        let pki = try TestPKI()
        let tls = FakeKubeServerConfiguration.TLS(
            certificateChainPEM: Array(pki.serverCertificatePEM.utf8), privateKeyPEM: Array(pki.serverKeyPEM.utf8))
        try await withFakeKube(
            FakeKubeServerConfiguration(
                acceptedTokens: ["kubectl-token"], bookmarkInterval: .milliseconds(200), tls: tls),
            credentials: .token("kubectl-token"), tls: KubeTLSSettings(trustRootsPEM: Array(pki.caPEM.utf8))
        ) { server, client in
            let kubeconfig = try Kubeconfig.write(
                to: folder.path + "/kubeconfig", server: server.url, token: "kubectl-token", namespace: "default",
                cluster: "fake", user: "tester", certificateAuthorityPEM: pki.caPEM)
            try await body(Harness(server: server, client: client, folder: folder.path, kubeconfig: kubeconfig))
        }
    }

    @Test func kubectlCanGetApplyWatchAndDeleteAgainstTheFake() async throws {
        try await withHarness { harness in
            let namespaces = try await harness.kubectl(["get", "namespaces", "-o", "name"])
            #expect(namespaces.status == 0, "\(namespaces.stderr)")
            #expect(namespaces.stdout.contains("namespace/default"))

            // apply creates (POST) …
            let manifest = try harness.write(
                "cm.yaml",
                """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: demo, labels: {app: demo}}
                data: {greeting: hello}
                """)
            let created = try await harness.kubectl(["apply", "-f", manifest])
            #expect(created.status == 0, "\(created.stderr)")
            #expect(created.stdout.contains("configmap/demo created"))
            #expect(try await harness.client.get(ConfigMap.self, name: "demo").data?["greeting"] == "hello")

            // … and then GET + strategic-merge PATCH.
            _ = try harness.write(
                "cm.yaml",
                """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: demo, labels: {app: demo}}
                data: {greeting: bonjour}
                """)
            let configured = try await harness.kubectl(["apply", "-f", manifest])
            #expect(configured.status == 0, "\(configured.stderr)")
            #expect(configured.stdout.contains("configmap/demo configured"))
            #expect(try await harness.client.get(ConfigMap.self, name: "demo").data?["greeting"] == "bonjour")

            // A custom resource goes through the merge-patch path.
            let isvc = try harness.write(
                "isvc.yaml",
                """
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: mnist}
                spec: {predictor: {model: {modelFormat: {name: onnx}, storageUri: "s3://bucket/mnist"}}}
                """)
            let isvcCreated = try await harness.kubectl(["apply", "-f", isvc])
            #expect(isvcCreated.status == 0, "\(isvcCreated.stderr)")
            let isvcs = try await harness.kubectl(["get", "isvc", "-o", "json"])
            #expect(isvcs.status == 0, "\(isvcs.stderr)")
            #expect(isvcs.stdout.contains("s3://bucket/mnist"))

            let single = try await harness.kubectl(["get", "configmap", "demo", "-o", "jsonpath={.data.greeting}"])
            #expect(single.stdout == "bonjour", "\(single.stderr)")
            let selected = try await harness.kubectl(["get", "configmaps", "-l", "app=demo", "-o", "name"])
            #expect(selected.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "configmap/demo")

            // get -w prints the existing object, then changes as they happen.
            let watch = try harness.background(["get", "configmaps", "-w", "-o", "name"])
            defer { watch.stop() }
            try await eventually(timeout: .seconds(30), "kubectl -w lists demo") {
                watch.stdout.contains("configmap/demo")
            }
            _ = try await harness.client.create(configMap("watched"))
            try await eventually(timeout: .seconds(30), "kubectl -w shows the new object") {
                watch.stdout.contains("configmap/watched")
            }
            watch.stop()

            let deleted = try await harness.kubectl(["delete", "configmap", "demo"])
            #expect(deleted.status == 0, "\(deleted.stderr)")
            #expect(deleted.stdout.contains("configmap \"demo\" deleted"))
            await #expect {
                _ = try await harness.client.get(ConfigMap.self, name: "demo")
            } throws: { ($0 as? KubeAPIError)?.isNotFound == true }
        }
    }

    /// What a person types first against a cluster, unchanged: the typed `create` commands and `auth can-i` send
    /// protobuf bodies, and `apply` validates on the server (kubectl reads `/openapi/v3` first).
    @Test func kubectlsImperativeCommandsAndValidatedApplyWorkUnchanged() async throws {
        try await withHarness { harness in
            func run(_ arguments: [String]) async throws -> String {
                let result = try await harness.kubectl(arguments)
                #expect(result.status == 0, "kubectl \(arguments.joined(separator: " ")): \(result.stderr)")
                return result.stdout
            }
            #expect(try await run(["create", "namespace", "x"]).contains("namespace/x created"))
            #expect(try await harness.client.get(Namespace.self, name: "x").metadata.name == "x")

            #expect(try await run(["create", "configmap", "y", "--from-literal=a=b"]).contains("configmap/y created"))
            #expect(try await harness.client.get(ConfigMap.self, name: "y").data == ["a": "b"])

            #expect(
                try await run(["create", "secret", "generic", "s", "--from-literal=k=v"]).contains("secret/s created"))
            let secret = try await harness.client.get(KubectlSecret.self, name: "s")
            #expect(secret.data == ["k": Data("v".utf8).base64EncodedString()])

            #expect(try await run(["create", "serviceaccount", "sa"]).contains("serviceaccount/sa created"))
            #expect(try await harness.client.get(ServiceAccount.self, name: "sa").metadata.namespace == "default")

            #expect(
                try await run(["create", "service", "clusterip", "web", "--tcp=80:8080"]).contains(
                    "service/web created"))
            let port = try await harness.client.get(KubeService.self, name: "web").spec?.ports?.first
            #expect(port?.port == 80 && port?.targetPort?.intValue == 8080)

            #expect(
                try await run(["create", "role", "reader", "--verb=get", "--resource=configmaps"])
                    .contains("role.rbac.authorization.k8s.io/reader created"))
            let role = try await harness.client.get(KubectlRole.self, name: "reader")
            #expect(role.rules?.first?.verbs == ["get"] && role.rules?.first?.resources == ["configmaps"])

            // auth can-i answers from the sandbox's access rules: allowed until a rule denies it.
            let allowed = try await harness.kubectl(["auth", "can-i", "list", "inferenceservices"])
            #expect(allowed.status == 0 && allowed.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "yes")
            harness.server.deny(FakeKubeAccessRule(verb: "list", resource: "inferenceservices"))
            let denied = try await harness.kubectl(["auth", "can-i", "list", "inferenceservices"])
            // kubectl prints the reason after "no - ", as it does for a real server's denial.
            #expect(denied.status == 1 && denied.stdout.hasPrefix("no"), "\(denied.stdout) \(denied.stderr)")

            // apply with validation on: a valid InferenceService is created …
            let isvc = try harness.write(
                "isvc.yaml",
                """
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: granite}
                spec:
                  predictor:
                    minReplicas: 1
                    model:
                      modelFormat: {name: vLLM}
                      runtime: vllm-runtime
                      storageUri: oci://registry.example/granite:1
                      resources: {limits: {nvidia.com/gpu: "1"}}
                """)
            #expect(
                try await run(["apply", "-f", isvc]).contains("inferenceservice.serving.kserve.io/granite created"))
            let created = try await harness.client.get(InferenceService.self, name: "granite")
            #expect(created.spec?.predictor?.model?.storageUri == "oci://registry.example/granite:1")

            // … and an unknown field is refused as a real server with strict validation refuses it.
            let typo = try harness.write(
                "typo.yaml",
                """
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: typo}
                spec: {predictor: {model: {modelFormat: {name: onnx}, storageURI: "s3://bucket/typo"}}}
                """)
            let refused = try await harness.kubectl(["apply", "-f", typo])
            #expect(refused.status != 0)
            #expect(
                refused.stderr.contains(
                    "InferenceService in version \"v1beta1\" cannot be handled as a InferenceService: strict decoding "
                        + "error: unknown field \"spec.predictor.model.storageURI\""), "\(refused.stderr)")
            await #expect {
                _ = try await harness.client.get(InferenceService.self, name: "typo")
            } throws: { ($0 as? KubeAPIError)?.isNotFound == true }

            let badConfigMap = try harness.write(
                "bad-cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad}\ndatas: {a: b}\n")
            let refusedConfigMap = try await harness.kubectl(["apply", "-f", badConfigMap])
            #expect(refusedConfigMap.status != 0)
            #expect(refusedConfigMap.stderr.contains("unknown field \"datas\""), "\(refusedConfigMap.stderr)")

            // --validate=warn: the server drops the field and says so in a Warning header, which kubectl prints.
            let warned = try await harness.kubectl(["apply", "--validate=warn", "-f", badConfigMap])
            #expect(warned.status == 0, "\(warned.stderr)")
            #expect(warned.stderr.contains("Warning: unknown field \"datas\""), "\(warned.stderr)")
            #expect(try await harness.client.get(ConfigMap.self, name: "bad").data == nil)
        }
    }

    @Test func kubectlWithAWrongTokenIsRefused() async throws {
        try await withHarness { harness in
            let refused = try await harness.kubectl(["--token", "wrong", "get", "configmaps"])
            #expect(refused.status != 0)
            #expect(
                refused.stderr.contains("provide credentials") || refused.stderr.contains("Unauthorized"),
                "\(refused.stderr)")
        }
    }
}

/// A Secret as kubectl creates it, read back through the API.
private struct KubectlSecret: KubeResource {
    static let resource = ResourceDescriptor(
        group: "", version: "v1", plural: "secrets", kind: "Secret", namespaced: true)
    var apiVersion: String?
    var kind: String?
    var metadata: ObjectMeta
    var data: [String: String]?
}

/// A Role as `kubectl create role` creates it.
private struct KubectlRole: KubeResource {
    static let resource = ResourceDescriptor(
        group: "rbac.authorization.k8s.io", version: "v1", plural: "roles", kind: "Role", namespaced: true)
    var apiVersion: String?
    var kind: String?
    var metadata: ObjectMeta
    var rules: [Rule]?

    struct Rule: Codable, Sendable {
        var verbs: [String]?
        var resources: [String]?
    }
}
