import Foundation

/// Everything needed to reach one Kubernetes API server: its URL, the default namespace, how to authenticate
/// and how to verify TLS.
///
/// Build it with ``resolve(environment:kubeconfigPath:context:serviceAccountDirectory:homeDirectory:allowInsecureTLS:)``,
/// which tries, in order: an explicit kubeconfig (flag or `KUBECONFIG`), the in-cluster service-account files,
/// the RHDH sidecar variant (the token Secret exposed through `envFrom`), `~/.kube/config`. `K8S_TOKEN` fills in
/// a missing token.
///
/// ```swift
/// let config = try KubeConfig.resolve(environment: ProcessInfo.processInfo.environment)
/// let client = try KubeClient(config: config)
/// ```
public struct KubeConfig: Sendable, Hashable, CustomStringConvertible {
    /// The API server's base URL, e.g. `https://10.0.0.1:443` (IPv6 hosts bracketed).
    public var server: String
    /// The namespace to use when none is given.
    public var namespace: String
    public var credentials: KubeCredentials
    public var tls: KubeTLSSettings
    /// Where this configuration came from, for log lines (never contains secrets).
    public var origin: String

    public init(
        server: String, namespace: String = "default", credentials: KubeCredentials = .none,
        tls: KubeTLSSettings = KubeTLSSettings(), origin: String = "explicit"
    ) {
        self.server = server
        self.namespace = namespace
        self.credentials = credentials
        self.tls = tls
        self.origin = origin
    }

    public var description: String {
        "\(server) namespace=\(namespace) credentials=\(credentials) tls=\(tls) from \(origin)"
    }

    /// The default folder of the in-cluster service-account files.
    public static let defaultServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// Resolves the configuration the way the bridge's sidecars need it (see the type's documentation).
    ///
    /// - Parameters:
    ///   - environment: the process environment; passed in so tests never touch the real one.
    ///   - kubeconfigPath: a `--kubeconfig` flag, which wins over `KUBECONFIG`.
    ///   - context: a kubeconfig context to use instead of `current-context`.
    ///   - serviceAccountDirectory: where the in-cluster `token`, `ca.crt` and `namespace` files are.
    ///   - homeDirectory: the home folder holding `.kube/config`; nil skips that step.
    ///   - allowInsecureTLS: skip TLS verification; must be explicit and is logged by ``KubeClient``.
    public static func resolve(
        environment: [String: String],
        kubeconfigPath: String? = nil,
        context: String? = nil,
        serviceAccountDirectory: String = defaultServiceAccountDirectory,
        homeDirectory: String? = nil,
        allowInsecureTLS: Bool = false
    ) throws -> KubeConfig {
        var config: KubeConfig
        if let explicit = kubeconfigPath ?? environment.value("KUBECONFIG") {
            let paths = explicit.split(separator: ":").map(String.init).filter { !$0.isEmpty }
            config = try fromKubeconfig(paths: paths, context: context)
        } else if let inCluster = try inCluster(
            environment: environment, serviceAccountDirectory: serviceAccountDirectory)
        {
            config = inCluster
        } else if let sidecar = try fromTokenSecretEnvironment(environment: environment) {
            config = sidecar
        } else if let home = homeDirectory, FileManager.default.fileExists(atPath: "\(home)/.kube/config") {
            config = try fromKubeconfig(paths: ["\(home)/.kube/config"], context: context)
        } else {
            throw KubeConfigError(
                "no kubeconfig (--kubeconfig, KUBECONFIG, ~/.kube/config), no service-account token in "
                    + "\(serviceAccountDirectory), and no `token` with KUBERNETES_SERVICE_HOST/PORT in the environment")
        }
        if case .none = config.credentials, let token = environment.value("K8S_TOKEN") {
            config.credentials = .token(token)
            config.origin += " with K8S_TOKEN"
        }
        if allowInsecureTLS {
            config.tls.insecureSkipVerify = true
        }
        return config
    }

