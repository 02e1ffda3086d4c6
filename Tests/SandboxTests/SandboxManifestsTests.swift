import Foundation
import KubeAPI
import Sandbox
import Testing

/// `modelbridge sandbox --rbac DIR`: reading the folder, and the sandbox it starts.
@Suite struct SandboxManifestsTests {
    static let deployRBAC = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy/rbac").path

    @Test func theShippedRBACFolderLoadsWithItsServiceAccount() throws {
        let manifests = try SandboxManifests.load(directory: Self.deployRBAC)
        #expect(manifests.serviceAccounts == [.init(namespace: "ai-rhdh", name: "rhdh-rhoai-connector")])
        #expect(Set(manifests.objects.map(\.kindID)).contains("rbac.authorization.k8s.io/v1/clusterroles"))
        // A quoted number stays a string, as Kubernetes reads it.
        let clusterRole = try #require(manifests.objects.first { $0.kindID.hasSuffix("/clusterroles") })
        #expect(clusterRole.object["metadata"]?["annotations"]?["argocd.argoproj.io/sync-wave"] == "0")
    }

    @Test func aFileWithAKindTheSandboxCannotHoldIsNamed() throws {
        let folder = NSTemporaryDirectory() + "manifests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n".write(
            toFile: folder + "/deployment.yaml", atomically: true, encoding: .utf8)
        #expect {
            _ = try SandboxManifests.load(directory: folder)
        } throws: { "\($0)".contains("deployment.yaml: apps/v1 Deployment is not a kind the sandbox serves") }
    }

    @Test func aSandboxWithRBACWritesAKubeconfigThatActsAsTheServiceAccount() async throws {
        let directory = NSTemporaryDirectory() + "rbac-sandbox-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = SandboxConfiguration(scenario: .empty, stateDirectory: directory, backstagePolls: false)
        configuration.rbac = try SandboxManifests.load(directory: Self.deployRBAC)
        let platform = try SandboxPlatform(configuration: configuration, logger: quietLogger())
        try await platform.start()
        do {
            let account = try #require(platform.description.serviceAccounts?.first)
            #expect(account.user == "system:serviceaccount:ai-rhdh:rhdh-rhoai-connector")
            let kubeconfig = try #require(account.kubeconfig)
            let config = try KubeConfig.resolve(environment: [:], kubeconfigPath: kubeconfig)
            guard case .token(let token) = config.credentials else {
                Issue.record("the kubeconfig holds no token")
                throw CancellationError()
            }
            #expect(platform.kubernetes.user(authorization: "Bearer \(token)")?.name == account.user)
            // The token is the one the token controller put into deploy/rbac/token-secret.yaml's Secret.
            let reply = try await send(
                "GET", platform.kubernetes.url + "/api/v1/namespaces/ai-rhdh/secrets/rhdh-rhoai-connector-token")
            let secret = try KubeJSON.decoder.decode(JSONValue.self, from: reply.body)
            #expect(secret["data"]?["token"]?.stringValue == Data(token.utf8).base64EncodedString())
        } catch {
            await platform.stop()
            throw error
        }
        await platform.stop()
    }
}
