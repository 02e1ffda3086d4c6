import Foundation
import RegistryAPI

/// How registry and catalog certificates are verified (`REGISTRY_CA_FILE`, `REGISTRY_INSECURE_SKIP_TLS_VERIFY`),
/// and the TLS choice the registry probes then use: the same one the normalizer would make.
public enum RegistryTLSCheck {
    public static let check = "registry TLS"

    /// The finding and the TLS choice (nil when the settings cannot be used).
    public static func run(settings: DoctorSettings) -> (DoctorFinding, RegistryTLS?) {
        if settings.registryInsecureSkipVerify {
            return (
                DoctorFinding(
                    check: check, result: .warn,
                    detail:
                        "REGISTRY_INSECURE_SKIP_TLS_VERIFY=true: registry and catalog certificates are NOT verified",
                    fix: """
                        Trust the CA that signed the registry Routes instead: mount it (for example the ingress CA) and set \
                        REGISTRY_CA_FILE=/path/to/ca.crt on the rhoai-normalizer container, then unset \
                        REGISTRY_INSECURE_SKIP_TLS_VERIFY.
                        """),
                .insecureSkipVerify
            )
        }
        guard let file = settings.registryCAFile else {
            return (DoctorFinding(check: check, result: .ok, detail: "verified against the system roots"), .verified)
        }
        guard let pem = try? String(contentsOfFile: file, encoding: .utf8) else {
            return (
                DoctorFinding(
                    check: check, result: .fail, detail: "REGISTRY_CA_FILE=\(file) cannot be read",
                    fix: "Mount the CA bundle at \(file) (a ConfigMap or Secret volume), or correct REGISTRY_CA_FILE."),
                nil
            )
        }
        guard pem.contains("-----BEGIN CERTIFICATE-----") else {
            return (
                DoctorFinding(
                    check: check, result: .fail, detail: "REGISTRY_CA_FILE=\(file) holds no PEM certificate",
                    fix: "Point REGISTRY_CA_FILE at a PEM file (-----BEGIN CERTIFICATE-----)."),
                nil
            )
        }
        return (
            DoctorFinding(check: check, result: .ok, detail: "verified against REGISTRY_CA_FILE=\(file)"),
            .customCA(pem: pem)
        )
    }
}
