import AsyncHTTPClient
import Foundation
import KubeAPI
import NIOCore
import Sandbox
import Testing

/// The fake Kubernetes API with RBAC on: tokens become ServiceAccounts, and Roles and bindings decide, with
/// kube-apiserver's 403 bodies and SelfSubjectAccessReview answers.
@Suite struct FakeKubeRBACTests {
    static let account = FakeKubeUser.serviceAccount(namespace: "ai-rhdh", name: "bridge")

    /// A started fake with RBAC on, the ServiceAccount ai-rhdh/bridge, and `objects` (kind id, object) seeded.
    static func withRBAC(
        _ objects: [(String, JSONValue)] = [], _ body: (FakeKubeServer, String) async throws -> Void
    ) async throws {
        let server = FakeKubeServer(
            configuration: .init(namespaces: ["default", "ai-rhdh", "team-a", "team-b"], rbac: true))
        try await server.start()
        do {
            try server.store.seed(
                kind: "v1/serviceaccounts", object: ["metadata": ["name": "bridge", "namespace": "ai-rhdh"]])
            for (kind, object) in objects { try server.store.seed(kind: kind, object: object) }
            let token = try server.issueToken(serviceAccount: "bridge", namespace: "ai-rhdh")
            try await body(server, token)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    static func clusterRole(_ name: String, rules: JSONValue) -> (String, JSONValue) {
        ("rbac.authorization.k8s.io/v1/clusterroles", ["metadata": ["name": .string(name)], "rules": rules])
    }

    static func role(_ name: String, namespace: String, rules: JSONValue) -> (String, JSONValue) {
        (
            "rbac.authorization.k8s.io/v1/roles",
            ["metadata": ["name": .string(name), "namespace": .string(namespace)], "rules": rules]
        )
    }

    static func binding(_ name: String, namespace: String? = nil, roleKind: String = "ClusterRole", role: String)
        -> (String, JSONValue)
    {
        var metadata: JSONValue = ["name": .string(name)]
        if let namespace { metadata["namespace"] = .string(namespace) }
        return (
            namespace == nil
                ? "rbac.authorization.k8s.io/v1/clusterrolebindings" : "rbac.authorization.k8s.io/v1/rolebindings",
            [
                "metadata": metadata,
                "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": .string(roleKind), "name": .string(role)],
                "subjects": [["kind": "ServiceAccount", "name": "bridge", "namespace": "ai-rhdh"]],
            ]
        )
    }

    /// One request with an optional bearer token; the status and the JSON body.
    static func call(
        _ server: FakeKubeServer, _ path: String, method: String = "GET", token: String?, body: JSONValue? = nil
    ) async throws -> (Int, JSONValue) {
        var request = HTTPClientRequest(url: server.url + path)
        request.method = .init(rawValue: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try KubeJSON.encoder.encode(body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let json = (try? KubeJSON.decoder.decode(JSONValue.self, from: Data(bytes.readableBytesView))) ?? .null
        return (Int(response.status.code), json)
    }

    @Test func aClusterRoleBindingGrantsItsVerbsAndTheRestIsForbiddenWithTheRealMessage() async throws {
        try await Self.withRBAC([
            Self.clusterRole(
                "reader", rules: [["apiGroups": ["route.openshift.io"], "resources": ["routes"], "verbs": ["list"]]]),
            Self.binding("reader", role: "reader"),
        ]) { server, token in
            let (listed, _) = try await Self.call(server, "/apis/route.openshift.io/v1/routes", token: token)
            #expect(listed == 200)
            let (code, status) = try await Self.call(
                server, "/apis/route.openshift.io/v1/namespaces/team-a/routes/r1", token: token)
            #expect(code == 403)
            #expect(status["reason"] == "Forbidden")
            #expect(
                status["message"]?.stringValue
                    == #"routes.route.openshift.io "r1" is forbidden: User "system:serviceaccount:ai-rhdh:bridge" "#
                    + #"cannot get resource "routes" in API group "route.openshift.io" in the namespace "team-a""#)
            #expect(status["details"] == ["name": "r1", "group": "route.openshift.io", "kind": "routes"])
            let (_, clusterScope) = try await Self.call(server, "/api/v1/configmaps", token: token)
            #expect(
                clusterScope["message"]?.stringValue
                    == #"configmaps is forbidden: User "system:serviceaccount:ai-rhdh:bridge" cannot list resource "#
                    + #""configmaps" in API group "" at the cluster scope"#)
        }
    }

    @Test func aRoleBindingToAClusterRoleGrantsOnlyInItsNamespace() async throws {
        try await Self.withRBAC([
            Self.clusterRole(
                "cm", rules: [["apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list"]]]),
            Self.binding("cm", namespace: "team-a", role: "cm"),
        ]) { server, token in
            let code1 = try await Self.call(server, "/api/v1/namespaces/team-a/configmaps", token: token).0
            #expect(code1 == 200)
            let code2 = try await Self.call(server, "/api/v1/namespaces/team-b/configmaps", token: token).0
            #expect(code2 == 403)
            let code3 = try await Self.call(server, "/api/v1/configmaps", token: token).0
            #expect(code3 == 403)
        }
    }

    @Test func aBindingToAMissingRoleAllowsNothingAndTheRefusalSaysWhy() async throws {
        try await Self.withRBAC([Self.binding("gone", namespace: "team-a", roleKind: "Role", role: "gone")]) {
            server, token in
            let (code, status) = try await Self.call(server, "/api/v1/namespaces/team-a/services", token: token)
            #expect(code == 403)
            #expect(
                status["message"]?.stringValue?.hasSuffix(
                    #"in the namespace "team-a": RBAC: role.rbac.authorization.k8s.io "gone" not found"#) == true,
                "\(status)")
        }
    }

    @Test func rulesMatchResourceNamesSubresourcesWildcardsAndNonResourceURLs() {
        let policy = FakeKubeRBACPolicyProbe(rules: [
            ["apiGroups": [""], "resources": ["services"], "resourceNames": ["registry"], "verbs": ["get"]],
            ["apiGroups": ["*"], "resources": ["*/status"], "verbs": ["update"]],
            ["apiGroups": ["serving.kserve.io"], "resources": ["*"], "verbs": ["*"]],
            ["nonResourceURLs": ["/metrics", "/debug/*"], "verbs": ["get"]],
        ])
        let user = Self.account
        func allowed(_ attributes: FakeKubeAccessAttributes) -> Bool { policy.decide(attributes).allowed }
        #expect(allowed(.init(user: user, verb: "get", resource: "services", name: "registry", namespace: "a")))
        #expect(!allowed(.init(user: user, verb: "get", resource: "services", name: "other", namespace: "a")))
        // A list has no name, so a rule limited to names never allows it.
        #expect(!allowed(.init(user: user, verb: "list", resource: "services", namespace: "a")))
        #expect(
            allowed(
                .init(
                    user: user, verb: "update", apiGroup: "route.openshift.io", resource: "routes",
                    subresource: "status")))
        #expect(!allowed(.init(user: user, verb: "update", apiGroup: "route.openshift.io", resource: "routes")))
        #expect(
            allowed(.init(user: user, verb: "delete", apiGroup: "serving.kserve.io", resource: "inferenceservices")))
        #expect(
            allowed(
                .init(
                    user: user, verb: "get", apiGroup: "serving.kserve.io", resource: "inferenceservices",
                    subresource: "status")))
        #expect(allowed(.init(user: user, verb: "get", path: "/debug/pprof/heap")))
        #expect(allowed(.init(user: user, verb: "get", path: "/metrics")))
        #expect(!allowed(.init(user: user, verb: "post", path: "/metrics")))
        #expect(!allowed(.init(user: user, verb: "get", path: "/metricsx")))
    }

    @Test func aListSelectingOneNameIsAuthorizedAsThatName() async throws {
        try await Self.withRBAC([
            Self.clusterRole(
                "one",
                rules: [
                    ["apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["cache"], "verbs": ["list"]]
                ]),
            Self.binding("one", namespace: "ai-rhdh", role: "one"),
        ]) { server, token in
            let base = "/api/v1/namespaces/ai-rhdh/configmaps"
            let code4 = try await Self.call(server, base + "?fieldSelector=metadata.name%3Dcache", token: token).0
            #expect(code4 == 200)
            let code5 = try await Self.call(server, base + "?fieldSelector=metadata.name%3Dother", token: token).0
            #expect(code5 == 403)
            let code6 = try await Self.call(server, base, token: token).0
            #expect(code6 == 403)
        }
    }

    @Test func selfSubjectAccessReviewsAnswerFromRBACWithTheGrantingBinding() async throws {
        try await Self.withRBAC([
            Self.clusterRole(
                "reader", rules: [["apiGroups": ["route.openshift.io"], "resources": ["routes"], "verbs": ["list"]]]),
            Self.binding("reader-binding", role: "reader"),
        ]) { server, token in
            let client = try KubeClient(
                config: KubeConfig(server: server.url, namespace: "ai-rhdh", credentials: .token(token)))
            do {
                let allowed = try await client.create(
                    SelfSubjectAccessReview(verb: "list", resource: "routes", group: "route.openshift.io"))
                #expect(allowed.status?.allowed == true)
                #expect(
                    allowed.status?.reason
                        == #"RBAC: allowed by ClusterRoleBinding "reader-binding" of ClusterRole "reader" to "#
                        + #"ServiceAccount "bridge/ai-rhdh""#)
                let refused = try await client.create(
                    SelfSubjectAccessReview(verb: "watch", resource: "routes", group: "route.openshift.io"))
                #expect(refused.status == .init(allowed: false))
                // Requests get the same answers.
                _ = try await client.list(Route.self)
                await #expect {
                    _ = try await client.get(Route.self, name: "r1", namespace: "team-a")
                } throws: { ($0 as? KubeAPIError)?.httpStatus == 403 }
            } catch {
                try? await client.shutdown()
                throw error
            }
            try await client.shutdown()
        }
    }

    @Test func aReviewWithoutAttributesIsInvalid() async throws {
        try await Self.withRBAC { server, token in
            let (code, status) = try await Self.call(
                server, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", method: "POST", token: token,
                body: ["apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview", "spec": [:]])
            #expect(code == 422)
            #expect(status["reason"] == "Invalid")
        }
    }

    @Test func everyAuthenticatedUserMayReadDiscoveryButNotOtherPaths() async throws {
        try await Self.withRBAC { server, token in
            let code7 = try await Self.call(server, "/apis", token: token).0
            #expect(code7 == 200)
            let code8 = try await Self.call(server, "/api/v1", token: token).0
            #expect(code8 == 200)
            let (code, status) = try await Self.call(server, "/metrics", token: token)
            #expect(code == 403)
            #expect(
                status["message"]?.stringValue
                    == #"forbidden: User "system:serviceaccount:ai-rhdh:bridge" cannot get path "/metrics""#)
        }
    }

    @Test func theAdminNeedsNoTokenUnknownTokensGet401AndTokensDieWithTheirAccount() async throws {
        try await Self.withRBAC { server, token in
            let code9 = try await Self.call(server, "/api/v1/secrets", token: nil).0
            #expect(code9 == 200)
            let code10 = try await Self.call(server, "/api/v1/secrets", token: "made-up").0
            #expect(code10 == 401)
            #expect(server.user(authorization: "Bearer \(token)") == Self.account)
            try server.store.seed(
                kind: "rbac.authorization.k8s.io/v1/clusterrolebindings",
                object: Self.binding("admin", role: "cluster-admin").1)
            let code11 = try await Self.call(server, "/api/v1/secrets", token: token).0
            #expect(code11 == 200)
            let code12 = try await Self.call(
                server, "/api/v1/namespaces/ai-rhdh/serviceaccounts/bridge", method: "DELETE", token: nil
            ).0
            #expect(code12 == 200)
            let code13 = try await Self.call(server, "/api/v1/secrets", token: token).0
            #expect(code13 == 401)
        }
    }

    @Test func theTokenControllerFillsServiceAccountTokenSecrets() async throws {
        try await Self.withRBAC { server, _ in
            try server.store.seed(
                kind: "v1/secrets",
                object: [
                    "metadata": [
                        "name": "bridge-token", "namespace": "ai-rhdh",
                        "annotations": ["kubernetes.io/service-account.name": "bridge"],
                    ],
                    "type": "kubernetes.io/service-account-token",
                ])
            var filled: JSONValue?
            try await eventually("the token controller fills in the Secret") {
                let (_, secret) = try await Self.call(
                    server, "/api/v1/namespaces/ai-rhdh/secrets/bridge-token", token: nil)
                filled = secret
                return secret["data"]?["token"] != nil
            }
            let encoded = try #require(filled?["data"]?["token"]?.stringValue)
            let token = String(decoding: try #require(Data(base64Encoded: encoded)), as: UTF8.self)
            #expect(filled?["data"]?["namespace"] == .string(Data("ai-rhdh".utf8).base64EncodedString()))
            #expect(filled?["metadata"]?["annotations"]?["kubernetes.io/service-account.uid"] != nil)
            #expect(server.user(authorization: "Bearer \(token)") == Self.account)
            #expect(try server.serviceAccountToken(serviceAccount: "bridge", namespace: "ai-rhdh") == token)
            // The token dies with its Secret.
            let code14 = try await Self.call(
                server, "/api/v1/namespaces/ai-rhdh/secrets/bridge-token", method: "DELETE", token: nil
            ).0
            #expect(code14 == 200)
            #expect(server.user(authorization: "Bearer \(token)") == nil)
        }
    }

    @Test func withRBACOffEveryTokenMayDoEverythingAsBefore() async throws {
        let server = FakeKubeServer()
        try await server.start()
        let (code, _) = try await Self.call(server, "/api/v1/secrets", token: "anything")
        await server.stop()
        #expect(code == 200)
    }
}

/// Decides with a policy of one ClusterRole bound to ai-rhdh/bridge, through the public decision hook.
struct FakeKubeRBACPolicyProbe {
    var rules: JSONValue

    func decide(_ attributes: FakeKubeAccessAttributes) -> (allowed: Bool, reason: String) {
        let server = FakeKubeServer(configuration: .init(rbac: true))
        _ = try? server.store.seed(
            kind: "rbac.authorization.k8s.io/v1/clusterroles", object: ["metadata": ["name": "probe"], "rules": rules])
        _ = try? server.store.seed(
            kind: "rbac.authorization.k8s.io/v1/clusterrolebindings",
            object: [
                "metadata": ["name": "probe"],
                "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "probe"],
                "subjects": [["kind": "ServiceAccount", "name": "bridge", "namespace": "ai-rhdh"]],
            ])
        return server.decide(attributes)
    }
}
