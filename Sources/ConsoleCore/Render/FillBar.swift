/// How full something is, as a bar of a fixed width: the Cache view's share of each
/// ConfigMap's budget.
///
/// ```swift
/// FillBar.render(0.53, width: 10, ascii: false)   // "█████░░░░░"
/// FillBar.render(0.53, width: 10, ascii: true)    // "[####----]"
/// FillBar.beside("53.0%", fraction: 0.53, width: 16, ascii: false)   // "█████░░░░░ 53.0%"
/// ```
public enum FillBar {
    /// The width a bar takes in a table cell when there is room.
    public static let width = 10
    /// Narrower than this, a cell shows its text without the bar.
    public static let minimumWidth = 5

    /// `fraction` (0 empty, 1 full; more is drawn full, less or not a number empty) as `width`
    /// columns, rounded down so that the bar is full only when the thing is.
    public static func render(_ fraction: Double, width: Int, ascii: Bool) -> String {
        let inner = max(0, ascii ? width - 2 : width)
        let clamped = fraction.isNaN ? 0 : min(max(fraction, 0), 1)
        let filled = min(inner, Int((clamped * Double(inner)).rounded(.down)))
        if ascii {
            return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: inner - filled) + "]"
        }
        return String(repeating: "█", count: filled) + String(repeating: "░", count: inner - filled)
    }

    /// A table cell of `width` columns: the bar on the left, `text` right-aligned after a space. The bar
    /// narrows to fit, down to ``minimumWidth``; below that the cell is `text` alone, right-aligned.
    public static func beside(_ text: String, fraction: Double, width: Int, ascii: Bool) -> String {
        let barWidth = min(Self.width, width - DisplayWidth.of(text) - 1)
        guard barWidth >= minimumWidth else {
            return DisplayWidth.pad(text, to: width, alignRight: true, ellipsis: ascii ? "~" : "…")
        }
        return render(fraction, width: barWidth, ascii: ascii)
            + DisplayWidth.pad(text, to: width - barWidth, alignRight: true)
    }
}
