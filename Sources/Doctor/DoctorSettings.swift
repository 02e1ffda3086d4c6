import Foundation
import KubeAPI

/// What the doctor checks against: the same environment variables and Kubernetes configuration the roles read.
///
/// ```swift
/// let settings = DoctorSettings(
///     environment: ProcessInfo.processInfo.environment, namespace: "ai-rhdh", kube: kubeConfig,
///     sidecarOverrides: [.location: "http://127.0.0.1:9090"])
/// ```
public struct DoctorSettings: Sendable {
    /// The sidecars whose `/readyz` the doctor asks.
    public enum Sidecar: String, Sendable, Hashable, CaseIterable {
        case location
        case storageRest = "storage-rest"
        case normalizer = "rhoai-normalizer"

        /// The port the role listens on in the deployed pod (the normalizer's admin port).
        public var defaultPort: Int {
            switch self {
            case .location: return 9090
            case .storageRest: return 7070
            case .normalizer: return 8081
            }
        }
    }

    /// Where one sidecar is asked, and whether it is asked at all.
    public struct SidecarTarget: Sendable, Hashable {
        public var sidecar: Sidecar
        public var baseURL: String
        /// False when not running in the pod and no URL was given: the check is skipped.
        public var checked: Bool

        public init(sidecar: Sidecar, baseURL: String, checked: Bool) {
            self.sidecar = sidecar
            self.baseURL = baseURL
            self.checked = checked
        }
    }

    /// Where the cache ConfigMaps and the Lease live (`POD_NAMESPACE`, `NAMESPACE`, the kubeconfig's).
    public var namespace: String
    /// The Kubernetes API the doctor talks to, and how.
    public var kubeServer: String
    public var kubeOrigin: String
    public var kubeInsecureSkipVerify: Bool
    public var kubeHasTrustRoots: Bool
    /// `MR_ROUTE`.
    public var mrRoute: String?
    /// `KFMR_TOKEN`, else the Kubernetes token: what the normalizer sends to registries and the catalog.
    public var registryToken: String?
    /// Whether `KFMR_TOKEN` is set (for the fix texts).
    public var registryTokenFromKFMR: Bool
    /// `REGISTRY_CA_FILE`.
    public var registryCAFile: String?
    /// `REGISTRY_INSECURE_SKIP_TLS_VERIFY`.
    public var registryInsecureSkipVerify: Bool
    /// `PUSH_TO_RHDH`.
    public var pushToRHDH: Bool
    /// `BKSTG_URL`.
    public var backstageURL: String?
    /// `RHDH_TOKEN`.
    public var rhdhToken: String?
    /// `LEADER_ELECT`.
    public var leaderElection: Bool
    /// `STORAGE_TYPE` (`ConfigMap` by default).
    public var storageType: String
    /// Whether the doctor runs inside the Developer Hub pod (`POD_IP` is set).
    public var inPod: Bool
    /// The ServiceAccount the Kubernetes token belongs to, when it is one (read from the token, not verified):
    /// decides whether the console-access checks, which are about an operator's kubeconfig, apply.
    public var tokenServiceAccount: ServiceAccountIdentity?
    public var sidecars: [SidecarTarget]

    /// Reads the settings as the roles do: CR and LF stripped, empty means unset, booleans in Go's spellings.
    /// `sidecarOverrides` are the `--location-url`, `--storage-url` and `--normalizer-url` flags.
    public init(
        environment: [String: String], namespace: String, kube: KubeConfig,
        sidecarOverrides: [Sidecar: String] = [:]
    ) {
        func value(_ name: String) -> String? {
            guard let raw = environment[name] else { return nil }
            let stripped = raw.filter { $0 != "\r" && $0 != "\n" && $0 != "\r\n" }.trimmingDoctorWhitespace()
            return stripped.isEmpty ? nil : stripped
        }
        func flag(_ name: String) -> Bool {
            ["1", "t", "T", "TRUE", "true", "True"].contains(value(name) ?? "")
        }
        self.namespace = namespace
        self.kubeServer = kube.server
        self.kubeOrigin = kube.origin
        self.kubeInsecureSkipVerify = kube.tls.insecureSkipVerify
        self.kubeHasTrustRoots = kube.tls.trustRootsPEM != nil
        self.mrRoute = value("MR_ROUTE")
        let kubeToken: String? = {
            switch kube.credentials {
            case .token(let token): return token
            case .tokenFile(let path): return try? String(contentsOfFile: path, encoding: .utf8)
            case .none: return nil
            }
        }()
        self.registryToken = value("KFMR_TOKEN") ?? kubeToken?.trimmingDoctorWhitespace()
        self.tokenServiceAccount = kubeToken.flatMap { ServiceAccountIdentity(token: $0) }
        self.registryTokenFromKFMR = value("KFMR_TOKEN") != nil
        self.registryCAFile = value("REGISTRY_CA_FILE")
        self.registryInsecureSkipVerify = flag("REGISTRY_INSECURE_SKIP_TLS_VERIFY")
        self.pushToRHDH = flag("PUSH_TO_RHDH")
        self.backstageURL = value("BKSTG_URL")
        self.rhdhToken = value("RHDH_TOKEN")
        self.leaderElection = flag("LEADER_ELECT")
        self.storageType = value("STORAGE_TYPE") ?? "ConfigMap"
        let inPod = value("POD_IP") != nil
        self.inPod = inPod
        self.sidecars = Sidecar.allCases.map { sidecar in
            if let url = sidecarOverrides[sidecar] {
                return SidecarTarget(sidecar: sidecar, baseURL: url, checked: true)
            }
            return SidecarTarget(sidecar: sidecar, baseURL: "http://127.0.0.1:\(sidecar.defaultPort)", checked: inPod)
        }
    }
}

extension StringProtocol {
    func trimmingDoctorWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
