import Crypto
import Foundation
import SwiftASN1
import X509

/// A throw-away CA minted for one test and a server certificate it signed for 127.0.0.1 and localhost.
public struct TestPKI: Sendable {
    public let caPEM: String
    public let serverCertificatePEM: String
    public let serverKeyPEM: String

    /// - Parameters:
    ///   - caCommonName: the CA's subject.
    ///   - serverCommonName: the server certificate's subject.
    ///   - backdated: how long before now both certificates become valid (they expire an hour from now).
    ///   - caMaxPathLength: the CA's basic-constraints path length (`nil`: unlimited).
    public init(
        caCommonName: String = "modelbridge test CA", serverCommonName: String = "fake-kube",
        backdated: TimeInterval = 3600, caMaxPathLength: Int? = nil
    ) throws {
        let now = Date()
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName { CommonName(caCommonName) }
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
            notValidBefore: now - backdated, notValidAfter: now + 3600, issuer: caName, subject: caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: caMaxPathLength))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: .init(caKey))
        let serverKey = P256.Signing.PrivateKey()
        let server = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(serverKey.publicKey),
            notValidBefore: now - backdated, notValidAfter: now + 3600, issuer: caName,
            subject: try DistinguishedName { CommonName(serverCommonName) },
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
