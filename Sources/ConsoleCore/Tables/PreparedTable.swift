import Synchronization

/// A table built once per version of the data it shows (snapshot, clock, console events), with
/// what filtering, sorting and column layout need worked out ahead, so that a keystroke only
/// filters.
///
/// With 10,000 models, rebuilding the table, lower-casing every cell and sorting on each key took
/// over a second per keystroke. Here the lower-cased cells, sort keys and display widths are made
/// when the table is built, each sort order is computed once, and the last filter's result is
/// kept for the `view` that follows the `update`.
///
/// ```swift
/// let prepared = PreparedTable.of(.models, in: state)
/// let visible = prepared.filtered(RowFilter(parsing: "mist"), text: "mist", column: 1, ascending: true)
/// ```
final class PreparedTable: Sendable {
    let model: TableModel
    /// Per row: every cell's lower-cased UTF-8, cells separated by a 0 byte, for the substring filter.
    private let searchBytes: [[UInt8]]
    /// Per row: each cell's lower-cased text, for the fuzzy filter.
    private let loweredCells: [[String]]
    /// Per row: each cell's display width, capped as ``ColumnLayout`` caps natural widths.
    private let cellWidths: [[Int]]
    /// Sorted row indices per (column, direction).
    private let orders = Mutex<[SortOrder: [Int]]>([:])
    /// The last filter's result: `update` and the `view` after it ask for the same one.
    private let lastFiltered = Mutex<FilteredRows?>(nil)

    /// A sort column and direction.
    struct SortOrder: Hashable, Sendable {
        var column: Int
        var ascending: Bool
    }

    /// Rows that pass a filter, in sort order, and the natural column widths over them.
    struct FilteredRows: Sendable {
        var filterText: String
        var order: SortOrder
        var rows: [TableRow]
        var naturalWidths: [Int]
    }

    init(_ model: TableModel) {
        self.model = model
        var searchBytes: [[UInt8]] = []
        var loweredCells: [[String]] = []
        var cellWidths: [[Int]] = []
        searchBytes.reserveCapacity(model.rows.count)
        loweredCells.reserveCapacity(model.rows.count)
        cellWidths.reserveCapacity(model.rows.count)
        for row in model.rows {
            let lowered = row.cells.map { $0.text.lowercased() }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(lowered.reduce(0) { $0 + $1.utf8.count + 1 })
            for (index, text) in lowered.enumerated() {
                if index > 0 { bytes.append(0) }
                bytes.append(contentsOf: text.utf8)
            }
            searchBytes.append(bytes)
            loweredCells.append(lowered)
            cellWidths.append(
                row.cells.map { cell in
                    let bar = cell.bar == nil ? 0 : FillBar.width + 1
                    return min(ColumnLayout.naturalCap, DisplayWidth.of(cell.text) + bar)
                })
        }
        self.searchBytes = searchBytes
        self.loweredCells = loweredCells
        self.cellWidths = cellWidths
    }

    /// The prepared table `table` of `state`, built only when the data changed since the last call.
    static func of(_ table: TableID, in state: ConsoleState) -> PreparedTable {
        state.tableMemo.table(table) { TableCatalog.model(table, state: state) }
    }

    /// Row indices in the order of `column` (missing values last in both directions; ties keep
    /// the rows' original order).
    func order(_ order: SortOrder) -> [Int] {
        if let known = orders.withLock({ $0[order] }) { return known }
        let keys = model.rows.map { row in
            row.cells.indices.contains(order.column) ? SortKey(row.cells[order.column].sort) : .missing
        }
        let ascending = order.ascending
        let sorted = model.rows.indices.sorted { left, right in
            let a = keys[left]
            let b = keys[right]
            if a == b { return left < right }
            if case .missing = a { return false }
            if case .missing = b { return true }
            return ascending ? a < b : b < a
        }
        orders.withLock { $0[order] = sorted }
        return sorted
    }

