import NIOSSL

/// How HTTPS connections to registries and catalogs are verified. Verified against the
/// system trust store by default; skipping verification must be asked for by name.
///
/// ```swift
/// let tls = try RegistryTLS.customCA(pem: String(contentsOfFile: "/var/run/secrets/.../service-ca.crt"))
/// ```
public struct RegistryTLS: Sendable, Hashable {
    enum Mode: Sendable, Hashable {
        case systemRoots
        case customCA(pem: String)
        case insecureSkipVerify
    }

    let mode: Mode

    /// Verify the server against the system's trusted roots (the default).
    public static let verified = RegistryTLS(mode: .systemRoots)

    /// Verify the server against the given PEM certificates (e.g. OpenShift's service CA),
    /// in addition to nothing else.
    public static func customCA(pem: String) -> RegistryTLS {
        RegistryTLS(mode: .customCA(pem: pem))
    }

    /// Do not verify certificates or host names (what upstream always does). Never the default.
    public static let insecureSkipVerify = RegistryTLS(mode: .insecureSkipVerify)

    /// Whether certificates are checked.
    public var verifiesCertificates: Bool { mode != .insecureSkipVerify }

    /// The NIOSSL client configuration for this choice.
    public func makeTLSConfiguration() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch mode {
        case .systemRoots:
            configuration.certificateVerification = .fullVerification
        case .customCA(let pem):
            let certificates = try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8))
            guard !certificates.isEmpty else {
                throw RegistryError(
                    registry: "-", url: "-", reason: .invalidConfiguration("the custom CA holds no PEM certificate")
                )
            }
            configuration.trustRoots = .certificates(certificates)
            configuration.certificateVerification = .fullVerification
        case .insecureSkipVerify:
            configuration.certificateVerification = .none
        }
        return configuration
    }
}
