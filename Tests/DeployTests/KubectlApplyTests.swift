import Foundation
import KubeAPI
import ModelbridgeTesting
import Sandbox
import Testing

/// The cluster-side objects `kubectl apply -k deploy/` creates, read back through the typed client.
protocol DeployedKind: Sendable {
    static var descriptor: ResourceDescriptor { get }
}

/// A loosely typed object of kind `K`: metadata plus the RBAC and Secret fields the tests look at.
struct Deployed<K: DeployedKind>: KubeResource {
    static var resource: ResourceDescriptor { K.descriptor }
    var apiVersion: String?
    var kind: String?
    var metadata: ObjectMeta
    var rules: [Rule]?
    var roleRef: RoleRef?
    var subjects: [Subject]?
    var type: String?

    struct Rule: Codable, Sendable, Hashable {
        var apiGroups: [String]?
        var resources: [String]?
        var verbs: [String]?
    }
    struct RoleRef: Codable, Sendable, Hashable {
        var kind: String
        var name: String
    }
    struct Subject: Codable, Sendable, Hashable {
        var kind: String
        var name: String
        var namespace: String?
    }
}

enum ServiceAccountKind: DeployedKind {
    static let descriptor = ResourceDescriptor(
        group: "", version: "v1", plural: "serviceaccounts", kind: "ServiceAccount", namespaced: true)
}
enum SecretKind: DeployedKind {
    static let descriptor = ResourceDescriptor(
        group: "", version: "v1", plural: "secrets", kind: "Secret", namespaced: true)
}
enum ClusterRoleKind: DeployedKind {
    static let descriptor = ResourceDescriptor(
        group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterroles", kind: "ClusterRole",
        namespaced: false)
}
enum ClusterRoleBindingKind: DeployedKind {
    static let descriptor = ResourceDescriptor(
        group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterrolebindings", kind: "ClusterRoleBinding",
        namespaced: false)
}
enum RoleKind: DeployedKind {
    static let descriptor = ResourceDescriptor(
        group: "rbac.authorization.k8s.io", version: "v1", plural: "roles", kind: "Role", namespaced: true)
}
enum RoleBindingKind: DeployedKind {
    static let descriptor = ResourceDescriptor(
        group: "rbac.authorization.k8s.io", version: "v1", plural: "rolebindings", kind: "RoleBinding", namespaced: true
    )
}

/// The shell commands docs/installation.md marks as run by CI against the fake API: every line of the fenced blocks
/// that follow a `<!-- ci: fake-api -->` marker.
func installationCommandsRunByCI() throws -> [String] {
    let text = try DeployPaths.read("installation.md", in: DeployPaths.docs)
    var commands: [String] = []
    var armed = false
    var inBlock = false
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
        if line.trimmingCharacters(in: .whitespaces) == "<!-- ci: fake-api -->" {
            armed = true
            continue
        }
        if line.hasPrefix("```") {
            if inBlock {
                inBlock = false
                armed = false
            } else if armed {
                inBlock = true
            }
            continue
        }
        let command = line.trimmingCharacters(in: .whitespaces)
        if inBlock, !command.isEmpty, !command.hasPrefix("#") { commands.append(command) }
    }
    return commands
}

@Suite(.enabled(if: DeployPaths.executable("kubectl") != nil || DeployPaths.isCI))
struct KubectlApplyTests {
    @Test func theInstallationGuidesKubectlCommandsCreateEveryClusterSideObject() async throws {
        _ = try #require(DeployPaths.executable("kubectl"), "kubectl is not on PATH and CI is set: run scripts/setup")
        let commands = try installationCommandsRunByCI()
        #expect(commands.contains("kubectl apply -k deploy/"), "installation.md must show kubectl apply -k deploy/")

        let folder = try TemporaryDirectory(prefix: "deploy-tests-")
        let pki = try TestPKI()
        let server = FakeKubeServer(
            configuration: FakeKubeServerConfiguration(
                acceptedTokens: ["deploy-token"],
                tls: .init(
                    certificateChainPEM: Array(pki.serverCertificatePEM.utf8),
                    privateKeyPEM: Array(pki.serverKeyPEM.utf8)),
                namespaces: ["default", "ai-rhdh", "rhoai-model-registries"]))
        try await server.start()
        let client = try KubeClient(
            config: KubeConfig(
                server: server.url, namespace: "ai-rhdh", credentials: .token("deploy-token"),
                tls: KubeTLSSettings(trustRootsPEM: Array(pki.caPEM.utf8))))
        do {
            let kubeconfig = try Kubeconfig.write(
                to: folder.path + "/kubeconfig", server: server.url, token: "deploy-token", namespace: "default",
                cluster: "fake", user: "admin", certificateAuthorityPEM: pki.caPEM)
            var environment = ProcessInfo.processInfo.environment
            environment["KUBECONFIG"] = kubeconfig
            // kubectl caches discovery under $HOME/.kube/cache per host:port; keep it inside this test.
            environment["HOME"] = folder.path
            for command in commands {
                // Exactly as the guide says, validation on: the fake serves /openapi/v3 and checks fields itself.
                let result = try await runCommand(
                    "/bin/sh", ["-c", command], environment: environment, directory: DeployPaths.root)
                #expect(result.status == 0, "`\(command)` failed: \(result.stderr)")
            }
            try await expectDeployedObjects(client)
        } catch {
            try? await client.shutdown()
            await server.stop()
            throw error
        }
        try await client.shutdown()
        await server.stop()
    }

