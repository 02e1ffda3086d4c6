import Foundation
import KubeAPI
import ModelbridgeTesting
import Testing

@Suite struct KubeConfigTests {
    static let kubeconfig = """
        apiVersion: v1
        kind: Config
        current-context: dev
        clusters:
        - name: dev-cluster
          cluster:
            server: https://api.dev.example.com:6443
            certificate-authority-data: \(Data("CA-PEM-DATA".utf8).base64EncodedString())
        - name: lab-cluster
          cluster:
            server: https://api.lab.example.com:6443
            certificate-authority: certs/lab-ca.crt
        - name: loose-cluster
          cluster:
            server: https://10.0.0.9:6443
            insecure-skip-tls-verify: true
        contexts:
        - name: dev
          context: {cluster: dev-cluster, user: dev-user, namespace: team-a}
        - name: lab
          context: {cluster: lab-cluster, user: cert-user}
        - name: loose
          context: {cluster: loose-cluster, user: file-user}
        users:
        - name: dev-user
          user:
            token: sha256~secret-token
        - name: cert-user
          user:
            client-certificate: certs/client.crt
            client-key-data: \(Data("KEY-PEM".utf8).base64EncodedString())
        - name: file-user
          user:
            tokenFile: token.txt
        """

    @Test func theCurrentContextSelectsClusterUserAndNamespace() throws {
        let config = try KubeConfig.fromKubeconfig(yaml: Self.kubeconfig, directory: "/nowhere")
        #expect(config.server == "https://api.dev.example.com:6443")
        #expect(config.namespace == "team-a")
        #expect(config.credentials == .token("sha256~secret-token"))
        #expect(config.tls.trustRootsPEM == Array("CA-PEM-DATA".utf8))
        #expect(config.tls.insecureSkipVerify == false)
    }

