import CatalogModel
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

/// An environment variable with a value the command cannot use. `modelbridge` prints it alone (no usage text)
/// and exits 2, so the log of a crash-looping container says exactly which variable to fix.
struct EnvironmentError: Error, CustomStringConvertible {
    let variable: String
    let value: String
    /// What would be accepted, e.g. "one of JsonArrayFormat, CatalogInfoYamlFormat".
    let expected: String

    var description: String { "\(variable)=\(value) is not valid: \(expected)" }
}

extension RoleEnvironment {
    /// `NORMALIZER_FORMAT`, with its default; an unknown value is an ``EnvironmentError``.
    func normalizerFormat() throws -> NormalizerFormat {
        guard let format = NormalizerFormat(environmentValue: self["NORMALIZER_FORMAT"]) else {
            throw EnvironmentError(
                variable: "NORMALIZER_FORMAT", value: self["NORMALIZER_FORMAT"] ?? "",
                expected: "must be one of JsonArrayFormat, CatalogInfoYamlFormat")
        }
        return format
    }

    /// A boolean variable: nil when unset; Go's `strconv.ParseBool` spellings; anything else is an
    /// ``EnvironmentError`` (a typo such as `LEADER_ELECT=ture` must not silently mean false).
    func flag(_ name: String) throws -> Bool? {
        guard let text = self[name] else { return nil }
        guard let value = bool(name) else {
            throw EnvironmentError(
                variable: name, value: text, expected: "must be true or false (also 1, 0, t, f, TRUE, FALSE)")
        }
        return value
    }
}

extension RoleEnvironment {
    /// Checks every variable of a known shape that `command` reads, before anything starts: the format, the
    /// booleans, the durations and the storage type. The roles read them again later; this makes a bad value
    /// fail at once, with its name, instead of after servers have started.
    func check(for command: String) throws {
        let reads = Set(EnvironmentReference.all.filter { $0.commands.contains(command) }.map(\.name))
        if reads.contains("NORMALIZER_FORMAT") { _ = try normalizerFormat() }
        for name in ["MODELCARD_UPSTREAM_COUNTER", "PUSH_TO_RHDH", "REGISTRY_INSECURE_SKIP_TLS_VERIFY", "LEADER_ELECT"]
        where reads.contains(name) {
            _ = try flag(name)
        }
        for name in ["PROBE_INTERVAL", "POLLING_INTERVAL"] where reads.contains(name) {
            if let text = self[name], (RoleEnvironment.parseDuration(text) ?? .zero) <= .zero {
                throw EnvironmentError(
                    variable: name, value: text, expected: "must be a positive Go duration such as 10s, 2m or 1h30m")
            }
        }
        if reads.contains("STORAGE_TYPE"), let type = self["STORAGE_TYPE"],
            !["configmap", "memory"].contains(type.lowercased())
        {
            throw EnvironmentError(variable: "STORAGE_TYPE", value: type, expected: "must be ConfigMap or Memory")
        }
    }
}
