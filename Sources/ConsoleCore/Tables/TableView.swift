/// A table after filtering and sorting, with the selection resolved: what both `update` and
/// `view` work from.
public struct TableView: Hashable, Sendable {
    public var table: TableID
    public var model: TableModel
    /// Filtered and sorted rows.
    public var rows: [TableRow]
    /// Index of the selected row in `rows`, `nil` when there are none.
    public var selected: Int?
    public var state: TableState
    public var filter: RowFilter

    /// Filters, sorts and resolves the selection of `table` in `consoleState`.
    public init(_ table: TableID, in consoleState: ConsoleState) {
        self.table = table
        model = TableCatalog.model(table, state: consoleState)
        state = consoleState.tableState(table)
        filter = RowFilter(parsing: state.filter)
        let filter = self.filter
        let column = min(max(0, state.sortColumn), max(0, model.columns.count - 1))
        let ascending = state.ascending
        let indexed = model.rows.enumerated().filter { filter.matches($0.element) }
        rows = indexed.sorted { left, right in
            let a = left.element.cells.indices.contains(column) ? left.element.cells[column].sort : .missing
            let b = right.element.cells.indices.contains(column) ? right.element.cells[column].sort : .missing
            if a == b { return left.offset < right.offset }
            if a == .missing { return false }
            if b == .missing { return true }
            return ascending ? a < b : b < a
        }.map(\.element)
        if rows.isEmpty {
            selected = nil
        } else if let id = state.selectedID, let index = rows.firstIndex(where: { $0.id == id }) {
            selected = index
        } else {
            selected = min(max(0, state.selectedIndex), rows.count - 1)
        }
    }

    /// The selected row.
    public var selectedRow: TableRow? { selected.map { rows[$0] } }

    /// The row with `id`, filtered out or not.
    public func row(id: String) -> TableRow? {
        rows.first { $0.id == id } ?? model.rows.first { $0.id == id }
    }
}
