/// Applies one message to the state and returns the effects to perform. Pure and total: no I/O,
/// no clock; unknown keys do nothing.
///
/// ```swift
/// var state = ConsoleState()
/// let effects = update(&state, .key(.char("q")))   // [.quit]
/// ```
public func update(_ state: inout ConsoleState, _ msg: Msg) -> [Effect] {
    ConsoleUpdate.apply(msg, to: &state)
}

/// The pieces of `update`, grouped by what they handle.
enum ConsoleUpdate {
    /// How long a flash message stays, in seconds.
    static let flashSeconds = 6.0

    static func apply(_ msg: Msg, to state: inout ConsoleState) -> [Effect] {
        switch msg {
        case .key(let key):
            return handle(key, &state)
        case .resize(let size):
            state.size = size
            keepSelectionVisible(&state)
            return []
        case .snapshot(let snapshot):
            state.snapshot = snapshot
            if state.now < snapshot.takenAt { state.now = snapshot.takenAt }
            return []
        case .actionFinished(let result):
            let text =
                result.succeeded ? "\(result.action): \(result.message)" : "\(result.action) failed: \(result.message)"
            flash(&state, text, isError: !result.succeeded)
            record(&state, level: result.succeeded ? .info : .error, text)
            return []
        case .tick(let now):
            state.now = now
            if var current = state.flash {
                if let expires = current.expires {
                    if expires <= now { state.flash = nil }
                } else {
                    current.expires = now.adding(seconds: flashSeconds)
                    state.flash = current
                }
            }
            return []
        }
    }

    static func flash(_ state: inout ConsoleState, _ text: String, isError: Bool = false) {
        state.flash = Flash(text: text, isError: isError, expires: nil)
    }

    static func record(_ state: inout ConsoleState, level: EngineEvent.Level, _ message: String) {
        state.consoleEvents.append(EngineEvent(at: state.now, level: level, source: "console", message: message))
        if state.consoleEvents.count > ConsoleState.consoleEventLimit {
            state.consoleEvents.removeFirst(state.consoleEvents.count - ConsoleState.consoleEventLimit)
        }
    }

    // MARK: Keys

    static func handle(_ key: Key, _ state: inout ConsoleState) -> [Effect] {
        switch state.modal {
        case .confirm(let dialog): return confirm(key, dialog, &state)
        case .help(let scroll):
            help(key, scroll: scroll, &state)
            return []
        case nil: break
        }
        switch state.mode {
        case .command(let editor, let historyIndex): return command(key, editor, historyIndex, &state)
        case .filter(let editor):
            filter(key, editor, &state)
            return []
        case .normal: break
        }
        if key == .ctrl("c") { return [.quit] }
        let contexts: [KeyContext] = state.current.isText ? [.text, .global] : [.table, .global]
        if let action = state.keyMap.action(for: key, in: contexts) {
            return perform(action, &state)
        }
        if !state.current.isText, case .char(let letter) = key, letter.isUppercase {
            sortByLetter(letter, &state)
        }
        return []
    }

    static func confirm(_ key: Key, _ dialog: ConfirmDialog, _ state: inout ConsoleState) -> [Effect] {
        var dialog = dialog
        switch key {
        case .char("y"), .char("Y"):
            dialog.confirmFocused = true
            return confirm(.enter, dialog, &state)
        case .enter:
            state.modal = nil
            guard dialog.confirmFocused else {
                flash(&state, "cancelled: \(dialog.action)")
                return []
            }
            flash(&state, "started: \(dialog.action)")
            record(&state, level: .info, "started: \(dialog.action)")
            return [.perform(dialog.action)]
        case .char("n"), .char("N"), .escape, .char("q"):
            state.modal = nil
            flash(&state, "cancelled: \(dialog.action)")
        case .tab, .backTab, .left, .right, .char("h"), .char("l"):
            dialog.confirmFocused.toggle()
            state.modal = .confirm(dialog)
        case .ctrl("c"):
            return [.quit]
        default: break
        }
        return []
    }

