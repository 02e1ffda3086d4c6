import Foundation

/// The files `modelbridge sandbox` leaves in its state directory so the sidecars, kubectl and
/// scripts can find the sandbox:
///
/// - `kubeconfig`: the fake Kubernetes API over plain HTTP with no credentials (the fake
///   accepts any request, and kubectl never sends a bearer token over plain HTTP anyway);
/// - `sandbox.json`: every URL (``SandboxDescription``);
/// - `sidecars.env`: `KEY=VALUE` lines that point the three sidecars at the sandbox.
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

    /// Writes the three files (creating the directory).
    public func write(_ description: SandboxDescription, configuration: SandboxConfiguration) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Self.kubeconfig(server: description.kubernetes, namespace: description.podNamespace)
            .write(toFile: kubeconfigPath, atomically: true, encoding: .utf8)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var json = try encoder.encode(description)
        json.append(UInt8(ascii: "\n"))
        try json.write(to: URL(fileURLWithPath: descriptionPath), options: .atomic)
        try Self.sidecarEnvironment(description, configuration: configuration, kubeconfigPath: kubeconfigPath)
            .write(toFile: sidecarEnvironmentPath, atomically: true, encoding: .utf8)
    }

    /// A kubeconfig for `server` with one context whose namespace is `namespace`.
    public static func kubeconfig(server: String, namespace: String) -> String {
        """
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
            user: modelbridge-sandbox
        current-context: modelbridge-sandbox
        users:
        - name: modelbridge-sandbox
          user: {}

        """
    }

    /// The sidecars' environment: one `KEY=VALUE` per line, comments starting with `#`.
    public static func sidecarEnvironment(
        _ description: SandboxDescription, configuration: SandboxConfiguration, kubeconfigPath: String
    ) -> String {
        let lines = [
            "# modelbridge sandbox (\(description.scenario)): source this file before starting the sidecars.",
            "# The Model Registries and the catalog are plain http: their Routes carry no spec.tls, so route",
            "# discovery builds http://127.0.0.1:PORT URLs. The Kubernetes API is plain http and needs no token.",
            "KUBECONFIG=\(kubeconfigPath)",
            "# Empty MR_ROUTE: discover every registry by the model-registry-operator label.",
            "MR_ROUTE=",
            "STORAGE_TYPE=ConfigMap",
            "POD_NAMESPACE=\(description.podNamespace)",
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
