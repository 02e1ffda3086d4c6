/// A value to sort a column by.
public enum SortValue: Hashable, Sendable, Comparable {
    /// Sorts after everything else, in both directions.
    case missing
    case number(Double)
    case text(String)

    public static func < (lhs: SortValue, rhs: SortValue) -> Bool {
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)): a < b
        case (.text(let a), .text(let b)):
            a.lowercased() < b.lowercased() || (a.lowercased() == b.lowercased() && a < b)
        case (.number, .text): true
        case (.text, .number): false
        case (.missing, _), (_, .missing): false
        }
    }
}

/// One column of a table.
public struct Column: Hashable, Sendable {
    public var title: String
    /// Shift plus this letter sorts by the column (pressing it again inverts).
    public var sortLetter: Character
    /// The narrowest the column gets before it is dropped.
    public var minWidth: Int
    /// How much of the spare width it takes; 0 = never wider than its content.
    public var flex: Int
    public var alignRight: Bool
    /// Dropped first when the table does not fit (the detail pane still shows it).
    public var optional: Bool

    /// Creates a column.
    public init(
        _ title: String, _ sortLetter: Character, min: Int = 4, flex: Int = 0, alignRight: Bool = false,
        optional: Bool = false
    ) {
        self.optional = optional
        self.title = title
        self.sortLetter = sortLetter
        self.minWidth = min
        self.flex = flex
        self.alignRight = alignRight
    }
}

/// One cell of a table row.
public struct TableCell: Hashable, Sendable {
    public var text: String
    public var sort: SortValue
    /// The role of the text when the row is not selected.
    public var role: StyleRole
    /// When set, the cell draws a bar this full (0…1) left of its text (``FillBar``); filters and
    /// copies see only the text.
    public var bar: Double?

    /// Creates a cell; the sort value defaults to the text.
    public init(_ text: String, sort: SortValue? = nil, role: StyleRole = .normal, bar: Double? = nil) {
        self.text = text
        self.sort = sort ?? (text.isEmpty ? .missing : .text(text))
        self.role = role
        self.bar = bar
    }
}

/// One table row and what actions on it target.
public struct TableRow: Hashable, Sendable {
    /// Stable identity across snapshots.
    public var id: String
    public var cells: [TableCell]
    /// Labels and custom properties for `-l` filters.
    public var labels: [String: String]
    /// The storage key `r` resyncs, when the row belongs to a model.
    public var modelKey: String?
    /// The storage key `p` re-pushes, when the row is a cache entry.
    public var cacheKey: String?
    /// The table Enter opens instead of the detail pane.
    public var drill: TableID?
    /// What `c` copies and breadcrumbs show.
    public var name: String

    /// Creates a row.
    public init(
        id: String, name: String, cells: [TableCell], labels: [String: String] = [:], modelKey: String? = nil,
        cacheKey: String? = nil, drill: TableID? = nil
    ) {
        self.id = id
        self.name = name
        self.cells = cells
        self.labels = labels
        self.modelKey = modelKey
        self.cacheKey = cacheKey
        self.drill = drill
    }
}

/// A table's columns and rows before filtering and sorting.
public struct TableModel: Hashable, Sendable {
    public var title: String
    public var columns: [Column]
    public var rows: [TableRow]
    /// A line above the table (the Backstage `/list` summary), empty for none.
    public var summary: String = ""
}