    static func help(_ key: Key, scroll: Int, _ state: inout ConsoleState) {
        let lines = HelpText.lines(for: state).count
        let page = max(1, ConsoleLayout(size: state.size).main.height - 2)
        let last = max(0, lines - page)
        switch key {
        case .escape, .char("?"), .char("q"), .function(1), .enter: state.modal = nil
        case .char("j"), .down: state.modal = .help(scroll: min(last, scroll + 1))
        case .char("k"), .up: state.modal = .help(scroll: max(0, scroll - 1))
        case .pageDown, .char(" "): state.modal = .help(scroll: min(last, scroll + page))
        case .pageUp: state.modal = .help(scroll: max(0, scroll - page))
        case .char("g"), .home: state.modal = .help(scroll: 0)
        case .char("G"), .end: state.modal = .help(scroll: last)
        default: break
        }
    }

    static func edit(_ key: Key, _ editor: inout LineEditor) -> Bool {
        switch key {
        case .char(let character):
            editor.text.append(character)
        case .backspace, .delete:
            if !editor.text.isEmpty { editor.text.removeLast() }
        case .ctrl("u"):
            editor.text = ""
        case .ctrl("w"):
            while editor.text.last == " " { editor.text.removeLast() }
            while let last = editor.text.last, last != " " { editor.text.removeLast() }
        default:
            return false
        }
        return true
    }

    static func command(_ key: Key, _ editor: LineEditor, _ historyIndex: Int?, _ state: inout ConsoleState)
        -> [Effect]
    {
        var editor = editor
        switch key {
        case .escape:
            state.mode = .normal
        case .enter:
            state.mode = .normal
            return run(command: editor.text.trimmingSpaces(), &state)
        case .tab:
            if let completion = CommandCatalog.complete(editor.text) { editor.text = completion }
            state.mode = .command(editor, historyIndex: historyIndex)
        case .up:
            guard !state.commandHistory.isEmpty else { return [] }
            let index = max(0, (historyIndex ?? state.commandHistory.count) - 1)
            state.mode = .command(LineEditor(state.commandHistory[index]), historyIndex: index)
        case .down:
            guard let index = historyIndex else { return [] }
            if index + 1 < state.commandHistory.count {
                state.mode = .command(LineEditor(state.commandHistory[index + 1]), historyIndex: index + 1)
            } else {
                state.mode = .command(LineEditor(), historyIndex: nil)
            }
        case .ctrl("c"):
            return [.quit]
        default:
            if edit(key, &editor) {
                if editor.text.isEmpty, key == .backspace, historyIndex == nil {
                    state.mode = .normal
                } else {
                    state.mode = .command(editor, historyIndex: historyIndex)
                }
            }
        }
        return []
    }

    static func run(command line: String, _ state: inout ConsoleState) -> [Effect] {
        guard !line.isEmpty else { return [] }
        if state.commandHistory.last != line { state.commandHistory.append(line) }
        let words = line.split(separator: " ").map(String.init)
        guard let command = CommandCatalog.command(named: words[0]) else {
            flash(
                &state, "unknown command :\(words[0]); try :models :endpoints :docs :cache :backstage :events :sync :q",
                isError: true)
            return []
        }
        let name = command.names[0]
        if let view = CommandCatalog.views[name] {
            show(view, &state)
            return []
        }
        switch name {
        case "q": return [.quit]
        case "help":
            state.modal = .help(scroll: 0)
            return []
        case "sync":
            if words.count > 1 {
                let key = words[1]
                let model = state.snapshot.models.first { $0.key == key }
                return askToWrite(.resyncModel(key: key), details: model.map(modelDetails) ?? ["key \(key)"], &state)
            }
            return perform(.resyncAll, &state)
        default: return []
        }
    }

    static func filter(_ key: Key, _ editor: LineEditor, _ state: inout ConsoleState) {
        var editor = editor
        let table = state.currentTable
        var tableState = state.tableState(table)
        switch key {
        case .escape:
            tableState.filter = ""
            state.mode = .normal
        case .enter:
            state.mode = .normal
            if let problem = RowFilter(parsing: editor.text).problem {
                flash(&state, "/\(editor.text): \(problem)", isError: true)
            }
        case .ctrl("c"):
            state.mode = .normal
        default:
            guard edit(key, &editor) else { return }
            tableState.filter = editor.text
            state.mode = .filter(editor)
        }
        tableState.top = 0
        state.tables[table] = tableState
        selectIndex(TableView(table, in: state).selected ?? 0, &state)
    }

