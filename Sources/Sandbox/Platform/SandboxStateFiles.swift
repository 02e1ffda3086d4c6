import Foundation

/// The files `modelbridge sandbox` leaves in its state directory so the sidecars, kubectl and
/// scripts can find the sandbox:
///
/// - `kubeconfig`: the fake Kubernetes API over plain HTTP with no credentials (the fake
///   accepts any request, and kubectl never sends a bearer token over plain HTTP anyway);
/// - `sandbox.json`: every URL (``SandboxDescription``);
/// - `sidecars.env`: `KEY=VALUE` lines that point the three sidecars at the sandbox;
/// - with RBAC on, per ServiceAccount `<namespace>.<name>.kubeconfig` (its token) and `<namespace>.<name>.env`
///   (`sidecars.env` as that account).
///
/// ```swift
/// try SandboxStateFiles(directory: "/tmp/sandbox").write(description, configuration: configuration)
/// ```
public struct SandboxStateFiles: Sendable {
    public var directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public var kubeconfigPath: String { directory + "/kubeconfig" }
    public var descriptionPath: String { directory + "/sandbox.json" }
    public var sidecarEnvironmentPath: String { directory + "/sidecars.env" }
    /// The kubeconfig that acts as one ServiceAccount.
    public func kubeconfigPath(namespace: String, serviceAccount: String) -> String {
        "\(directory)/\(namespace).\(serviceAccount).kubeconfig"
    }
    /// `sidecars.env` as one ServiceAccount.
    public func sidecarEnvironmentPath(namespace: String, serviceAccount: String) -> String {
        "\(directory)/\(namespace).\(serviceAccount).env"
    }

    /// Writes the files (creating the directory). `tokens` are the ServiceAccounts' tokens, keyed by
    /// `namespace/name`, for the accounts in `description.serviceAccounts`.
    public func write(
        _ description: SandboxDescription, configuration: SandboxConfiguration, tokens: [String: String] = [:]
    ) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Self.kubeconfig(server: description.kubernetes, namespace: description.podNamespace)
            .write(toFile: kubeconfigPath, atomically: true, encoding: .utf8)
        for account in description.serviceAccounts ?? [] {
            guard let token = tokens["\(account.namespace)/\(account.name)"] else { continue }
            let kubeconfig = kubeconfigPath(namespace: account.namespace, serviceAccount: account.name)
            try Self.kubeconfig(
                server: description.kubernetes, namespace: account.namespace, user: account.user, token: token
            ).write(toFile: kubeconfig, atomically: true, encoding: .utf8)
            // The token is a credential: only its owner may read the file, as kubectl writes kubeconfigs.
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: kubeconfig)
            try Self.sidecarEnvironment(
                description, configuration: configuration, kubeconfigPath: kubeconfig, serviceAccount: account
            ).write(
                toFile: sidecarEnvironmentPath(namespace: account.namespace, serviceAccount: account.name),
                atomically: true, encoding: .utf8)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var json = try encoder.encode(description)
        json.append(UInt8(ascii: "\n"))
        try json.write(to: URL(fileURLWithPath: descriptionPath), options: .atomic)
        try Self.sidecarEnvironment(description, configuration: configuration, kubeconfigPath: kubeconfigPath)
            .write(toFile: sidecarEnvironmentPath, atomically: true, encoding: .utf8)
    }

    /// A kubeconfig for `server` with one context whose namespace is `namespace`; with a `token`, its user sends it.
    public static func kubeconfig(
        server: String, namespace: String, user: String = "modelbridge-sandbox", token: String? = nil
    ) -> String {
        let credentials = token.map { "\n    token: \($0)" } ?? " {}"
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - name: modelbridge-sandbox
              cluster:
                server: \(server)
            contexts:
            - name: modelbridge-sandbox
              context:
                cluster: modelbridge-sandbox
                namespace: \(namespace)
                user: "\(user)"
            current-context: modelbridge-sandbox
            users:
            - name: "\(user)"
              user:\(credentials)

            """
    }

    /// The sidecars' environment: one `KEY=VALUE` per line, comments starting with `#`.
    /// With a `serviceAccount`, the sidecars act as that account (its kubeconfig) in its namespace.
    public static func sidecarEnvironment(
        _ description: SandboxDescription, configuration: SandboxConfiguration, kubeconfigPath: String,
        serviceAccount: SandboxDescription.ServiceAccountAccess? = nil
    ) -> String {
        var lines: [String] = [
            "# modelbridge sandbox (\(description.scenario)): source this file before starting the sidecars.",
            "# The Model Registries and the catalog are plain http: their Routes carry no spec.tls, so route",
        ]
        if let serviceAccount {
            lines += [
                "# discovery builds http://127.0.0.1:PORT URLs. The Kubernetes API is plain http; KUBECONFIG holds",
                "# the token of \(serviceAccount.user): its Roles and bindings decide.",
            ]
        } else {
            lines.append(
                "# discovery builds http://127.0.0.1:PORT URLs. The Kubernetes API is plain http and needs no token.")
        }
        lines += [
            "KUBECONFIG=\(kubeconfigPath)",
            "# Empty MR_ROUTE: discover every registry by the model-registry-operator label.",
            "MR_ROUTE=",
            "STORAGE_TYPE=ConfigMap",
            "POD_NAMESPACE=\(serviceAccount?.namespace ?? description.podNamespace)",
            "STORAGE_URL=\(description.storage)",
            "BRIDGE_URL=\(description.location)",
            "PROBE_INTERVAL=\(configuration.probeInterval)",
            "POLLING_INTERVAL=\(configuration.pollingInterval)",
            "NORMALIZER_FORMAT=JsonArrayFormat",
            "# The emulated Developer Hub, for push mode (PUSH_TO_RHDH=true) only.",
            "BKSTG_URL=\(description.backstage)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
