/// Asks, for every permission the roles need, whether it is granted; a denial names the exact rule to add.
///
/// ```swift
/// let findings = await PermissionCheck.run(PermissionRequirement.required(for: settings),
///                                          reviewer: KubeAccessReviewer(client: kube), serviceAccountNamespace: "ai-rhdh")
/// ```
public enum PermissionCheck {
    public static func run(
        _ requirements: [PermissionRequirement], reviewer: any AccessReviewer, serviceAccountNamespace: String
    ) async -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        for requirement in requirements {
            do {
                if try await reviewer.isAllowed(requirement) {
                    findings.append(
                        DoctorFinding(check: requirement.checkName, result: .ok, detail: requirement.purpose))
                } else {
                    findings.append(
                        DoctorFinding(
                            check: requirement.checkName, result: requirement.severityWhenDenied,
                            detail: "denied; needed by \(requirement.purpose)",
                            fix: requirement.fix(serviceAccountNamespace: serviceAccountNamespace)))
                }
            } catch {
                findings.append(
                    DoctorFinding(
                        check: requirement.checkName, result: .fail, detail: "could not ask the API server: \(error)",
                        fix: "See the \"\(KubeAPICheck.connectionCheck)\" check."))
            }
        }
        return findings
    }
}
