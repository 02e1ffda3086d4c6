import Foundation
import KubeAPI
import Logging
import ModelbridgeTesting
import Sandbox
import Testing

/// `modelbridge console --pod` as a binary: a refused `pods/proxy` stops it before it takes the terminal, naming the
/// missing permission, and its flags are checked. (What it shows once attached is `AttachedParityTests`.)
@Suite(.serialized) struct ConsolePodCommandTests {
    @Test func withoutPodsProxyTheConsoleNamesTheMissingPermissionAndExitsNonZero() async throws {
        let quiet = Logger.quiet("test.console.pod")
        let server = FakeKubeServer(configuration: .init(namespaces: ["rhdh"], rbac: true), logger: quiet)
        try await server.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mb-pod-\(UUID())")
        // The fake kubelet starts the pod, as a node would, so that --selector finds it running.
        let kubelet = FakeKubeletController(store: server.store)
        let running = Task { await kubelet.run() }
        do {
            try server.store.seedOperatorWhoMayReadPodsButNotProxy()
            let token = try server.issueToken(serviceAccount: "operator", namespace: "rhdh")
            let kube = try KubeClient(
                config: KubeConfig(server: server.url, namespace: "rhdh", credentials: .token(token)), logger: quiet)
            defer { Task { try? await kube.shutdown() } }
            try await eventually("the fake kubelet runs the pod", timeout: .seconds(10)) {
                let pod = try? await kube.get(Pod.self, name: "backstage-developer-hub-x", namespace: "rhdh")
                return pod?.status?.phase == "Running"
            }
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let kubeconfig = directory.appendingPathComponent("kubeconfig").path
            try Kubeconfig.write(
                to: kubeconfig, server: server.url, token: token, namespace: "rhdh", user: "operator",
                context: "operator")

            for arguments in [
                ["console", "--pod", "backstage-developer-hub-x", "-n", "rhdh"],
                ["console", "--selector", "rhdh.redhat.com/app=backstage-developer-hub"],
            ] {
                let run = try await CommandRun.run(
                    arguments + ["--kubeconfig", kubeconfig, "--print-frame", "100x30"], timeout: .seconds(30))
                #expect(run.status != 0, "\(run)")
                #expect(run.stderr.contains("`get` on pods/proxy in namespace rhdh"), "\(run)")
                #expect(!run.stdout.contains("modelbridge console"), "no frame is drawn: \(run)")
            }
        } catch {
            Issue.record(error)
        }
        try? FileManager.default.removeItem(at: directory)
        running.cancel()
        await server.stop()
    }

    /// `oc exec -it POD -c rhoai-normalizer -- modelbridge console`: with `POD_IP` set (the deployment sets it in every
    /// sidecar) and no mode chosen, the console attaches to the sibling sidecars on loopback, read-only unless
    /// `--allow-writes`. (`scripts/image-test` runs it so in the image, against the three roles.)
    @Test func insideThePodTheConsoleAttachesToItsSiblingsOnLoopbackReadOnly() async throws {
        let inPod = ["POD_IP": "10.128.0.7"]
        let readOnly = try await CommandRun.run(
            ["console", "--print-frame", "120x12"], environment: inPod, timeout: .seconds(30))
        #expect(readOnly.status == 0, "\(readOnly)")
        let header = readOnly.stdout.split(separator: "\n").first.map(String.init) ?? ""
        #expect(header.contains("context 127.0.0.1 :9090 :7070 :8081"), "\(header)")
        #expect(header.contains("attached") && header.contains("READ-ONLY"), "\(header)")
        let writable = try await CommandRun.run(
            ["console", "--allow-writes", "--print-frame", "120x12"], environment: inPod, timeout: .seconds(30))
        #expect(writable.status == 0, "\(writable)")
        #expect(!writable.stdout.contains("READ-ONLY"), "\(writable)")
        let missingToken = try await CommandRun.run(
            ["console", "--allow-writes", "--token-file", "/nonexistent/token", "--print-frame", "120x12"],
            environment: inPod, timeout: .seconds(30))
        #expect(missingToken.status != 0, "\(missingToken)")
        #expect(missingToken.stderr.contains("--token-file: cannot read /nonexistent/token"), "\(missingToken)")
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("mb-empty-token-\(UUID())").path
        FileManager.default.createFile(atPath: empty, contents: Data("\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let emptyToken = try await CommandRun.run(
            ["console", "--allow-writes", "--token-file", empty, "--print-frame", "120x12"], environment: inPod,
            timeout: .seconds(30))
        #expect(emptyToken.status != 0, "\(emptyToken)")
        #expect(emptyToken.stderr.contains("--token-file: \(empty) is empty"), "\(emptyToken)")
    }

    @Test func podFlagsAreCheckedBeforeAnythingConnects() async throws {
        for (arguments, message) in [
            (["console", "--pod", "a", "--selector", "b=c"], "--pod and --selector both name a pod"),
            (["console", "--pod", "a", "--attach-location", "http://127.0.0.1:9"], "leave out --attach-"),
            (["console", "-n", "rhdh"], "--namespace goes with --pod or --selector"),
            (["console", "--pod", "a", "--allow-writes", "--read-only"], "--allow-writes and --read-only contradict"),
            (["console", "--demo-data", "--allow-writes"], "--allow-writes is for an attached console"),
            (["console", "--in-process", "--pod", "a"], "--in-process runs the engine here"),
        ] {
            let run = try await CommandRun.run(arguments, timeout: .seconds(30))
            #expect(run.status == 64, "\(run)")
            #expect(run.stderr.contains(message), "\(run)")
        }
    }
}
