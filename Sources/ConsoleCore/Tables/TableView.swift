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

    /// The natural width of each column over the filtered rows (header included), for
    /// ``ColumnLayout``.
    public var naturalWidths: [Int]

    /// Filters, sorts and resolves the selection of `table` in `consoleState`. The table itself,
    /// its sort orders and the last filter's rows are reused while the data is unchanged.
    public init(_ table: TableID, in consoleState: ConsoleState) {
        self.table = table
        let prepared = PreparedTable.of(table, in: consoleState)
        model = prepared.model
        state = consoleState.tableState(table)
        filter = RowFilter(parsing: state.filter)
        let column = min(max(0, state.sortColumn), max(0, model.columns.count - 1))
        let filtered = prepared.filtered(
            filter, text: state.filter, order: PreparedTable.SortOrder(column: column, ascending: state.ascending))
        rows = filtered.rows
        naturalWidths = filtered.naturalWidths
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