    func expectDeployedObjects(_ client: KubeClient) async throws {
        let account = try await client.get(
            Deployed<ServiceAccountKind>.self, name: "rhdh-rhoai-connector", namespace: "ai-rhdh")
        #expect(account.metadata.name == "rhdh-rhoai-connector")

        let secret = try await client.get(
            Deployed<SecretKind>.self, name: "rhdh-rhoai-connector-token", namespace: "ai-rhdh")
        #expect(secret.type == "kubernetes.io/service-account-token")
        #expect(secret.metadata.annotations?["kubernetes.io/service-account.name"] == "rhdh-rhoai-connector")

        let clusterRole = try await client.get(Deployed<ClusterRoleKind>.self, name: "rhdh-rhoai-connector")
        let clusterRules = clusterRole.rules ?? []
        func grants(_ rules: [Deployed<ClusterRoleKind>.Rule], _ group: String, _ resource: String, _ verbs: [String])
            -> Bool
        {
            rules.contains { rule in
                (rule.apiGroups ?? []).contains(group) && (rule.resources ?? []).contains(resource)
                    && Set(verbs).isSubset(of: Set(rule.verbs ?? []))
            }
        }
        #expect(grants(clusterRules, "apiextensions.k8s.io", "customresourcedefinitions", ["get"]))
        for (group, resource) in [
            ("route.openshift.io", "routes"), ("", "services"), ("", "serviceaccounts"),
            ("serving.kserve.io", "inferenceservices"), ("serving.kserve.io", "llminferenceservices"),
        ] {
            #expect(grants(clusterRules, group, resource, ["get", "list", "watch"]), "\(resource)")
        }
        // Read-only cluster-wide: no write verb anywhere in the ClusterRole.
        #expect(clusterRules.allSatisfy { Set($0.verbs ?? []).isSubset(of: ["get", "list", "watch"]) })

        let clusterBinding = try await client.get(Deployed<ClusterRoleBindingKind>.self, name: "rhdh-rhoai-connector")
        #expect(clusterBinding.roleRef?.name == "rhdh-rhoai-connector")
        #expect(
            clusterBinding.subjects == [
                .init(kind: "ServiceAccount", name: "rhdh-rhoai-connector", namespace: "ai-rhdh")
            ])

        let role = try await client.get(Deployed<RoleKind>.self, name: "rhdh-rhoai-connector", namespace: "ai-rhdh")
        let roleRules = (role.rules ?? []).map {
            Deployed<ClusterRoleKind>.Rule(apiGroups: $0.apiGroups, resources: $0.resources, verbs: $0.verbs)
        }
        #expect(grants(roleRules, "", "configmaps", ["get", "list", "watch", "create", "update", "patch"]))
        #expect(grants(roleRules, "coordination.k8s.io", "leases", ["get", "create", "update"]))

        let binding = try await client.get(
            Deployed<RoleBindingKind>.self, name: "rhdh-rhoai-connector", namespace: "ai-rhdh")
        #expect(binding.roleRef?.kind == "Role")
        #expect(binding.subjects?.first?.name == "rhdh-rhoai-connector")

        let registry = try await client.get(
            Deployed<RoleBindingKind>.self, name: "rhdh-rhoai-dashboard-permissions",
            namespace: "rhoai-model-registries")
        #expect(registry.roleRef?.name == "registry-user-modelregistry-public")
        #expect(registry.subjects?.first?.namespace == "ai-rhdh")
    }
}