    /// The standard in-cluster configuration, or nil when not in a cluster (no service host or no token file).
    ///
    /// The token is read from the file, re-read every 60 s and after a 401 (bound tokens rotate).
    public static func inCluster(
        environment: [String: String], serviceAccountDirectory: String = defaultServiceAccountDirectory
    ) throws -> KubeConfig? {
        guard let server = serviceURL(environment: environment) else { return nil }
        let tokenPath = "\(serviceAccountDirectory)/token"
        guard FileManager.default.fileExists(atPath: tokenPath) else { return nil }
        var tls = KubeTLSSettings()
        if let ca = FileManager.default.contents(atPath: "\(serviceAccountDirectory)/ca.crt") {
            tls.trustRootsPEM = Array(ca)
        }
        let namespaceFile = FileManager.default.contents(atPath: "\(serviceAccountDirectory)/namespace")
            .flatMap { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
        let namespace =
            namespaceFile.flatMap { $0.isEmpty ? nil : $0 } ?? environment.value("NAMESPACE")
            ?? environment.value("POD_NAMESPACE") ?? "default"
        return KubeConfig(
            server: server, namespace: namespace, credentials: .tokenFile(tokenPath), tls: tls,
            origin: "in-cluster service account \(serviceAccountDirectory)")
    }

    /// The RHDH sidecar variant: the bridge's token Secret exposed through `envFrom`, so the environment holds
    /// `token`, `ca.crt` and `namespace`, next to `KUBERNETES_SERVICE_HOST` and `KUBERNETES_SERVICE_PORT`.
    ///
    /// Without `ca.crt` the system trust roots are used; it never falls back to insecure TLS by itself.
    public static func fromTokenSecretEnvironment(environment: [String: String]) throws -> KubeConfig? {
        guard let server = serviceURL(environment: environment), let token = environment.value("token") else {
            return nil
        }
        var tls = KubeTLSSettings()
        if let ca = environment.value("ca.crt") {
            tls.trustRootsPEM = Array(ca.utf8)
        }
        let namespace =
            environment.value("namespace") ?? environment.value("NAMESPACE") ?? environment.value("POD_NAMESPACE")
            ?? "default"
        return KubeConfig(
            server: server, namespace: namespace, credentials: .token(token), tls: tls,
            origin: "token Secret in the environment (envFrom)")
    }

    /// `https://host:port` from `KUBERNETES_SERVICE_HOST` and `KUBERNETES_SERVICE_PORT`, bracketing IPv6 hosts.
    static func serviceURL(environment: [String: String]) -> String? {
        guard let host = environment.value("KUBERNETES_SERVICE_HOST"),
            let port = environment.value("KUBERNETES_SERVICE_PORT")
        else { return nil }
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "https://\(bracketed):\(port)"
    }
}

/// How requests authenticate.
public enum KubeCredentials: Sendable, Hashable, CustomStringConvertible {
    /// No `Authorization` header (or client certificates only).
    case none
    /// A fixed bearer token (kubeconfig `token`, the envFrom Secret, `K8S_TOKEN`).
    case token(String)
    /// A bearer token read from a file, re-read every 60 s and after a 401.
    case tokenFile(String)

    /// Never prints the token itself.
    public var description: String {
        switch self {
        case .none: return "none"
        case .token: return "bearer token (redacted)"
        case .tokenFile(let path): return "bearer token file \(path)"
        }
    }
}

/// How the server's certificate is verified, and the client certificate, if any. PEM bytes throughout.
public struct KubeTLSSettings: Sendable, Hashable, CustomStringConvertible {
    /// Trust only these CA certificates; nil means the system trust store.
    public var trustRootsPEM: [UInt8]?
    public var clientCertificatePEM: [UInt8]?
    public var clientKeyPEM: [UInt8]?
    /// Skip verification entirely. Only ever true when explicitly asked for.
    public var insecureSkipVerify: Bool

    public init(
        trustRootsPEM: [UInt8]? = nil, clientCertificatePEM: [UInt8]? = nil, clientKeyPEM: [UInt8]? = nil,
        insecureSkipVerify: Bool = false
    ) {
        self.trustRootsPEM = trustRootsPEM
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.insecureSkipVerify = insecureSkipVerify
    }

    public var description: String {
        if insecureSkipVerify { return "INSECURE (verification off)" }
        let roots = trustRootsPEM == nil ? "system roots" : "custom CA"
        return clientCertificatePEM == nil ? roots : "\(roots), client certificate"
    }
}

extension [String: String] {
    /// A value with trailing CR/LF removed (Secrets and env files often carry them); empty counts as absent.
    func value(_ name: String) -> String? {
        guard var value = self[name] else { return nil }
        while let last = value.last, last == "\n" || last == "\r" { value.removeLast() }
        return value.isEmpty ? nil : value
    }
}
