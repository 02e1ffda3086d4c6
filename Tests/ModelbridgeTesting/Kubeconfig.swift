import Foundation

/// kubeconfig files for a fake API server: one cluster, one user with a bearer token, one context.
public enum Kubeconfig {
    /// The YAML text. With `certificateAuthorityPEM`, the cluster trusts that CA (for a TLS fake).
    public static func yaml(
        server: String, token: String, namespace: String, cluster: String = "sandbox", user: String = "sandbox",
        context: String? = nil, certificateAuthorityPEM: String? = nil
    ) -> String {
        let context = context ?? cluster
        let authority =
            certificateAuthorityPEM.map {
                "\n    certificate-authority-data: \(Data($0.utf8).base64EncodedString())"
            } ?? ""
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - name: \(cluster)
              cluster:
                server: "\(server)"\(authority)
            users:
            - name: \(user)
              user:
                token: \(token)
            contexts:
            - name: \(context)
              context:
                cluster: \(cluster)
                user: \(user)
                namespace: \(namespace)
            current-context: \(context)

            """
    }

    /// Writes ``yaml(server:token:namespace:cluster:user:context:certificateAuthorityPEM:)`` to `path`; returns `path`.
    @discardableResult
    public static func write(
        to path: String, server: String, token: String, namespace: String, cluster: String = "sandbox",
        user: String = "sandbox", context: String? = nil, certificateAuthorityPEM: String? = nil
    ) throws -> String {
        try yaml(
            server: server, token: token, namespace: namespace, cluster: cluster, user: user, context: context,
            certificateAuthorityPEM: certificateAuthorityPEM
        ).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Writes a kubeconfig for `server` (token `sandbox-token`, namespace `rhdh`) into a new temporary folder and
    /// returns its path.
    public static func writeTemporary(server: String, token: String = "sandbox-token", namespace: String = "rhdh")
        throws -> String
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("modelbridge-e2e-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try write(
            to: directory.appendingPathComponent("kubeconfig").path, server: server, token: token, namespace: namespace)
    }
}
