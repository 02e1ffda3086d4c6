/// A frame of cells, the output of `view`: what the terminal draws, and what tests compare as text.
///
/// ```swift
/// var grid = Grid(size: Size(width: 20, height: 2))
/// grid.write("日本 models", x: 0, y: 0, role: .title)
/// grid.text   // "日本 models"
/// ```
///
/// Writes clip at the grid's edges and never split a wide character: a wide character that
/// does not fit becomes a space, and overwriting half of one blanks the other half.
public struct Grid: Hashable, Sendable {
    /// The frame size.
    public let size: Size
    /// Row-major cells, `size.width * size.height` of them.
    public private(set) var cells: [Cell]

    /// A blank frame.
    public init(size: Size) {
        self.size = size
        cells = Array(repeating: .blank, count: size.width * size.height)
    }

    /// The cell at a column and row (which must be inside the grid).
    public subscript(x: Int, y: Int) -> Cell {
        cells[y * size.width + x]
    }

    /// The whole frame as text: continuation cells skipped, trailing blanks of each row removed.
    public var text: String { lines.joined(separator: "\n") }

    /// The rows as text, trailing blanks removed.
    public var lines: [String] {
        (0..<size.height).map { row in
            var line = ""
            for column in 0..<size.width {
                let cell = self[column, row]
                if cell.width != 0 { line.append(cell.character) }
            }
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// The roles of one row, one entry per column (continuations repeat their lead's role).
    public func roles(row: Int) -> [StyleRole] {
        (0..<size.width).map { self[$0, row].role }
    }

    /// Sets one cell, repairing any wide character it cuts in half.
    mutating func set(_ x: Int, _ y: Int, _ cell: Cell) {
        guard x >= 0, y >= 0, x < size.width, y < size.height else { return }
        let index = y * size.width + x
        let old = cells[index]
        if old.width == 0, x > 0 { cells[index - 1] = Cell(character: " ", width: 1, role: cells[index - 1].role) }
        if old.width == 2, x + 1 < size.width {
            cells[index + 1] = Cell(character: " ", width: 1, role: cells[index + 1].role)
        }
        cells[index] = cell
    }

    /// Writes `text` from column `x` of row `y`, clipped to `maxWidth` columns and the grid's
    /// edge; returns the columns used. Control characters are shown as `?`.
    @discardableResult
    public mutating func write(_ text: some StringProtocol, x: Int, y: Int, maxWidth: Int? = nil, role: StyleRole)
        -> Int
    {
        guard y >= 0, y < size.height else { return 0 }
        let limit = min(size.width, x + (maxWidth ?? size.width))
        var column = x
        for original in text {
            var character = original
            var width = DisplayWidth.of(character)
            if width == 0 {
                if original.unicodeScalars.allSatisfy({ $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) }) {
                    character = "?"
                    width = 1
                } else {
                    continue
                }
            }
            if column + width > limit {
                if width == 2, column < limit { set(column, y, Cell(character: " ", width: 1, role: role)) }
                return max(0, min(limit, column + 1) - x)
            }
            if column >= 0 {
                set(column, y, Cell(character: character, width: Int8(width), role: role))
                if width == 2 { set(column + 1, y, Cell(character: " ", width: 0, role: role)) }
            }
            column += width
        }
        return max(0, column - x)
    }

    /// Paints a rectangle with blanks of one role.
    public mutating func fill(_ rect: Rect, role: StyleRole) {
        guard !rect.isEmpty else { return }
        for row in rect.y..<rect.maxY {
            for column in rect.x..<(rect.x + rect.width) {
                set(column, row, Cell(character: " ", width: 1, role: role))
            }
        }
    }

    /// Changes the role of every cell in a rectangle, keeping the characters.
    public mutating func restyle(_ rect: Rect, role: StyleRole) {
        guard !rect.isEmpty else { return }
        for row in max(0, rect.y)..<min(size.height, rect.maxY) {
            for column in max(0, rect.x)..<min(size.width, rect.x + rect.width) {
                cells[row * size.width + column].role = role
            }
        }
    }

    /// Draws a frame around `rect` with an optional title on the top edge.
    public mutating func box(_ rect: Rect, title: String = "", ascii: Bool, role: StyleRole = .border) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let glyphs: (h: Character, v: Character, tl: Character, tr: Character, bl: Character, br: Character) =
            ascii ? ("-", "|", "+", "+", "+", "+") : ("─", "│", "┌", "┐", "└", "┘")
        let right = rect.x + rect.width - 1
        let bottom = rect.y + rect.height - 1
        for column in (rect.x + 1)..<right {
            set(column, rect.y, Cell(character: glyphs.h, width: 1, role: role))
            set(column, bottom, Cell(character: glyphs.h, width: 1, role: role))
        }
        for row in (rect.y + 1)..<bottom {
            set(rect.x, row, Cell(character: glyphs.v, width: 1, role: role))
            set(right, row, Cell(character: glyphs.v, width: 1, role: role))
        }
        set(rect.x, rect.y, Cell(character: glyphs.tl, width: 1, role: role))
        set(right, rect.y, Cell(character: glyphs.tr, width: 1, role: role))
        set(rect.x, bottom, Cell(character: glyphs.bl, width: 1, role: role))
        set(right, bottom, Cell(character: glyphs.br, width: 1, role: role))
        if !title.isEmpty, rect.width > 6 {
            let shown = DisplayWidth.truncate(" \(title) ", to: rect.width - 4, ellipsis: ascii ? "~" : "…")
            write(shown, x: rect.x + 2, y: rect.y, role: .boxTitle)
        }
    }
}
