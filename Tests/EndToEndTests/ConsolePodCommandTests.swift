import Foundation
import KubeAPI
import Logging
import Sandbox
import Testing

/// `modelbridge console --pod` as a binary: a refused `pods/proxy` stops it before it takes the terminal, naming the
/// missing permission, and its flags are checked. (What it shows once attached is `AttachedParityTests`.)
@Suite(.serialized) struct ConsolePodCommandTests {
    @Test func withoutPodsProxyTheConsoleNamesTheMissingPermissionAndExitsNonZero() async throws {
        var quiet = Logger(label: "test.console.pod")
        quiet.logLevel = .critical
        let server = FakeKubeServer(configuration: .init(namespaces: ["rhdh"], rbac: true), logger: quiet)
        try await server.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mb-pod-\(UUID())")
        // The fake kubelet starts the pod, as a node would, so that --selector finds it running.
        let kubelet = FakeKubeletController(store: server.store)
        let running = Task { await kubelet.run() }
        do {
            try server.store.seed(
                kind: "v1/serviceaccounts", object: ["metadata": ["name": "operator", "namespace": "rhdh"]])
            try server.store.seed(
                kind: "rbac.authorization.k8s.io/v1/roles",
                object: [
                    "metadata": ["name": "pods-reader", "namespace": "rhdh"],
                    "rules": [["apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]]],
                ])
            try server.store.seed(
                kind: "rbac.authorization.k8s.io/v1/rolebindings",
                object: [
                    "metadata": ["name": "operator-reads-pods", "namespace": "rhdh"],
                    "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pods-reader"],
                    "subjects": [["kind": "ServiceAccount", "name": "operator", "namespace": "rhdh"]],
                ])
            try server.store.seed(
                kind: "v1/pods",
                object: [
                    "metadata": [
                        "name": "backstage-developer-hub-x", "namespace": "rhdh",
                        "labels": ["rhdh.redhat.com/app": "backstage-developer-hub"],
                    ],
                    "spec": ["containers": [["name": "location", "image": "modelbridge"]]],
                ])
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
            try """
            apiVersion: v1
            kind: Config
            clusters:
            - name: sandbox
              cluster:
                server: \(server.url)
            users:
            - name: operator
              user:
                token: \(token)
            contexts:
            - name: operator
              context:
                cluster: sandbox
                user: operator
                namespace: rhdh
            current-context: operator
            """.write(toFile: kubeconfig, atomically: true, encoding: .utf8)

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

    @Test func podFlagsAreCheckedBeforeAnythingConnects() async throws {
        for (arguments, message) in [
            (["console", "--pod", "a", "--selector", "b=c"], "--pod and --selector both name a pod"),
            (["console", "--pod", "a", "--attach-location", "http://127.0.0.1:9"], "leave out --attach-"),
            (["console", "--allow-writes"], "--namespace and --allow-writes go with --pod or --selector"),
        ] {
            let run = try await CommandRun.run(arguments, timeout: .seconds(30))
            #expect(run.status == 64, "\(run)")
            #expect(run.stderr.contains(message), "\(run)")
        }
    }
}
