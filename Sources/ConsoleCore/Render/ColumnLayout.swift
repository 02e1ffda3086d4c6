/// Fits a table's columns into a width: natural widths when they fit (spare width to flexible
/// columns), else shrink flexible columns first, then every column to its minimum, then drop
/// columns from the right.
public enum ColumnLayout {
    /// Space between columns.
    public static let gap = 2
    /// No column grows past this from its content alone.
    public static let naturalCap = 64

    /// One width per column from each column's natural width (its widest cell or title, capped
    /// at ``naturalCap``), `nil` for dropped columns.
    public static func widths(_ columns: [Column], natural: [Int], available: Int) -> [Int?] {
        guard !columns.isEmpty, available > 0 else { return columns.map { _ in nil } }
        let natural = columns.indices.map { natural.indices.contains($0) ? natural[$0] : 0 }
        var widths = natural.enumerated().map { max(columns[$0.offset].minWidth, $0.element) }
        var hidden = Set<Int>()
        func total(_ count: Int) -> Int {
            let kept = widths.prefix(count).indices.filter { !hidden.contains($0) }
            return kept.map { widths[$0] }.reduce(0, +) + gap * max(0, kept.count - 1)
        }
        var shown = columns.count
        // Optional columns go first, from the right, while the rest do not fit at their natural width.
        for index in columns.indices.reversed() where columns[index].optional && total(shown) > available {
            hidden.insert(index)
        }
        if total(shown) <= available {
            let flexTotal = columns.indices.filter { !hidden.contains($0) }.map { columns[$0].flex }.reduce(0, +)
            let spare = available - total(shown)
            if flexTotal > 0, spare > 0 {
                var given = 0
                for index in columns.indices where columns[index].flex > 0 && !hidden.contains(index) {
                    let share = spare * columns[index].flex / flexTotal
                    widths[index] += share
                    given += share
                }
                if let last = columns.indices.last(where: { columns[$0].flex > 0 && !hidden.contains($0) }) {
                    widths[last] += spare - given
                }
            }
            return widths.enumerated().map { hidden.contains($0.offset) ? nil : $0.element }
        }
        // Shrink: flexible columns first, then all, never below the minimum.
        for onlyFlexible in [true, false] {
            while total(shown) > available {
                let candidates = columns.indices.filter {
                    !hidden.contains($0) && (!onlyFlexible || columns[$0].flex > 0) && widths[$0] > columns[$0].minWidth
                }
                guard
                    let widest = candidates.max(by: {
                        widths[$0] - columns[$0].minWidth < widths[$1] - columns[$1].minWidth
                    })
                else { break }
                widths[widest] -= 1
            }
        }
        while shown > 1, total(shown) > available { shown -= 1 }
        if total(shown) > available { widths[0] = available }
        return widths.enumerated().map { $0.offset < shown && !hidden.contains($0.offset) ? $0.element : nil }
    }
}
