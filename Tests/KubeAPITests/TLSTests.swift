import Foundation
import KubeAPI
import ModelbridgeTesting
import Sandbox
import Testing

@Suite struct TLSTests {
    func withTLSServer(_ body: (FakeKubeServer, TestPKI) async throws -> Void) async throws {
        let pki = try TestPKI()
        let server = FakeKubeServer(
            configuration: FakeKubeServerConfiguration(
                tls: .init(
                    certificateChainPEM: Array(pki.serverCertificatePEM.utf8),
                    privateKeyPEM: Array(pki.serverKeyPEM.utf8))))
        try await server.start()
        do {
            try await body(server, pki)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test func aServerSignedByTheConfiguredCAIsAccepted() async throws {
        try await withTLSServer { server, pki in
            #expect(server.url.hasPrefix("https://127.0.0.1:"))
            let client = try KubeClient(
                config: KubeConfig(server: server.url, tls: KubeTLSSettings(trustRootsPEM: Array(pki.caPEM.utf8))),
                logger: quietLogger())
            let namespace = try await client.get(Namespace.self, name: "default")
            #expect(namespace.metadata.name == "default")
            try await client.shutdown()
        }
    }

    @Test func theSameServerIsRefusedWithoutTheCA() async throws {
        try await withTLSServer { server, _ in
            let client = try KubeClient(
                config: KubeConfig(server: server.url), options: KubeClientOptions(connectTimeout: .seconds(2)),
                logger: quietLogger())
            do {
                _ = try await client.get(Namespace.self, name: "default")
                Issue.record("an unknown CA must be refused")
            } catch let error as KubeAPIError {
                guard case .transport = error else {
                    Issue.record("expected a transport (TLS) error, got \(error)")
                    try await client.shutdown()
                    return
                }
            }
            try await client.shutdown()
        }
    }

    @Test func aDifferentCAIsRefusedAndInsecureModeOnlyWorksWhenExplicit() async throws {
        try await withTLSServer { server, _ in
            let stranger = try TestPKI()
            let wrong = try KubeClient(
                config: KubeConfig(server: server.url, tls: KubeTLSSettings(trustRootsPEM: Array(stranger.caPEM.utf8))),
                options: KubeClientOptions(connectTimeout: .seconds(2)), logger: quietLogger())
            await #expect(throws: KubeAPIError.self) { _ = try await wrong.get(Namespace.self, name: "default") }
            try await wrong.shutdown()
            let insecure = try KubeClient(
                config: KubeConfig(server: server.url, tls: KubeTLSSettings(insecureSkipVerify: true)),
                logger: quietLogger())
            #expect(try await insecure.get(Namespace.self, name: "default").metadata.name == "default")
            try await insecure.shutdown()
        }
    }
}
