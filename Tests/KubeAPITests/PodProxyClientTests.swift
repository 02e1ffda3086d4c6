import Foundation
import KubeAPI
import ModelbridgeTesting
import Sandbox
import Testing

/// ``KubeClient/proxy(_:namespace:pod:port:scheme:path:query:body:contentType:headers:)`` and ``PodProxyError``
/// against the fake API server's `pods/proxy`, and the real kubectl (`get --raw`, `auth can-i`, `create`, `delete`)
/// against the same fake with RBAC and TLS on. The "pod" is a second fake API server on loopback: its answers
/// (paged lists, created objects) show that the query and the body went through.
@Suite struct PodProxyClientTests {
    struct Cluster {
        let server: FakeKubeServer
        /// The "container" behind the pod `web` in `team`, listening on ``podPort``.
        let pod: FakeKubeServer
        let podPort: Int
        let admin: KubeClient
        let viewerToken: String
        let pki: TestPKI
        let folder: String

        /// A client that authenticates as the ServiceAccount `team/viewer`.
        func viewer() throws -> KubeClient {
            try KubeClient(
                config: KubeConfig(
                    server: server.url, namespace: "team", credentials: .token(viewerToken),
                    tls: KubeTLSSettings(trustRootsPEM: Array(pki.caPEM.utf8))),
                logger: quietLogger())
        }

        /// Lets `team/viewer` use `verbs` on `pods/proxy` in `team`.
        func grantViewer(_ verbs: [String]) throws {
            try server.store.seed(
                kind: "rbac.authorization.k8s.io/v1/roles",
                object: [
                    "metadata": ["name": "console-operator", "namespace": "team"],
                    "rules": [
                        ["apiGroups": [""], "resources": ["pods/proxy"], "verbs": .array(verbs.map { .string($0) })]
                    ],
                ])
            try server.store.seed(
                kind: "rbac.authorization.k8s.io/v1/rolebindings",
                object: [
                    "metadata": ["name": "console-operator", "namespace": "team"],
                    "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "console-operator"],
                    "subjects": [["kind": "ServiceAccount", "name": "viewer", "namespace": "team"]],
                ])
        }

        /// Runs the real kubectl as `user` (`admin` or `viewer`); status and output.
        func kubectl(_ arguments: [String], as user: String = "admin") async throws
            -> (status: Int32, stdout: String, stderr: String)
        {
            let kubeconfig = "\(folder)/kubeconfig"
            if !FileManager.default.fileExists(atPath: kubeconfig) {
                try """
                apiVersion: v1
                kind: Config
                current-context: admin
                clusters:
                - name: fake
                  cluster:
                    server: "\(server.url)"
                    certificate-authority-data: \(Data(pki.caPEM.utf8).base64EncodedString())
                contexts:
                - name: admin
                  context: {cluster: fake, user: admin, namespace: team}
                - name: viewer
                  context: {cluster: fake, user: viewer, namespace: team}
                users:
                - name: admin
                  user: {token: admin-token}
                - name: viewer
                  user: {token: \(viewerToken)}
                """.write(toFile: kubeconfig, atomically: true, encoding: .utf8)
            }
            let run = try KubectlTests.KubectlRun(
                arguments: ["--kubeconfig", kubeconfig, "--context", user, "--cache-dir", "\(folder)/cache"] + arguments
            )
            let status = try await run.exitStatus()
            return (status, run.stdout, run.stderr)
        }
    }

    /// A fake API with RBAC and TLS on, its kubelet, the ServiceAccount `team/viewer` (no grants) and the running pod
    /// `web` in `team` whose container port `api` is the second fake's port.
    func withCluster(_ body: (Cluster) async throws -> Void) async throws {
        let folder = try TemporaryDirectory()
        let pki = try TestPKI()
        let pod = FakeKubeServer(configuration: .init(namespaces: ["default", "inside"]))
        try await pod.start()
        let podPort = pod.port ?? 0
        let tls = FakeKubeServerConfiguration.TLS(
            certificateChainPEM: Array(pki.serverCertificatePEM.utf8), privateKeyPEM: Array(pki.serverKeyPEM.utf8))
        do {
            try await withFakeKube(
                FakeKubeServerConfiguration(
                    acceptedTokens: ["admin-token"], tls: tls, namespaces: ["default", "team"], rbac: true),
                credentials: .token("admin-token"), tls: KubeTLSSettings(trustRootsPEM: Array(pki.caPEM.utf8))
            ) { server, admin in
                let kubelet = FakeKubeletController(store: server.store)
                let task = Task { await kubelet.run() }
                defer { task.cancel() }
                _ = try await admin.create(ServiceAccount(metadata: ObjectMeta(name: "viewer")), namespace: "team")
                let viewerToken = try server.issueToken(serviceAccount: "viewer", namespace: "team")
                let created = try await admin.create(
                    Pod(
                        metadata: ObjectMeta(name: "web", labels: ["app": "web"]),
                        spec: .init(containers: [
                            .init(
                                name: "app", image: "example.com/app:1",
                                ports: [.init(name: "api", containerPort: podPort)])
                        ])),
                    namespace: "team")
                #expect(created.status?.phase == "Pending")
                try await eventually("the pod runs") {
                    try await admin.get(Pod.self, name: "web", namespace: "team").isReady
                }
                try await body(
                    Cluster(
                        server: server, pod: pod, podPort: podPort, admin: admin, viewerToken: viewerToken, pki: pki,
                        folder: folder.path))
            }
        } catch {
            await pod.stop()
            throw error
        }
        await pod.stop()
    }

