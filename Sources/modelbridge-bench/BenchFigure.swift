import Foundation

/// One measured figure beside its target, as a row of the table and an object of `--json`. A figure
/// without a target (an absolute HTTP figure on a shared machine) is printed with no pass/fail.
///
/// ```swift
/// let figure = BenchFigure(name: "GET /list", value: 41_000, unit: "req/s", target: 38_000, direction: .atLeast)
/// print(figure.ratio ?? 0)   // 1.08: above 1 is good for an `atLeast` target
/// ```
struct BenchFigure: Sendable, Codable {
    /// Whether the measured value must reach the target or stay under it.
    enum Direction: String, Sendable, Codable {
        case atLeast
        case atMost

        var symbol: String { self == .atLeast ? "≥" : "≤" }
    }

    var name: String
    /// `nil` when the figure could not be measured (the note says why).
    var value: Double?
    var unit: String
    /// `nil`: the figure is informative only.
    var target: Double?
    var direction: Direction
    /// Context: what was measured, the spread, or why it failed.
    var note: String = ""

    /// Measured divided by target: ≥ 1 meets an `atLeast` target, ≤ 1 meets an `atMost` one.
    var ratio: Double? {
        guard let value, let target else { return nil }
        return target == 0 ? .infinity : value / target
    }

    /// Whether the target is met; `nil` when not measured or without a target.
    var met: Bool? {
        guard let value, let target else { return nil }
        return direction == .atLeast ? value >= target : value <= target
    }

    /// A figure that could not be measured.
    static func failed(_ name: String, unit: String, target: Double?, direction: Direction, error: any Error)
        -> BenchFigure
    {
        BenchFigure(
            name: name, value: nil, unit: unit, target: target, direction: direction,
            note: "not measured: \(error)")
    }

    /// The value in the figure's unit, with sensible precision.
    static func format(_ value: Double, unit: String) -> String {
        switch unit {
        case "req/s", "requests", "models", "documents": return grouped(Int(value.rounded()))
        case "µs", "MiB", "s": return String(format: "%.1f", value)
        case "×": return String(format: "%.3f", value)
        case "ms": return String(format: "%.2f", value)
        default: return String(format: "%.2f", value)
        }
    }

    /// `41234` as `41,234`.
    static func grouped(_ number: Int) -> String {
        let digits = String(abs(number))
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (number < 0 ? "-" : "") + out
    }
}

/// Where and when the figures were taken, printed beside them.
struct BenchMachine: Sendable, Codable {
    var date: String
    var processors: Int
    var cpuModel: String
    var command: String

    /// The current machine: `nproc`, the CPU model from /proc/cpuinfo, the date and the command line.
    static func current() -> BenchMachine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return BenchMachine(
            date: formatter.string(from: Date()), processors: ProcessInfo.processInfo.activeProcessorCount,
            cpuModel: model, command: CommandLine.arguments.joined(separator: " "))
    }
}

/// Renders figures as a Markdown table (pasteable into docs/benchmarks.md) or as JSON.
enum BenchReport {
    static func table(_ figures: [BenchFigure], machine: BenchMachine) -> String {
        var lines = [
            "machine: \(machine.processors) CPUs, \(machine.cpuModel); \(machine.date)",
            "command: \(machine.command)",
            "",
            "| figure | measured | target | ratio | met | note |",
            "|---|---:|---:|---:|:-:|---|",
        ]
        for figure in figures {
            let measured = figure.value.map { BenchFigure.format($0, unit: figure.unit) + " " + figure.unit } ?? "—"
            let target =
                figure.target.map {
                    "\(figure.direction.symbol) \(BenchFigure.format($0, unit: figure.unit)) \(figure.unit)"
                }
                ?? "—"
            let ratio = figure.ratio.map { String(format: "%.2f", $0) } ?? "—"
            let met = figure.met.map { $0 ? "yes" : "**no**" } ?? "—"
            // A note may carry a child's log lines; a table row must stay on one line.
            let note = figure.note.split(whereSeparator: \.isNewline).joined(separator: " / ")
            lines.append("| \(figure.name) | \(measured) | \(target) | \(ratio) | \(met) | \(note) |")
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ figures: [BenchFigure], machine: BenchMachine) throws -> String {
        struct Document: Encodable {
            var machine: BenchMachine
            var figures: [Row]
        }
        struct Row: Encodable {
            var figure: BenchFigure
            var ratio: Double?
            var met: Bool?

            func encode(to encoder: any Encoder) throws {
                try figure.encode(to: encoder)
                var container = encoder.container(keyedBy: Keys.self)
                try container.encode(ratio, forKey: .ratio)
                try container.encode(met, forKey: .met)
            }

            enum Keys: String, CodingKey { case ratio, met }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let rows = figures.map { Row(figure: $0, ratio: $0.ratio.flatMap { $0.isFinite ? $0 : nil }, met: $0.met) }
        return String(decoding: try encoder.encode(Document(machine: machine, figures: rows)), as: UTF8.self)
    }
}

/// Order statistics over a handful of samples.
enum Statistics {
    /// The median (the mean of the middle two for an even count); 0 for no samples.
    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The nearest-rank percentile (`p` in 0…100); 0 for no samples.
    static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
