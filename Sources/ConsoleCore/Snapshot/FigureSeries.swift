/// A figure sampled once a minute, oldest first, as the header's sparklines draw it: the engine
/// fills it from the history the normalizer keeps, so a console that attaches late still sees
/// the last hour.
///
/// ```swift
/// let published = FigureSeries([1_190, 1_198, nil, 1_204], unit: .count)
/// published.latestText      // "1,204"
/// Sparkline.render(published.values, ascii: false)
/// ```
public struct FigureSeries: Hashable, Sendable {
    /// How the latest value is written.
    public enum Unit: Hashable, Sendable {
        /// A whole number, with thousands separated: `1,204`.
        case count
        /// A duration in seconds: `410 ms`, `2.35 s`.
        case seconds
    }

    /// One value per minute, oldest first; `nil` for a minute without a sample.
    public var values: [Double?]
    public var unit: Unit

    /// Creates a series.
    public init(_ values: [Double?] = [], unit: Unit) {
        self.values = values
        self.unit = unit
    }

    /// The newest value, `nil` when there is none.
    public var latest: Double? { values.last(where: { $0 != nil }) ?? nil }

    /// The newest value as the header writes it; `-` when there is none.
    public var latestText: String {
        guard let latest else { return "-" }
        return switch unit {
        case .count: Self.grouped(Int(latest.rounded()))
        case .seconds: Self.duration(latest)
        }
    }

    /// `1204` → `1,204`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }

    /// Milliseconds below a second, then seconds with fewer decimals as they grow.
    static func duration(_ seconds: Double) -> String {
        let seconds = max(0, seconds)
        if seconds < 0.9995 { return "\(Int((seconds * 1000).rounded())) ms" }
        if seconds < 9.995 {
            let hundredths = Int((seconds * 100).rounded())
            let fraction = hundredths % 100
            return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) s"
        }
        if seconds < 99.95 {
            let tenths = Int((seconds * 10).rounded())
            return "\(tenths / 10).\(tenths % 10) s"
        }
        return "\(Int(seconds.rounded())) s"
    }
}
