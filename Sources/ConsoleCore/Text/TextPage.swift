/// The text of describe and raw pages, before and after wrapping.
public enum TextPage {
    /// The logical lines of a text level; empty for tables.
    public static func lines(for route: Route, state: ConsoleState) -> [String] {
        switch route.page {
        case .describe(let table, let row): RowDetails.describe(table, row: row, state: state)
        case .raw(let table, let row): RowDetails.raw(table, row: row, format: route.format, state: state)
        case .table, .detail: []
        }
    }

    /// The lines as drawn `width` columns wide: wrapped when the level wraps, else as they are
    /// (the renderer cuts them).
    public static func visualLines(for route: Route, state: ConsoleState, width: Int) -> [String] {
        let logical = lines(for: route, state: state)
        guard route.wrap else { return logical }
        return logical.flatMap { wrap($0, width: width) }
    }

    /// Splits `line` into pieces of at most `width` columns, never inside a wide character.
    public static func wrap(_ line: String, width: Int) -> [String] {
        guard width > 1, DisplayWidth.of(line) > width else { return [line] }
        var pieces: [String] = []
        var piece = ""
        var used = 0
        for character in line {
            let columns = DisplayWidth.of(character)
            if used + columns > width {
                pieces.append(piece)
                piece = ""
                used = 0
            }
            piece.append(character)
            used += columns
        }
        pieces.append(piece)
        return pieces
    }
}
