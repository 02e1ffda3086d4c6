/// A series drawn as one character a value, the height of each proportional to the value
/// (zero at the bottom, the series' largest value at the top), so a steady figure draws a flat
/// line at its height and a drop to zero shows as one.
///
/// ```swift
/// Sparkline.render([0, 2, 4, 8], ascii: false)   // "▁▃▅█"
/// Sparkline.render([0, 2, 4, 8], ascii: true)    // "_.-#"
/// Sparkline.render([3, nil, 3], ascii: false)     // "█ █"  (a minute without a sample is blank)
/// ```
public enum Sparkline {
    /// U+2581 to U+2588, lowest first.
    public static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    /// The ASCII levels, lowest first.
    public static let asciiLevels: [Character] = ["_", ".", "-", "=", "#"]

    /// One character per value: the lowest level for zero (and below), the highest for the
    /// largest value, at least the second level for any positive value, a space for `nil`.
    public static func render(_ values: [Double?], ascii: Bool) -> String {
        let levels = ascii ? asciiLevels : blocks
        let top = Double(levels.count - 1)
        let largest = values.compactMap { $0 }.filter { $0.isFinite }.max() ?? 0
        var result = ""
        for value in values {
            guard let value else {
                result.append(" ")
                continue
            }
            guard largest > 0, value.isFinite, value > 0 else {
                result.append(levels[0])
                continue
            }
            let level = min(levels.count - 1, max(1, Int((value / largest * top).rounded())))
            result.append(levels[level])
        }
        return result
    }
}
