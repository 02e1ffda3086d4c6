import Foundation

/// Everything `modelbridge doctor` found, with the two ways it prints it: a table followed by the fixes, or JSON.
///
/// ```swift
/// let report = await Doctor(settings: settings, kube: kube).run()
/// print(report.table())
/// exit(report.hasFailures ? 1 : 0)
/// ```
public struct DoctorReport: Sendable, Hashable, Codable {
    public var findings: [DoctorFinding]

    public init(findings: [DoctorFinding]) {
        self.findings = findings
    }

    /// Whether any check failed (the command then exits non-zero).
    public var hasFailures: Bool { findings.contains { $0.result == .fail } }

    /// The findings whose check name is `check`.
    public func findings(named check: String) -> [DoctorFinding] { findings.filter { $0.check == check } }

    /// How many findings have each result.
    public var counts: [DoctorResult: Int] {
        var counts: [DoctorResult: Int] = [:]
        for finding in findings { counts[finding.result, default: 0] += 1 }
        return counts
    }

    /// `2 FAIL, 1 WARN, 17 OK, 3 SKIP`.
    public var summary: String {
        let counts = counts
        return [DoctorResult.fail, .warn, .ok, .skip].map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(
            separator: ", ")
    }

    /// A fixed-width table (CHECK, RESULT, DETAIL), a summary line, then every fix under the check it belongs to.
    public func table() -> String {
        let checkWidth = min(72, max(5, findings.map(\.check.count).max() ?? 5))
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
        }
        var lines = ["\(pad("CHECK", checkWidth))  RESULT  DETAIL"]
        for finding in findings {
            lines.append("\(pad(finding.check, checkWidth))  \(pad(finding.result.rawValue, 6))  \(finding.detail)")
        }
        lines.append("")
        lines.append(summary)
        let fixes = findings.filter { $0.fix != nil && ($0.result == .fail || $0.result == .warn) }
        if !fixes.isEmpty {
            lines.append("")
            lines.append("How to fix:")
            for finding in fixes {
                lines.append("")
                lines.append("[\(finding.result.rawValue)] \(finding.check)")
                for line in (finding.fix ?? "").split(separator: "\n", omittingEmptySubsequences: false) {
                    lines.append(line.isEmpty ? "" : "    \(line)")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{"ok": …, "summary": {"FAIL": n, …}, "checks": [{"check", "result", "detail", "fix"}]}`, pretty-printed.
    public func json() -> String {
        struct Document: Encodable {
            var ok: Bool
            var summary: [String: Int]
            var checks: [DoctorFinding]
        }
        var summary: [String: Int] = [:]
        for result in DoctorResult.allCases { summary[result.rawValue] = counts[result] ?? 0 }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(Document(ok: !hasFailures, summary: summary, checks: findings))) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
