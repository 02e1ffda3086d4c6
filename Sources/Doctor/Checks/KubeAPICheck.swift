import KubeAPI

/// Can the bridge reach the Kubernetes API with its credentials, and is that connection verified?
public enum KubeAPICheck {
    /// The check names this type reports.
    public static let connectionCheck = "kubernetes API"
    public static let tlsCheck = "kubernetes TLS"

    /// Asks one access review as a connectivity probe. Returns the finding and whether the API answered.
    public static func connection(settings: DoctorSettings, reviewer: any AccessReviewer) async -> (DoctorFinding, Bool)
    {
        let probe = PermissionRequirement(
            verb: "get", resource: "configmaps", namespace: settings.namespace, purpose: "doctor",
            grant: .namespaceRole)
        do {
            _ = try await reviewer.isAllowed(probe)
            return (
                DoctorFinding(
                    check: connectionCheck, result: .ok,
                    detail: "\(settings.kubeServer) (\(settings.kubeOrigin)), namespace \(settings.namespace)"),
                true
            )
        } catch {
            return (
                DoctorFinding(
                    check: connectionCheck, result: .fail, detail: "\(settings.kubeServer): \(error)",
                    fix: connectionFix(error, settings: settings)),
                false
            )
        }
    }

    static func connectionFix(_ error: any Error, settings: DoctorSettings) -> String {
        if let error = error as? KubeAPIError, error.httpStatus == 401 {
            return """
                The API server refused the token. In the pod the token comes from the Secret \
                rhdh-rhoai-connector-token through envFrom: check that it exists and has a token, then restart the pod:
                kubectl -n \(settings.namespace) get secret rhdh-rhoai-connector-token -o jsonpath='{.data.token}' | wc -c
                kubectl apply -k deploy/
                """
        }
        if "\(error)".lowercased().contains("certificate") || "\(error)".lowercased().contains("tls") {
            return """
                The API server's certificate is not trusted. In the pod the CA comes from the Secret's ca.crt key; \
                outside, from the kubeconfig's certificate-authority-data. Check which configuration was used: \
                \(settings.kubeOrigin).
                """
        }
        return """
            No answer from \(settings.kubeServer). In the pod, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT \
            must be set (Kubernetes injects them); outside, pass --kubeconfig or set KUBECONFIG.
            """
    }

    /// Is the API connection's certificate verified?
    public static func tls(settings: DoctorSettings) -> DoctorFinding {
        if settings.kubeInsecureSkipVerify {
            return DoctorFinding(
                check: tlsCheck, result: .warn, detail: "certificate verification is OFF (\(settings.kubeOrigin))",
                fix: """
                    Remove insecure-skip-tls-verify from the kubeconfig and give the cluster CA instead \
                    (certificate-authority-data). In the pod the Secret rhdh-rhoai-connector-token provides ca.crt.
                    """)
        }
        if settings.kubeServer.hasPrefix("http://") {
            return DoctorFinding(
                check: tlsCheck, result: .warn,
                detail: "plain HTTP to \(settings.kubeServer): the token travels unencrypted",
                fix: "Use the API server's https:// address.")
        }
        let roots = settings.kubeHasTrustRoots ? "the configured CA" : "the system roots"
        return DoctorFinding(check: tlsCheck, result: .ok, detail: "verified against \(roots)")
    }
}
