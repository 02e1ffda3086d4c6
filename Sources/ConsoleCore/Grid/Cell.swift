/// One terminal column of a `Grid`.
///
/// A wide character (two columns) is stored as a lead cell of `width` 2 followed by a
/// continuation cell of `width` 0, which the terminal skips when drawing.
public struct Cell: Hashable, Sendable {
    /// The grapheme cluster drawn in this column; a space for blanks and continuations.
    public var character: Character
    /// 1 for an ordinary cell, 2 for the lead of a wide character, 0 for its continuation.
    public var width: Int8
    /// What the cell means; the terminal theme decides its look.
    public var role: StyleRole

    /// A blank cell.
    public static let blank = Cell(character: " ", width: 1, role: .normal)

    /// Creates a cell.
    public init(character: Character, width: Int8, role: StyleRole) {
        self.character = character
        self.width = width
        self.role = role
    }
}