    @Test func proxyGetReturnsThePodsAnswerWithTheQueryApplied() async throws {
        try await withCluster { cluster in
            let pods = try await cluster.admin.listPods(namespace: "team", labelSelector: "app=web")
            let port = try #require(pods.first?.containerPort(named: "api"))
            let reply = try await cluster.admin.proxy(
                .GET, namespace: "team", pod: "web", port: port, path: "/api/v1/namespaces", query: [("limit", "1")])
            #expect(reply.status == 200)
            #expect(reply.header("content-type") == "application/json")
            let list = try KubeJSON.decoder.decode(JSONValue.self, from: Data(reply.body))
            #expect(list["items"]?.arrayValue?.count == 1)
            #expect(list["metadata"]?["continue"] != nil)
        }
    }

    @Test func proxyPostDeliversTheBodyAndAnswersOfThePodAreNotErrors() async throws {
        try await withCluster { cluster in
            let configMap = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"sent"},"data":{"k":"v"}}"#
            let created = try await cluster.admin.proxy(
                .POST, namespace: "team", pod: "web", port: cluster.podPort,
                path: "/api/v1/namespaces/inside/configmaps", body: Array(configMap.utf8))
            #expect(created.status == 201, "\(created.text)")
            let read = try await cluster.admin.proxy(
                .GET, namespace: "team", pod: "web", port: cluster.podPort,
                path: "/api/v1/namespaces/inside/configmaps/sent")
            #expect(read.status == 200)
            #expect(read.text.contains(#""k":"v""#))
            // The pod's own 404 is a Status too, but about its configmaps, not this pod: an answer, not an error.
            let missing = try await cluster.admin.proxy(
                .GET, namespace: "team", pod: "web", port: cluster.podPort,
                path: "/api/v1/namespaces/inside/configmaps/absent")
            #expect(missing.status == 404)
            #expect(missing.text.contains(#"configmaps \"absent\" not found"#))
        }
    }

    @Test func anUnknownPodAndARefusedPortAreTypedErrors() async throws {
        try await withCluster { cluster in
            await #expect {
                _ = try await cluster.admin.proxy(.GET, namespace: "team", pod: "ghost", port: 9090, path: "/")
            } throws: { error in
                guard case .podNotFound(_, let pod, let status, _) = error as? PodProxyError else { return false }
                return pod == "ghost" && status.message == #"pods "ghost" not found"#
                    && "\(error)".contains("pod not found: team/ghost")
            }
            let closed = try LoopbackPort.free()
            await #expect {
                _ = try await cluster.admin.proxy(.GET, namespace: "team", pod: "web", port: closed, path: "/")
            } throws: { error in
                guard case .portRefused(_, _, let port, let status, _) = error as? PodProxyError else { return false }
                return port == String(closed)
                    && status.message
                        == "error trying to reach service: dial tcp 127.0.0.1:\(closed): connect: connection refused"
                    && "\(error)".contains("the pod's port refused")
            }
        }
    }

    @Test func withoutPodsProxyTheErrorNamesTheMissingPermissionAndAGrantOpensIt() async throws {
        try await withCluster { cluster in
            let viewer = try cluster.viewer()
            defer { Task { try? await viewer.shutdown() } }
            await #expect {
                _ = try await viewer.proxy(.GET, pod: "web", port: cluster.podPort, path: "/version")
            } throws: { error in
                guard case .forbidden(let permission, let status, _) = error as? PodProxyError else { return false }
                return permission == "`get` on pods/proxy in namespace team"
                    && status.message
                        == "pods \"web:\(cluster.podPort)\" is forbidden: User \"system:serviceaccount:team:viewer\" "
                        + "cannot get resource \"pods/proxy\" in API group \"\" in the namespace \"team\""
            }
            try cluster.grantViewer(["get"])
            let reply = try await viewer.proxy(.GET, pod: "web", port: cluster.podPort, path: "/version")
            #expect(reply.status == 200)
            let review = try await viewer.create(
                SelfSubjectAccessReview(verb: "get", resource: "pods", namespace: "team", subresource: "proxy"))
            #expect(review.status?.allowed == true)
            await #expect {
                _ = try await viewer.proxy(.POST, pod: "web", port: cluster.podPort, path: "/version", body: [])
            } throws: { error in
                guard case .forbidden(let permission, _, _) = error as? PodProxyError else { return false }
                return permission == "`create` on pods/proxy in namespace team"
            }
        }
    }

    // MARK: - The real kubectl

    @Test(.enabled(if: KubectlTests.kubectlPath != nil || ProcessInfo.processInfo.environment["CI"] != nil))
    func kubectlGetRawReadsThroughThePodAndAuthCanIAnswersForPodsProxy() async throws {
        try await withCluster { cluster in
            let raw = try await cluster.kubectl([
                "get", "--raw", "/api/v1/namespaces/team/pods/web:\(cluster.podPort)/proxy/api/v1/namespaces?limit=1",
            ])
            #expect(raw.status == 0, "\(raw.stderr)")
            #expect(raw.stdout.contains(#""kind":"NamespaceList""#), "\(raw.stdout)")

            let refused = try await cluster.kubectl(["get", "--raw", "/api/v1/namespaces/team/pods/web:1/proxy/"])
            #expect(refused.status != 0)
            #expect(
                refused.stderr.contains(
                    "Error from server (ServiceUnavailable): error trying to reach service: dial tcp 127.0.0.1:1"),
                "\(refused.stderr)")

            // The subresource is a flag: `pods/proxy` as an argument is TYPE/NAME, a pod called "proxy".
            let canI = ["auth", "can-i", "get", "pods", "--subresource=proxy", "-n", "team"]
            let before = try await cluster.kubectl(canI, as: "viewer")
            #expect(before.status == 1, "\(before.stderr)")
            #expect(before.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "no")
            try cluster.grantViewer(["get"])
            let after = try await cluster.kubectl(canI, as: "viewer")
            #expect(after.status == 0, "\(after.stderr)")
            #expect(after.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "yes")
            let create = try await cluster.kubectl(
                ["auth", "can-i", "create", "pods", "--subresource=proxy", "-n", "team"], as: "viewer")
            #expect(create.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "no")
            let podNamedProxy = try await cluster.kubectl(
                ["auth", "can-i", "get", "pods/proxy", "-n", "team"], as: "viewer")
            #expect(podNamedProxy.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "no")

            let viaViewer = try await cluster.kubectl(
                ["get", "--raw", "/api/v1/namespaces/team/pods/web:\(cluster.podPort)/proxy/version"], as: "viewer")
            #expect(viaViewer.status == 0, "\(viaViewer.stderr)")
            #expect(viaViewer.stdout.contains("gitVersion"))
        }
    }

    @Test(.enabled(if: KubectlTests.kubectlPath != nil || ProcessInfo.processInfo.environment["CI"] != nil))
    func kubectlCreatesListsAndDeletesPodsWithValidationOn() async throws {
        try await withCluster { cluster in
            let manifest = "\(cluster.folder)/pod.yaml"
            try """
            apiVersion: v1
            kind: Pod
            metadata: {name: extra, labels: {app: extra}}
            spec:
              containers:
              - name: main
                image: example.com/extra:1
                ports: [{name: http, containerPort: 8080}]
            """.write(toFile: manifest, atomically: true, encoding: .utf8)
            let created = try await cluster.kubectl(["create", "-f", manifest])
            #expect(created.status == 0, "\(created.stderr)")
            #expect(created.stdout.contains("pod/extra created"))
            try await eventually("the new pod runs") {
                try await cluster.admin.get(Pod.self, name: "extra", namespace: "team").isReady
            }
            let listed = try await cluster.kubectl(["get", "pods", "-o", "name"])
            #expect(listed.status == 0, "\(listed.stderr)")
            #expect(listed.stdout.contains("pod/extra") && listed.stdout.contains("pod/web"))
            let deleted = try await cluster.kubectl(["delete", "pod", "extra"])
            #expect(deleted.status == 0, "\(deleted.stderr)")
            #expect(deleted.stdout.contains(#"pod "extra" deleted"#))
        }
    }
}
