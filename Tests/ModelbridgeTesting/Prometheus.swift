import Foundation

/// One sample of the Prometheus text exposition format: its family name, labels and value.
public struct PrometheusSample: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var labels: [String: String]
    public var value: Double

    public init(name: String, labels: [String: String], value: Double) {
        self.name = name
        self.labels = labels
        self.value = value
    }

    public var description: String {
        name + "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",")
            + "} \(value)"
    }
}

/// A small reader of `/metrics` text; label values in these tests never hold `,` or `"`, which keeps it small.
public enum PrometheusText {
    /// The samples of a scrape (comment lines skipped).
    public static func samples(_ text: String) -> [PrometheusSample] {
        text.split(separator: "\n").compactMap { line -> PrometheusSample? in
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "),
                let value = Double(line[space...].dropFirst())
            else { return nil }
            let series = line[..<space]
            guard let open = series.firstIndex(of: "{") else {
                return PrometheusSample(name: String(series), labels: [:], value: value)
            }
            var labels: [String: String] = [:]
            for pair in series[series.index(after: open)..<series.index(before: series.endIndex)].split(separator: ",")
            {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
            }
            return PrometheusSample(name: String(series[..<open]), labels: labels, value: value)
        }
    }

    /// The label names each sample of `family` carries.
    public static func labelNames(_ family: String, in text: String) -> Set<Set<String>> {
        Set(samples(text).filter { $0.name == family }.map { Set($0.labels.keys) })
    }

    /// The value of the one sample of `family` with exactly `labels`.
    public static func value(_ family: String, _ labels: [String: String] = [:], in text: String) -> Double? {
        samples(text).first { $0.name == family && $0.labels == labels }?.value
    }
}