    /// The rows passing `filter` (parsed from `text`) in the given order.
    func filtered(_ filter: RowFilter, text: String, order sortOrder: SortOrder) -> FilteredRows {
        if let last = lastFiltered.withLock({ $0 }), last.filterText == text, last.order == sortOrder {
            return last
        }
        let indices = order(sortOrder).filter(matcher(for: filter))
        var widths = model.columns.map { DisplayWidth.of($0.title) + 1 }
        for index in indices {
            for (column, width) in cellWidths[index].enumerated() where column < widths.count {
                widths[column] = max(widths[column], width)
            }
        }
        let result = FilteredRows(
            filterText: text, order: sortOrder, rows: indices.map { model.rows[$0] }, naturalWidths: widths)
        lastFiltered.withLock { $0 = result }
        return result
    }

    /// A test of one row index against `filter`, using the prepared texts; it answers as
    /// ``RowFilter/matches(_:)`` does.
    private func matcher(for filter: RowFilter) -> (Int) -> Bool {
        let inverted = filter.inverted
        switch filter.kind {
        case .all:
            return { _ in true }
        case .substring(let needle):
            let needleBytes = Array(needle.utf8)
            return { [searchBytes] index in
                PreparedTable.contains(needleBytes, in: searchBytes[index]) != inverted
            }
        case .fuzzy(let needle):
            return { [loweredCells] index in
                loweredCells[index].contains { RowFilter.fuzzyMatch(needle, in: $0) } != inverted
            }
        case .regex, .labels:
            // Compiled once here rather than once per row.
            let compiled = RowFilter.Compiled(filter)
            return { [model] index in compiled.matches(model.rows[index]) }
        }
    }

    /// True when `needle` occurs in `haystack` (both UTF-8; the 0 byte between cells never
    /// matches, so a match never spans two cells).
    static func contains(_ needle: [UInt8], in haystack: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard needle.count <= haystack.count else { return false }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                let last = hay.count - pin.count
                var start = 0
                while start <= last {
                    if hay[start] == first {
                        var offset = 1
                        while offset < pin.count, hay[start + offset] == pin[offset] { offset += 1 }
                        if offset == pin.count { return true }
                    }
                    start += 1
                }
                return false
            }
        }
    }
}

/// A cell's sort value with its lower-cased text worked out once: sorting compares these
/// exactly as ``SortValue``'s `<` compares the values.
private enum SortKey: Equatable {
    case missing
    case number(Double)
    case text(lowered: String, original: String)

    init(_ value: SortValue) {
        switch value {
        case .missing: self = .missing
        case .number(let number): self = .number(number)
        case .text(let text): self = .text(lowered: text.lowercased(), original: text)
        }
    }

    static func < (lhs: SortKey, rhs: SortKey) -> Bool {
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)): a < b
        case (.text(let aLower, let a), .text(let bLower, let b)): aLower < bLower || (aLower == bLower && a < b)
        case (.number, .text): true
        case (.text, .number): false
        case (.missing, _), (_, .missing): false
        }
    }

    static func == (lhs: SortKey, rhs: SortKey) -> Bool {
        switch (lhs, rhs) {
        case (.missing, .missing): true
        case (.number(let a), .number(let b)): a == b
        case (.text(_, let a), .text(_, let b)): a == b
        default: false
        }
    }
}

/// Where the console keeps its prepared tables between `update` and `view`.
///
/// The memo is part of ``ConsoleState`` but never part of its value: two states compare equal
/// whatever their memos hold. Its revision changes whenever the data tables are built from
/// changes, and every revision is unique across all states, so a copy of a state never sees
/// another copy's tables.
public struct TableMemo: Hashable, Sendable {
    private static let revisions = Atomic<UInt64>(0)

    /// The version of the data the tables are built from.
    private(set) var revision: UInt64
    private let store = Store()

    /// Creates an empty memo.
    public init() {
        revision = Self.revisions.wrappingAdd(1, ordering: .relaxed).newValue
    }

    /// Forgets every table: called when the snapshot, the clock or the console's events change.
    mutating func invalidate() {
        revision = Self.revisions.wrappingAdd(1, ordering: .relaxed).newValue
    }

    func table(_ table: TableID, build: () -> TableModel) -> PreparedTable {
        if let known = store.tables.withLock({ $0[table] }), known.revision == revision { return known.table }
        let prepared = PreparedTable(build())
        store.tables.withLock { $0[table] = (revision, prepared) }
        return prepared
    }

    public static func == (lhs: TableMemo, rhs: TableMemo) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}

    private final class Store: Sendable {
        let tables = Mutex<[TableID: (revision: UInt64, table: PreparedTable)]>([:])
    }
}
