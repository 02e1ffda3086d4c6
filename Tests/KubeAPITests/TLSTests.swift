import Crypto
import Foundation
import KubeAPI
import Sandbox
import SwiftASN1
import Testing
import X509

/// A throw-away CA and a server certificate it signed, for 127.0.0.1 and localhost.
struct TestPKI {
    let caPEM: String
    let serverCertificatePEM: String
    let serverKeyPEM: String

    init() throws {
        let now = Date()
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName { CommonName("modelbridge test CA") }
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 3600, issuer: caName, subject: caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: .init(caKey))
        let serverKey = P256.Signing.PrivateKey()
        let server = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(serverKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 3600, issuer: caName,
            subject: try DistinguishedName { CommonName("fake-kube") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([
                    .dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                ])
            },
            issuerPrivateKey: .init(caKey))
        caPEM = try ca.serializeAsPEM().pemString
        serverCertificatePEM = try server.serializeAsPEM().pemString
        serverKeyPEM = serverKey.pemRepresentation
    }
}

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