    // MARK: Actions

    static func perform(_ action: Action, _ state: inout ConsoleState) -> [Effect] {
        let tableView = TableView(state.currentTable, in: state)
        let isText = state.current.isText
        switch action {
        case .quit: return [.quit]
        case .help: state.modal = .help(scroll: 0)
        case .commandMode: state.mode = .command(LineEditor(), historyIndex: nil)
        case .filterMode:
            if case .table = state.current.page {
            } else {
                state.stack.removeLast()
            }
            state.mode = .filter(LineEditor(state.tableState(state.currentTable).filter))
        case .back:
            if state.stack.count > 1 {
                state.stack.removeLast()
            } else if !tableView.state.filter.isEmpty {
                var tableState = tableView.state
                tableState.filter = ""
                state.tables[state.currentTable] = tableState
                flash(&state, "filter cleared")
            }
        case .open:
            guard let row = tableView.selectedRow else { return [] }
            if let drill = row.drill {
                if case .detail = state.current.page { state.stack.removeLast() }
                state.stack.append(Route(.table(drill)))
            } else if case .detail = state.current.page {
                state.stack.append(Route(.describe(state.currentTable, row: row.id)))
            } else {
                state.stack.append(Route(.detail(state.currentTable, row: row.id)))
            }
        case .describe, .raw:
            let rowID = state.current.row ?? tableView.selectedRow?.id
            guard let rowID else { return [] }
            if case .raw = state.current.page, action == .raw {
                state.current.format = state.current.format == .yaml ? .json : .yaml
                state.current.scroll = 0
                return []
            }
            if state.current.isText { state.stack.removeLast() }
            let page: Route.Page =
                action == .raw ? .raw(state.currentTable, row: rowID) : .describe(state.currentTable, row: rowID)
            state.stack.append(Route(page))
        case .toggleWrap:
            state.current.wrap.toggle()
            state.current.scroll = 0
        case .up, .down, .pageUp, .pageDown, .top, .bottom:
            isText ? scrollText(action, &state) : moveSelection(action, tableView, &state)
        case .previousView, .nextView:
            let all = ViewKind.allCases
            let index = all.firstIndex(of: state.currentTable.view) ?? 0
            let step = action == .nextView ? 1 : all.count - 1
            show(all[(index + step) % all.count], &state)
        case .showView(let view):
            show(view, &state)
        case .sortPreviousColumn, .sortNextColumn:
            var tableState = tableView.state
            let count = max(1, tableView.model.columns.count)
            tableState.sortColumn = (tableState.sortColumn + (action == .sortNextColumn ? 1 : count - 1)) % count
            tableState.ascending = true
            state.tables[state.currentTable] = tableState
            flash(&state, "sorted by \(tableView.model.columns[tableState.sortColumn].title)")
        case .copy:
            if isText {
                let lines = TextPage.lines(for: state.current, state: state)
                flash(&state, "copied \(lines.count) lines to the clipboard")
                return [.copy(lines.joined(separator: "\n"))]
            }
            guard let row = tableView.selectedRow else { return [] }
            let text = row.modelKey ?? row.name
            flash(&state, "copied \(text)")
            return [.copy(text)]
        case .redraw: return [.redraw]
        case .resyncAll:
            return askToWrite(
                .resyncAll,
                details: [
                    "all \(state.snapshot.models.count) models from every registry and KServe",
                    "changed documents are rewritten to storage and location",
                ], &state)
        case .resyncSelected:
            guard let key = tableView.selectedRow?.modelKey else {
                flash(&state, "this row belongs to no model; nothing to resync", isError: true)
                return []
            }
            let model = state.snapshot.models.first { $0.key == key }
            return askToWrite(.resyncModel(key: key), details: model.map(modelDetails) ?? ["key \(key)"], &state)
        case .repushSelected:
            guard let key = tableView.selectedRow?.cacheKey else {
                flash(&state, "select a cache key first (:cache, Enter on a ConfigMap)", isError: true)
                return []
            }
            let shard = state.snapshot.cache.shards.first { $0.entries.contains { $0.key == key } }
            return askToWrite(
                .repushCacheEntry(key: key),
                details: ["key \(key)", "from ConfigMap \(shard?.name ?? "?") to location"],
                &state)
        }
        return []
    }

