/// How one doctor check came out.
///
/// ```swift
/// let worst = report.findings.map(\.result).max()   // .fail when anything failed
/// ```
public enum DoctorResult: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
    /// Checked and fine.
    case ok = "OK"
    /// Not checked here (for example a sidecar port when not running in the pod).
    case skip = "SKIP"
    /// Works, but something is off or risky.
    case warn = "WARN"
    /// Broken: the bridge cannot do part of its job. `modelbridge doctor` exits non-zero.
    case fail = "FAIL"

    private var rank: Int {
        switch self {
        case .ok: return 0
        case .skip: return 1
        case .warn: return 2
        case .fail: return 3
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// One row of the doctor's report: what was checked, how it came out, and for a WARN or FAIL the exact fix.
///
/// ```swift
/// DoctorFinding(check: "crd inferenceservices.serving.kserve.io", result: .fail,
///               detail: "not installed", fix: "Install KServe: enable kserve in the DataScienceCluster.")
/// ```
public struct DoctorFinding: Sendable, Hashable, Codable {
    /// A short, stable name: `rbac list routes.route.openshift.io (all namespaces)`, `registry ns:name`, ….
    public var check: String
    public var result: DoctorResult
    /// What was found, in one line.
    public var detail: String
    /// What to do about it: an RBAC rule, an environment variable, a command. Nil when nothing is needed.
    public var fix: String?

    public init(check: String, result: DoctorResult, detail: String, fix: String? = nil) {
        self.check = check
        self.result = result
        self.detail = detail
        self.fix = fix
    }
}
