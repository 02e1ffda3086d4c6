/// Asks whether the identity the doctor runs as may attach `modelbridge console --pod` (or `--selector`) to the
/// Developer Hub pod: `get` and `list` on `pods` and `get` on `pods/proxy` in the bridge's namespace, and `create` on
/// `pods/proxy` for `--allow-writes`. A denial warns (the bridge itself works without them) and names the RoleBinding
/// of `deploy/rbac/console-operator-role.yaml` to create.
///
/// These are an operator's permissions: run as the connector's ServiceAccount (in the pod, or with its token) the
/// doctor reports them as one SKIP row instead of warning on every healthy installation.
///
/// ```swift
/// let findings = await ConsoleAccessCheck.run(settings: settings, reviewer: KubeAccessReviewer(client: kube))
/// ```
public enum ConsoleAccessCheck {
    /// The name of the one row printed when the checks do not apply: `console rbac in ai-rhdh`.
    public static func skippedCheckName(namespace: String) -> String { "console rbac in \(namespace)" }

    /// Every permission `modelbridge console --pod` needs in the bridge's namespace, as the identity of `settings`.
    public static func requirements(for settings: DoctorSettings) -> [PermissionRequirement] {
        let grant = PermissionRequirement.Grant.consoleOperatorRole(subject: subjectFlag(for: settings))
        func require(_ verb: String, _ resource: String, _ subresource: String?, _ purpose: String)
            -> PermissionRequirement
        {
            PermissionRequirement(
                verb: verb, resource: resource, subresource: subresource, namespace: settings.namespace,
                purpose: purpose, grant: grant, severityWhenDenied: .warn)
        }
        return [
            require("get", "pods", nil, "console --pod (finding the pod and its sidecar ports)"),
            require("list", "pods", nil, "console --selector (finding the pod by its labels)"),
            require("get", "pods", "proxy", "console --pod (reading the sidecars through the API server)"),
            require("create", "pods", "proxy", "console --allow-writes (resync, re-push)"),
        ]
    }

    /// Why the checks do not apply to the identity the doctor runs as, or nil when they do.
    public static func notApplicableReason(settings: DoctorSettings) -> String? {
        if settings.inPod {
            return "doctor runs in the Developer Hub pod (POD_IP is set), as the connector's ServiceAccount"
        }
        if let account = settings.tokenServiceAccount, account.isConnector {
            return "doctor runs as the connector's ServiceAccount \(account)"
        }
        return nil
    }

    /// The four checks, or one SKIP row saying whose kubeconfig needs them.
    public static func run(settings: DoctorSettings, reviewer: any AccessReviewer) async -> [DoctorFinding] {
        if let reason = notApplicableReason(settings: settings) {
            return [
                DoctorFinding(
                    check: skippedCheckName(namespace: settings.namespace), result: .skip,
                    detail: "\(reason); console --pod needs get, list on pods and get, create on pods/proxy "
                        + "on an operator's kubeconfig: run modelbridge doctor with that one to check them")
            ]
        }
        return await PermissionCheck.run(
            requirements(for: settings), reviewer: reviewer, serviceAccountNamespace: settings.namespace)
    }

    /// `--serviceaccount=ai-rhdh:jane` when the token is a ServiceAccount's, else `--user=<operator>`: the doctor
    /// cannot learn a person's user name without asking the server, and the fix is run by an administrator.
    static func subjectFlag(for settings: DoctorSettings) -> String {
        guard let account = settings.tokenServiceAccount else { return "--user=<operator>" }
        return "--serviceaccount=\(account.namespace):\(account.name)"
    }
}
