import ConsoleCore
import Testing

/// The prepared tables (built once per data version, sorted once per column) must show exactly
/// the rows a plain filter-then-sort of the table model shows, and never a stale table.
@Suite struct PreparedTableTests {
    /// The straightforward answer: every row through `RowFilter.matches`, then a stable sort
    /// with missing values last.
    func reference(_ table: TableID, in state: ConsoleState) -> [String] {
        let model = TableCatalog.model(table, state: state)
        let tableState = state.tableState(table)
        let filter = RowFilter(parsing: tableState.filter)
        let column = min(max(0, tableState.sortColumn), max(0, model.columns.count - 1))
        let kept = model.rows.enumerated().filter { filter.matches($0.element) }
        return kept.sorted { left, right in
            let a = left.element.cells.indices.contains(column) ? left.element.cells[column].sort : .missing
            let b = right.element.cells.indices.contains(column) ? right.element.cells[column].sort : .missing
            if a == b { return left.offset < right.offset }
            if a == .missing { return false }
            if b == .missing { return true }
            return tableState.ascending ? a < b : b < a
        }.map(\.element.id)
    }

    /// Rows with mixed case, shared prefixes, empty cells, non-Latin text and ties, so that
    /// every sort and filter path is exercised.
    func mixedState() -> ConsoleState {
        let names: [String] = [
            "Mistral", "mistral", "bert-ja 日本語", "MNIST", "", "gpt-oss", "Granite", "granite", "ÉCOLE", "école",
        ]
        let now = Timestamp(secondsSince1970: 1_786_000_000)
        var models: [ModelRow] = []
        for index in 0..<60 {
            let fetch: FetchRecord? =
                index % 4 == 0 ? nil : FetchRecord(at: now.adding(seconds: -Double(index % 9)), status: 200)
            models.append(
                ModelRow(
                    key: "key-\(index)", registry: index % 3 == 0 ? "public" : "Private",
                    model: names[index % names.count], version: "v\(index % 4)", state: index % 5 == 0 ? "" : "LIVE",
                    owner: index % 7 == 0 ? "" : "owner-\(index % 6)", format: index % 2 == 0 ? "onnx" : "vLLM",
                    endpoints: Array(repeating: "https://x", count: index % 3),
                    labels: ["team": index % 2 == 0 ? "nlp" : "vision"], backstageFetch: fetch))
        }
        var state = ConsoleState()
        _ = update(&state, .snapshot(EngineSnapshot(takenAt: now, models: models)))
        return state
    }

    @Test func everyFilterAndSortShowsTheSameRowsAsAPlainFilterAndSort() {
        let filters = [
            "", "mist", "MIST", "!mist", "日本", "école", "-f grnt", "!-f grnt", "/^m.*l$/", "/([/",
            "-l team=nlp", "!-l team=nlp", "-l team!=nlp", "-l team", "on", "200", "zzz", "-", "!",
        ]
        var state = mixedState()
        for filter in filters {
            for column in 0..<10 {
                for ascending in [true, false] {
                    var tableState = state.tableState(.models)
                    tableState.filter = filter
                    tableState.sortColumn = column
                    tableState.ascending = ascending
                    state.tables[.models] = tableState
                    let shown = TableView(.models, in: state).rows.map(\.id)
                    #expect(
                        shown == reference(.models, in: state),
                        "filter \(filter.debugDescription), column \(column), ascending \(ascending)")
                }
            }
        }
    }

    @Test func aNewSnapshotIsShownAtOnceEvenWithTheSameFilterAndSort() {
        var state = mixedState()
        type("/mist", &state)
        let before = TableView(.models, in: state).rows.count
        let added = ModelRow(key: "new", registry: "public", model: "mistral-new", version: "v9")
        var snapshot = state.snapshot
        snapshot.models.append(added)
        _ = update(&state, .snapshot(snapshot))
        let after = TableView(.models, in: state).rows
        #expect(after.count == before + 1)
        #expect(after.contains { $0.id == "new" })
    }

    @Test func aTickRefreshesAgesInTheTable() {
        var state = mixedState()
        let age = { (state: ConsoleState) in
            TableView(.models, in: state).rows.first { $0.id == "key-1" }?.cells[8].text
        }
        let first = age(state)
        _ = update(&state, .tick(state.now.adding(seconds: 120)))
        #expect(age(state) != first)
        #expect(age(state) == TableCatalog.model(.models, state: state).rows.first { $0.id == "key-1" }?.cells[8].text)
    }

    @Test func copiesOfAStateWithDifferentSnapshotsNeverShareTables() {
        let original = mixedState()
        var copy = original
        var snapshot = copy.snapshot
        snapshot.models = Array(snapshot.models.prefix(3))
        copy.snapshot = snapshot
        #expect(TableView(.models, in: copy).rows.count == 3)
        #expect(TableView(.models, in: original).rows.count == 60)
        #expect(TableView(.models, in: copy).rows.count == 3)
    }

    @Test func statesWithTheSameContentAreEqualWhateverTheirMemos() {
        let a = mixedState()
        let b = mixedState()
        _ = TableView(.models, in: a)
        #expect(a == b)
    }

    @Test func tabCountsAreTheRowCountsOfEveryTable() {
        let state = sampleState()
        for kind in ViewKind.allCases {
            #expect(
                TableCatalog.rowCount(kind.rootTable, state: state)
                    == TableCatalog.model(kind.rootTable, state: state).rows.count, "\(kind)")
        }
        for shard in state.snapshot.cache.shards {
            let table = TableID.cacheEntries(shard: shard.name)
            #expect(TableCatalog.rowCount(table, state: state) == TableCatalog.model(table, state: state).rows.count)
        }
    }
}
