import Crypto
import Foundation
import SwiftASN1
import X509

/// A CA minted for one test and a server certificate it signed for 127.0.0.1 / localhost.
struct DrillPKI {
    let caPEM: String
    let serverCertificatePEM: String
    let serverKeyPEM: String

    init(commonName: String = "modelbridge drill CA") throws {
        let now = Date()
        let authorityKey = P256.Signing.PrivateKey()
        let authority = try DistinguishedName { CommonName(commonName) }
        let caCertificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(authorityKey.publicKey),
            notValidBefore: now - 600, notValidAfter: now + 3600, issuer: authority, subject: authority,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: .init(authorityKey))
        let leafKey = P256.Signing.PrivateKey()
        let leaf = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(leafKey.publicKey),
            notValidBefore: now - 600, notValidAfter: now + 3600, issuer: authority,
            subject: try DistinguishedName { CommonName("registry.drill") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([
                    .dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                ])
            },
            issuerPrivateKey: .init(authorityKey))
        caPEM = try caCertificate.serializeAsPEM().pemString
        serverCertificatePEM = try leaf.serializeAsPEM().pemString
        serverKeyPEM = leafKey.pemRepresentation
    }
}