    @Test func anExplicitContextReadsFilesRelativeToTheKubeconfigFolder() throws {
        let folder = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: "\(folder.path)/certs", withIntermediateDirectories: true)
        _ = try folder.write("certs/lab-ca.crt", "LAB-CA")
        _ = try folder.write("certs/client.crt", "CLIENT-CERT")
        let config = try KubeConfig.fromKubeconfig(yaml: Self.kubeconfig, directory: folder.path, context: "lab")
        #expect(config.server == "https://api.lab.example.com:6443")
        #expect(config.namespace == "default")
        #expect(config.tls.trustRootsPEM == Array("LAB-CA".utf8))
        #expect(config.tls.clientCertificatePEM == Array("CLIENT-CERT".utf8))
        #expect(config.tls.clientKeyPEM == Array("KEY-PEM".utf8))
        #expect(config.credentials == .none)
    }

    @Test func insecureSkipVerifyIsOnOnlyWhereTheKubeconfigSetsIt() throws {
        let loose = try KubeConfig.fromKubeconfig(yaml: Self.kubeconfig, directory: "/k", context: "loose")
        #expect(loose.tls.insecureSkipVerify)
        #expect(loose.credentials == .tokenFile("/k/token.txt"))
        let dev = try KubeConfig.fromKubeconfig(yaml: Self.kubeconfig, directory: "/k", context: "dev")
        #expect(!dev.tls.insecureSkipVerify)
    }

    @Test func insecureTogetherWithACertificateAuthorityIsRefused() {
        let yaml = """
            current-context: c
            clusters: [{name: x, cluster: {server: "https://h", insecure-skip-tls-verify: true, certificate-authority-data: QUJD}}]
            contexts: [{name: c, context: {cluster: x}}]
            """
        #expect(throws: KubeConfigError.self) { try KubeConfig.fromKubeconfig(yaml: yaml, directory: "/") }
    }

    @Test func unknownContextsAndExecPluginsFailWithAClearMessage() {
        #expect(throws: KubeConfigError.self) {
            try KubeConfig.fromKubeconfig(yaml: Self.kubeconfig, directory: "/", context: "nope")
        }
        let exec = """
            current-context: c
            clusters: [{name: x, cluster: {server: "https://h"}}]
            contexts: [{name: c, context: {cluster: x, user: u}}]
            users: [{name: u, user: {exec: {command: oc}}}]
            """
        #expect(throws: KubeConfigError.self) { try KubeConfig.fromKubeconfig(yaml: exec, directory: "/") }
        #expect(throws: KubeConfigError.self) { try KubeConfig.fromKubeconfig(yaml: "{{{", directory: "/") }
    }

    @Test func aKubeconfigListMergesWithTheFirstFileWinning() throws {
        let folder = try TemporaryDirectory()
        let first = try folder.write(
            "a.yaml",
            """
            current-context: one
            clusters: [{name: shared, cluster: {server: "https://first"}}]
            contexts: [{name: one, context: {cluster: shared, namespace: n1}}]
            """)
        let second = try folder.write(
            "b.yaml",
            """
            current-context: two
            clusters: [{name: shared, cluster: {server: "https://second"}}, {name: other, cluster: {server: "https://other"}}]
            contexts: [{name: two, context: {cluster: other}}]
            """)
        let config = try KubeConfig.resolve(
            environment: ["KUBECONFIG": "\(first):\(folder.path)/missing.yaml:\(second)"])
        #expect(config.server == "https://first")
        #expect(config.namespace == "n1")
        let other = try KubeConfig.resolve(environment: ["KUBECONFIG": "\(first):\(second)"], context: "two")
        #expect(other.server == "https://other")
    }

    @Test func theEnvFromTokenSecretWorksWithAnIPv6ServiceHost() throws {
        let environment = [
            "KUBERNETES_SERVICE_HOST": "fd00:10:96::1", "KUBERNETES_SERVICE_PORT": "443",
            "token": "eyJhbGciOi.secret\n", "ca.crt": "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n",
            "namespace": "ai-rhdh",
        ]
        let config = try KubeConfig.resolve(
            environment: environment, serviceAccountDirectory: "/definitely/not/here")
        #expect(config.server == "https://[fd00:10:96::1]:443")
        #expect(config.credentials == .token("eyJhbGciOi.secret"))
        #expect(config.namespace == "ai-rhdh")
        #expect(config.tls.trustRootsPEM != nil)
        #expect(!config.tls.insecureSkipVerify)
        #expect(!"\(config)".contains("secret"), "the token must never be printed")
    }

    @Test func withoutACertificateTheEnvFromVariantStaysVerifiedUnlessInsecureIsExplicit() throws {
        let environment = ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443", "token": "t"]
        let verified = try KubeConfig.resolve(environment: environment, serviceAccountDirectory: "/no")
        #expect(verified.tls.trustRootsPEM == nil)
        #expect(!verified.tls.insecureSkipVerify)
        let insecure = try KubeConfig.resolve(
            environment: environment, serviceAccountDirectory: "/no", allowInsecureTLS: true)
        #expect(insecure.tls.insecureSkipVerify)
    }

    @Test func theInClusterServiceAccountFilesWinOverTheEnvironmentToken() throws {
        let folder = try TemporaryDirectory()
        _ = try folder.write("token", "file-token")
        _ = try folder.write("ca.crt", "CA")
        _ = try folder.write("namespace", "bridge-ns\n")
        let environment = ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "6443", "token": "env"]
        let config = try KubeConfig.resolve(environment: environment, serviceAccountDirectory: folder.path)
        #expect(config.server == "https://10.0.0.1:6443")
        #expect(config.credentials == .tokenFile("\(folder.path)/token"))
        #expect(config.namespace == "bridge-ns")
        #expect(config.tls.trustRootsPEM == Array("CA".utf8))
    }

    @Test func k8sTokenFillsInOnlyAMissingToken() throws {
        let folder = try TemporaryDirectory()
        let file = try folder.write(
            "config",
            """
            current-context: c
            clusters: [{name: x, cluster: {server: "https://h"}}]
            contexts: [{name: c, context: {cluster: x}}]
            """)
        let config = try KubeConfig.resolve(environment: ["KUBECONFIG": file, "K8S_TOKEN": "last-resort"])
        #expect(config.credentials == .token("last-resort"))
        #expect(throws: KubeConfigError.self) {
            try KubeConfig.resolve(environment: [:], serviceAccountDirectory: "/no", homeDirectory: "/no")
        }
    }

    @Test func aTokenFileIsCachedThenReReadAfterInvalidation() async throws {
        let folder = try TemporaryDirectory()
        let path = try folder.write("token", "first\n")
        let tokens = BearerTokenProvider(credentials: .tokenFile(path), refreshInterval: .seconds(60))
        #expect(try await tokens.token() == "first")
        _ = try folder.write("token", "second")
        #expect(try await tokens.token() == "first", "within 60 s the cached token is used")
        #expect(await tokens.invalidate())
        #expect(try await tokens.token() == "second")
        let fixed = BearerTokenProvider(credentials: .token("fixed"))
        #expect(await fixed.invalidate() == false)
    }
}
