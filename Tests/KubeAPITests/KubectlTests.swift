import Foundation
import KubeAPI
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
            for _ in 0..<50 where status == 0 && stdout.isEmpty {
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
            let kubeconfig = try folder.write(
                "kubeconfig",
                """
                apiVersion: v1
                kind: Config
                current-context: fake
                clusters:
                - name: fake
                  cluster:
                    server: "\(server.url)"
                    certificate-authority-data: \(Data(pki.caPEM.utf8).base64EncodedString())
                contexts:
                - name: fake
                  context: {cluster: fake, user: tester, namespace: default}
                users:
                - name: tester
                  user: {token: kubectl-token}
                """)
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
            let created = try await harness.kubectl(["apply", "--validate=false", "-f", manifest])
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
            let configured = try await harness.kubectl(["apply", "--validate=false", "-f", manifest])
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
            let isvcCreated = try await harness.kubectl(["apply", "--validate=false", "-f", isvc])
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
