/// The header's figures row: each series as `label sparkline latest`, then how many minutes the
/// sparklines cover, fitted to the width.
///
/// ```
/// published ▃▃▃▅▅▅▅▇▇████ 6   registry read ▂▂▃▂▂█▂▂▃▂▂▂ 410 ms   last 12 min
/// ```
///
/// The sparklines share what the labels and values leave, showing the newest minutes when not all
/// fit. When they would be narrower than ``minimumSparkline``, the minutes note goes first, then the
/// later series; when even the first does not fit, the row stays empty.
struct FigureLine: Hashable, Sendable {
    /// One series as drawn.
    struct Part: Hashable, Sendable {
        var label: String
        /// Empty when the series has no samples yet.
        var sparkline: String
        var value: String
    }

    /// Sparklines narrower than this are not worth drawing (unless the series is shorter).
    static let minimumSparkline = 8
    /// Between two parts, and before the note.
    static let gap = "   "

    var parts: [Part]
    /// `last 12 min`, or empty.
    var note: String

    /// The widest line of `series` (label, values) that fits in `width` columns; no parts when none does.
    static func fit(_ series: [(label: String, values: FigureSeries)], width: Int, ascii: Bool) -> FigureLine {
        let minutes = series.map(\.values.values.count).max() ?? 0
        for count in stride(from: series.count, through: 1, by: -1) {
            let shown = series.prefix(count)
            for withNote in minutes > 0 ? [true, false] : [false] {
                // The note is sized for the longest it can be, so the sparklines do not jump as it grows.
                let noteWidth = withNote ? gap.count + DisplayWidth.of(note(minutes)) : 0
                let fixed =
                    shown.map { DisplayWidth.of($0.label) + 1 + DisplayWidth.of($0.values.latestText) + 1 }
                    .reduce(0, +) + gap.count * (count - 1) + noteWidth
                let each = (width - fixed) / count
                guard each >= 0 else { continue }
                let fits = shown.allSatisfy { each >= min($0.values.values.count, minimumSparkline) }
                guard fits else { continue }
                let columns = min(minutes, each)
                let parts = shown.map { item in
                    Part(
                        label: item.label,
                        sparkline: Sparkline.render(Array(item.values.values.suffix(columns)), ascii: ascii),
                        value: item.values.latestText)
                }
                return FigureLine(parts: parts, note: withNote ? note(columns) : "")
            }
        }
        return FigureLine(parts: [], note: "")
    }

    static func note(_ minutes: Int) -> String { "last \(minutes) min" }
}
