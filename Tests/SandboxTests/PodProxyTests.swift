import AsyncHTTPClient
import Foundation
import Hummingbird
import KubeAPI
import NIOCore
import Sandbox
import Testing

/// A client that shows redirects instead of following them (never shut down: it lives as long as the test process).
private let nonRedirectingClient = HTTPClient(
    eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

/// The fake API server's `pods/proxy` subresource and its fake kubelet, against a local HTTP server standing in for
/// a pod's container: forwarding, the real server's port and address rules, its error Statuses, and RBAC.
@Suite struct PodProxyTests {
    /// A local "container" that echoes what reached it, and answers `/moved` with a redirect to its own `/target`.
    static func withEchoServer<T>(_ body: (Int) async throws -> T) async throws -> T {
        let router = Router()
        router.on("/moved", method: .get) { _, _ -> Response in
            var headers = HTTPFields()
            headers[.location] = "/target?from=moved"
            return Response(status: .found, headers: headers)
        }
        for method in [HTTPRequest.Method.get, .post, .put, .delete] {
            router.on("**", method: method) { request, context -> Response in
                let body = try await request.body.collect(upTo: 1 << 20)
                let echo: JSONValue = [
                    "method": .string(request.method.rawValue), "path": .string(request.uri.path),
                    "query": .string(request.uri.query ?? ""), "body": .string(String(buffer: body)),
                    "authorization": .string(request.headers[.authorization] ?? "<none>"),
                    "forwardedUri": .string(request.headers[HTTPFields.Element.Name("X-Forwarded-Uri")!] ?? "<none>"),
                    "custom": .string(request.headers[HTTPFields.Element.Name("X-Custom")!] ?? "<none>"),
                ]
                var headers = HTTPFields()
                headers[.contentType] = "application/json"
                headers[HTTPFields.Element.Name("X-Pod-Header")!] = "from-the-pod"
                return Response(
                    status: .ok, headers: headers,
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: try KubeJSON.encoder.encode(echo))))
            }
        }
        let server = SandboxHTTPServer(router: router, host: "127.0.0.1", port: 0, logger: quietLogger())
        try await server.start()
        do {
            let result = try await body(server.port ?? 0)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// A started fake API (RBAC on when asked) with its kubelet running, and the ServiceAccount `team/viewer`.
    static func withKube<T>(rbac: Bool = false, _ body: (FakeKubeServer) async throws -> T) async throws -> T {
        let server = FakeKubeServer(configuration: .init(namespaces: ["default", "team"], rbac: rbac))
        try await server.start()
        let kubelet = FakeKubeletController(store: server.store)
        let task = Task { await kubelet.run() }
        do {
            try server.store.seed(
                kind: "v1/serviceaccounts", object: ["metadata": ["name": "viewer", "namespace": "team"]])
            let result = try await body(server)
            task.cancel()
            await server.stop()
            return result
        } catch {
            task.cancel()
            await server.stop()
            throw error
        }
    }

    /// One request to the fake; the status, the headers and the raw body.
    static func call(
        _ server: FakeKubeServer, _ path: String, method: String = "GET", token: String? = nil, body: String? = nil,
        headers: [(String, String)] = []
    ) async throws -> (status: Int, headers: [(String, String)], text: String) {
        var request = HTTPClientRequest(url: server.url + path)
        request.method = .init(rawValue: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await nonRedirectingClient.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers.map { ($0.name, $0.value) }, String(buffer: bytes))
    }

    static func json(_ text: String) -> JSONValue {
        (try? KubeJSON.decoder.decode(JSONValue.self, from: Data(text.utf8))) ?? .null
    }

    /// Creates a pod (as a client would) whose containers have `ports` (name, number), and waits until it runs.
    static func runPod(
        _ server: FakeKubeServer, name: String = "web", namespace: String = "team", ports: [(String, Int)],
        annotations: JSONValue = [:], waitForIP: Bool = true
    ) async throws {
        let containers: [JSONValue] = ports.enumerated().map { index, port in
            [
                "name": .string("c\(index)"), "image": "example.com/app:1",
                "ports": [["name": .string(port.0), "containerPort": .int(Int64(port.1))]],
            ]
        }
        let pod: JSONValue = [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": ["name": .string(name), "annotations": annotations],
            "spec": ["containers": .array(containers)],
        ]
        let created = try await call(
            server, "/api/v1/namespaces/\(namespace)/pods", method: "POST",
            body: String(decoding: try KubeJSON.encoder.encode(pod), as: UTF8.self),
            headers: [("Content-Type", "application/json")])
        #expect(created.status == 201, "\(created.text)")
        #expect(json(created.text)["status"]?["phase"] == "Pending")
        guard waitForIP else { return }
        try await eventually("pod \(name) runs") {
            let pod = json(try await call(server, "/api/v1/namespaces/\(namespace)/pods/\(name)").text)
            return pod["status"]?["phase"] == "Running"
                && pod["status"]?["podIPs"]?.arrayValue?.first?["ip"] == "127.0.0.1"
        }
    }

    @Test func theKubeletStartsACreatedPodThroughItsStatus() async throws {
        try await Self.withKube { server in
            try await Self.runPod(server, ports: [("http", 8080)])
            let pod = Self.json(try await Self.call(server, "/api/v1/namespaces/team/pods/web").text)
            let ready = pod["status"]?["conditions"]?.arrayValue?.first { $0["type"] == "Ready" }
            #expect(ready?["status"] == "True")
            #expect(pod["status"]?["podIP"] == "127.0.0.1")
            #expect(pod["spec"]?["containers"]?.arrayValue?.first?["ports"]?.arrayValue?.first?["protocol"] == "TCP")
            #expect(pod["status"]?["qosClass"] == "BestEffort")
            // The kubelet wrote through pods/status, which discovery lists next to pods/proxy.
            let discovery = Self.json(try await Self.call(server, "/api/v1").text)
            let names = discovery["resources"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(names.contains("pods/proxy") && names.contains("pods/status"))
        }
    }

    @Test func getThroughAPodReachesItsPortWithPathQueryAndHeadersButNotTheToken() async throws {
        try await Self.withEchoServer { port in
            try await Self.withKube { server in
                try await Self.runPod(server, ports: [("http", port)])
                let reply = try await Self.call(
                    server, "/api/v1/namespaces/team/pods/web:\(port)/proxy/list/a?limit=2&q=two%20words",
                    token: "user-token", headers: [("X-Custom", "kept")])
                #expect(reply.status == 200, "\(reply.text)")
                let echo = Self.json(reply.text)
                #expect(echo["method"] == "GET")
                #expect(echo["path"] == "/list/a")
                #expect(echo["query"] == "limit=2&q=two%20words")
                #expect(echo["custom"] == "kept")
                #expect(echo["authorization"] == "<none>")
                #expect(echo["forwardedUri"] == .string("/api/v1/namespaces/team/pods/web:\(port)/proxy/list/a"))
                #expect(reply.headers.contains { $0.0.lowercased() == "x-pod-header" && $0.1 == "from-the-pod" })
            }
        }
    }

    @Test func postPutAndDeleteForwardTheirMethodAndBody() async throws {
        try await Self.withEchoServer { port in
            try await Self.withKube { server in
                try await Self.runPod(server, ports: [("http", port)])
                for method in ["POST", "PUT", "DELETE"] {
                    let reply = try await Self.call(
                        server, "/api/v1/namespaces/team/pods/web:\(port)/proxy/upsert", method: method,
                        body: #"{"key":"value"}"#)
                    #expect(reply.status == 200, "\(reply.text)")
                    #expect(Self.json(reply.text)["method"] == .string(method))
                    #expect(Self.json(reply.text)["body"] == #"{"key":"value"}"#)
                }
            }
        }
    }

    @Test func withoutAPortTheFirstContainerPortIsUsedAndTheSchemeFormWorks() async throws {
        try await Self.withEchoServer { port in
            try await Self.withKube { server in
                try await Self.runPod(server, ports: [("http", port), ("other", 1)])
                let plain = try await Self.call(server, "/api/v1/namespaces/team/pods/web/proxy/x")
                #expect(plain.status == 200, "\(plain.text)")
                let withScheme = try await Self.call(server, "/api/v1/namespaces/team/pods/http:web:\(port)/proxy/x")
                #expect(withScheme.status == 200, "\(withScheme.text)")
                #expect(Self.json(withScheme.text)["path"] == "/x")
            }
        }
    }

    @Test func aPortNameIsAServiceNameForTheDialerNotAContainerPortName() async throws {
        try await Self.withKube { server in
            try await Self.runPod(server, ports: [("location", 9)])
            // kube-apiserver passes a non-numeric port to Go's dialer, which looks it up in /etc/services.
            let reply = try await Self.call(server, "/api/v1/namespaces/team/pods/web:location/proxy/list")
            #expect(reply.status == 503)
            let status = Self.json(reply.text)
            #expect(status["reason"] == "ServiceUnavailable")
            #expect(status["message"] == "error trying to reach service: dial tcp: lookup tcp/location: unknown port")
        }
    }

    @Test func anUnknownPodIsNotFoundWithTheRealStatus() async throws {
        try await Self.withKube { server in
            let reply = try await Self.call(server, "/api/v1/namespaces/team/pods/ghost:9090/proxy/list")
            #expect(reply.status == 404)
            let status = Self.json(reply.text)
            #expect(status["kind"] == "Status")
            #expect(status["reason"] == "NotFound")
            #expect(status["message"] == #"pods "ghost" not found"#)
            #expect(status["details"]?["kind"] == "pods")
        }
    }

    @Test func aRefusedPortIsServiceUnavailableWithGoDialText() async throws {
        let closed = try LoopbackPort.free()
        try await Self.withKube { server in
            try await Self.runPod(server, ports: [("http", closed)])
            let reply = try await Self.call(server, "/api/v1/namespaces/team/pods/web:\(closed)/proxy/")
            #expect(reply.status == 503)
            let status = Self.json(reply.text)
            #expect(status["reason"] == "ServiceUnavailable")
            #expect(status["code"] == 503)
            #expect(
                status["message"]
                    == .string(
                        "error trying to reach service: dial tcp 127.0.0.1:\(closed): connect: connection refused"))
        }
    }

    @Test func aPodWithoutAnIPAndAMalformedReferenceAreBadRequests() async throws {
        try await Self.withKube { server in
            try await Self.runPod(
                server, name: "waiting", ports: [("http", 8080)],
                annotations: [.init(KServeStatusController.neverReadyAnnotation): "true"], waitForIP: false)
            let noIP = try await Self.call(server, "/api/v1/namespaces/team/pods/waiting:8080/proxy/")
            #expect(noIP.status == 400)
            #expect(Self.json(noIP.text)["message"] == "address not allowed")
            let malformed = try await Self.call(server, "/api/v1/namespaces/team/pods/ftp:waiting:1/proxy/")
            #expect(malformed.status == 400)
            #expect(Self.json(malformed.text)["message"] == #"invalid pod request "ftp:waiting:1""#)
        }
    }

    @Test func anEmptyProxyPathRedirectsAndAPodRedirectStaysUnderTheProxyPath() async throws {
        try await Self.withEchoServer { port in
            try await Self.withKube { server in
                try await Self.runPod(server, ports: [("http", port)])
                let base = "/api/v1/namespaces/team/pods/web:\(port)/proxy"
                let empty = try await Self.call(server, base + "?a=1")
                #expect(empty.status == 301)
                #expect(empty.headers.first { $0.0.lowercased() == "location" }?.1 == base + "/?a=1")
                let moved = try await Self.call(server, base + "/moved")
                #expect(moved.status == 302)
                #expect(moved.headers.first { $0.0.lowercased() == "location" }?.1 == base + "/target?from=moved")
            }
        }
    }

    @Test func rbacChecksTheMethodsVerbOnPodsProxyWithTheRealForbiddenText() async throws {
        try await Self.withEchoServer { port in
            try await Self.withKube(rbac: true) { server in
                try await Self.runPod(server, ports: [("http", port)])
                let token = try server.issueToken(serviceAccount: "viewer", namespace: "team")
                let path = "/api/v1/namespaces/team/pods/web:\(port)/proxy/list"
                let refused = try await Self.call(server, path, token: token)
                #expect(refused.status == 403)
                #expect(
                    Self.json(refused.text)["message"]
                        == .string(
                            "pods \"web:\(port)\" is forbidden: User \"system:serviceaccount:team:viewer\" cannot get "
                                + "resource \"pods/proxy\" in API group \"\" in the namespace \"team\""))

                try server.store.seed(
                    kind: "rbac.authorization.k8s.io/v1/roles",
                    object: [
                        "metadata": ["name": "console-operator", "namespace": "team"],
                        "rules": [["apiGroups": [""], "resources": ["pods/proxy"], "verbs": ["get"]]],
                    ])
                try server.store.seed(
                    kind: "rbac.authorization.k8s.io/v1/rolebindings",
                    object: [
                        "metadata": ["name": "console-operator", "namespace": "team"],
                        "roleRef": [
                            "apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "console-operator",
                        ],
                        "subjects": [["kind": "ServiceAccount", "name": "viewer", "namespace": "team"]],
                    ])
                let allowed = try await Self.call(server, path, token: token)
                #expect(allowed.status == 200, "\(allowed.text)")
                // `get` on pods/proxy does not grant POST (create), nor `get` on pods itself.
                let post = try await Self.call(server, path, method: "POST", token: token, body: "{}")
                #expect(post.status == 403)
                #expect(
                    Self.json(post.text)["message"]?.stringValue?.contains(#"cannot create resource "pods/proxy""#)
                        == true)
                let pod = try await Self.call(server, "/api/v1/namespaces/team/pods/web", token: token)
                #expect(pod.status == 403)
            }
        }
    }

    @Test func theDeveloperHubPodProxiesToTheLocalSidecarPorts() async throws {
        try await Self.withEchoServer { port in
            let platform = try SandboxPlatform(
                configuration: SandboxConfiguration(
                    scenario: .demo, readyDelay: .zero, backstagePolls: false, locationURL: "http://127.0.0.1:1",
                    podNamespace: "ai-rhdh"),
                logger: quietLogger())
            try await platform.start()
            do {
                let name = try platform.addDeveloperHubPod(locationPort: port, storagePort: 1, normalizerPort: 2)
                #expect(name.hasPrefix("backstage-developer-hub-"))
                let server = platform.kubernetes
                let selector = "rhdh.redhat.com%2Fapp%3Dbackstage-developer-hub"
                try await eventually("the Developer Hub pod runs") {
                    let list = Self.json(
                        try await Self.call(server, "/api/v1/namespaces/ai-rhdh/pods?labelSelector=\(selector)").text)
                    return list["items"]?.arrayValue?.first?["status"]?["phase"] == "Running"
                }
                let reply = try await Self.call(server, "/api/v1/namespaces/ai-rhdh/pods/\(name):\(port)/proxy/list")
                #expect(reply.status == 200, "\(reply.text)")
                #expect(Self.json(reply.text)["path"] == "/list")
                let pod = Self.json(try await Self.call(server, "/api/v1/namespaces/ai-rhdh/pods/\(name)").text)
                let ports = pod["spec"]?["containers"]?.arrayValue?.compactMap { container -> String? in
                    guard let first = container["ports"]?.arrayValue?.first else { return nil }
                    return "\(container["name"]?.stringValue ?? ""):\(first["name"]?.stringValue ?? "")"
                        + ":\(first["containerPort"]?.intValue ?? 0)"
                }
                #expect(
                    ports == [
                        "backstage-backend:backend:7007", "location:location:\(port)", "storage-rest:storage-rest:1",
                        "rhoai-normalizer:normalizer:2",
                    ])
            } catch {
                await platform.stop()
                throw error
            }
            await platform.stop()
        }
    }
}