    static func modelDetails(_ model: ModelRow) -> [String] {
        ["registry \(model.registry)", "model \(model.model), version \(model.version)", "key \(model.key)"]
    }

    static func askToWrite(_ action: WriteAction, details: [String], _ state: inout ConsoleState) -> [Effect] {
        if state.isReadOnly {
            let why =
                state.snapshot.header.mode == .attached
                ? "attached read-only: start the console with --allow-writes to write"
                : state.options.readOnly ? "the console runs with --read-only" : "the engine is read-only"
            flash(&state, "refused: \(action) (\(why))", isError: true)
            record(&state, level: .warning, "refused: \(action) (\(why))")
            return []
        }
        let question: String =
            switch action {
            case .resyncAll: "Resync everything?"
            case .resyncModel: "Resync this model?"
            case .repushCacheEntry: "Re-push this cache entry to location?"
            }
        state.modal = .confirm(ConfirmDialog(action: action, question: question, details: details))
        return []
    }

    static func show(_ view: ViewKind, _ state: inout ConsoleState) {
        state.stack = [Route(.table(view.rootTable))]
        state.mode = .normal
    }

    static func sortByLetter(_ letter: Character, _ state: inout ConsoleState) {
        let tableView = TableView(state.currentTable, in: state)
        guard let column = tableView.model.columns.firstIndex(where: { $0.sortLetter == letter }) else { return }
        var tableState = tableView.state
        if tableState.sortColumn == column {
            tableState.ascending.toggle()
        } else {
            tableState.sortColumn = column
            tableState.ascending = true
        }
        state.tables[state.currentTable] = tableState
        let direction = tableState.ascending ? "ascending" : "descending"
        flash(&state, "sorted by \(tableView.model.columns[column].title), \(direction)")
    }

    static func moveSelection(_ action: Action, _ tableView: TableView, _ state: inout ConsoleState) {
        guard !tableView.rows.isEmpty else { return }
        let page = max(1, ConsoleLayout(size: state.size).tableBodyRows(state: state))
        let current = tableView.selected ?? 0
        let target: Int =
            switch action {
            case .up: current - 1
            case .down: current + 1
            case .pageUp: current - page
            case .pageDown: current + page
            case .top: 0
            default: tableView.rows.count - 1
            }
        selectIndex(target, &state)
    }

    static func selectIndex(_ index: Int, _ state: inout ConsoleState) {
        let tableView = TableView(state.currentTable, in: state)
        var tableState = tableView.state
        guard !tableView.rows.isEmpty else {
            tableState.selectedID = nil
            tableState.selectedIndex = 0
            state.tables[state.currentTable] = tableState
            return
        }
        let clamped = min(max(0, index), tableView.rows.count - 1)
        tableState.selectedIndex = clamped
        tableState.selectedID = tableView.rows[clamped].id
        state.tables[state.currentTable] = tableState
        if case .detail(let table, _) = state.current.page {
            state.current = Route(.detail(table, row: tableView.rows[clamped].id))
        }
        keepSelectionVisible(&state)
    }

    static func keepSelectionVisible(_ state: inout ConsoleState) {
        let table = state.currentTable
        let tableView = TableView(table, in: state)
        var tableState = tableView.state
        let rows = max(1, ConsoleLayout(size: state.size).tableBodyRows(state: state))
        let selected = tableView.selected ?? 0
        if selected < tableState.top { tableState.top = selected }
        if selected >= tableState.top + rows { tableState.top = selected - rows + 1 }
        tableState.top = max(0, min(tableState.top, max(0, tableView.rows.count - rows)))
        state.tables[table] = tableState
    }

    static func scrollText(_ action: Action, _ state: inout ConsoleState) {
        let layout = ConsoleLayout(size: state.size)
        let page = max(1, layout.main.height - 2)
        let count = TextPage.visualLines(for: state.current, state: state, width: max(1, layout.main.width - 2)).count
        let last = max(0, count - page)
        let scroll = state.current.scroll
        let target: Int =
            switch action {
            case .up: scroll - 1
            case .down: scroll + 1
            case .pageUp: scroll - page
            case .pageDown: scroll + page
            case .top: 0
            default: last
            }
        state.current.scroll = min(max(0, target), last)
    }
}
