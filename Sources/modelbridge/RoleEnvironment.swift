import Foundation

/// The process environment as the upstream sidecars read it: values have CR and LF stripped
/// (a Secret created with `echo` carries a newline), and empty means unset.
struct RoleEnvironment {
    let values: [String: String]

    init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        self.values = values
    }

    subscript(_ name: String) -> String? {
        guard let raw = values[name] else { return nil }
        let stripped = raw.replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: "")
            .trimmingCharacters(in: .whitespaces)
        return stripped.isEmpty ? nil : stripped
    }

    /// Go's `strconv.ParseBool` spellings; `nil` when unset or unparsable.
    func bool(_ name: String) -> Bool? {
        switch self[name] {
        case "1", "t", "T", "TRUE", "true", "True": return true
        case "0", "f", "F", "FALSE", "false", "False": return false
        default: return nil
        }
    }

    /// `http://$POD_IP:<port>` (IPv6 bracketed), else loopback when `POD_IP` is absent.
    func siblingURL(port: Int) -> String {
        guard let ip = self["POD_IP"] else { return "http://127.0.0.1:\(port)" }
        return ip.contains(":") ? "http://[\(ip)]:\(port)" : "http://\(ip):\(port)"
    }

    /// A Go duration such as `2m`, `30s`, `1h30m`, `500ms`; `nil` when unparsable.
    static func parseDuration(_ text: String) -> Duration? {
        var remaining = Substring(text.trimmingCharacters(in: .whitespaces))
        guard !remaining.isEmpty else { return nil }
        var total = Duration.zero
        let units: [(String, Duration)] = [
            ("ms", .milliseconds(1)), ("h", .seconds(3600)), ("m", .seconds(60)), ("s", .seconds(1)),
        ]
        while !remaining.isEmpty {
            let digits = remaining.prefix { $0.isNumber || $0 == "." }
            guard !digits.isEmpty, let number = Double(digits) else { return nil }
            remaining = remaining.dropFirst(digits.count)
            guard let (unit, scale) = units.first(where: { remaining.hasPrefix($0.0) }) else { return nil }
            remaining = remaining.dropFirst(unit.count)
            total += scale * number
        }
        return total
    }
}
