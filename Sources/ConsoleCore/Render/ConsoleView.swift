/// Draws the state into a frame of `size`. Pure: the same state and size give the same grid.
///
/// ```swift
/// let frame = view(state, Size(width: 100, height: 30))
/// print(frame.text)
/// ```
public func view(_ state: ConsoleState, _ size: Size) -> Grid {
    var renderer = ConsoleRenderer(state: state, size: size)
    renderer.draw()
    return renderer.grid
}

/// The widgets `view` is made of, each drawing into part of the grid.
struct ConsoleRenderer {
    let state: ConsoleState
    let layout: ConsoleLayout
    var grid: Grid
    var ascii: Bool { state.options.ascii }
    var ellipsis: Character { ascii ? "~" : "…" }

    init(state: ConsoleState, size: Size) {
        self.state = state
        layout = ConsoleLayout(size: size)
        grid = Grid(size: size)
    }

    mutating func draw() {
        if layout.tooSmall {
            drawTooSmall()
            return
        }
        drawHeader()
        if let row = layout.figuresRow { drawFigures(row: row) }
        drawTabs()
        switch state.current.page {
        case .table(let table):
            drawTable(table, in: layout.main)
        case .detail(let table, let row):
            let parts = layout.split(detail: true)
            drawTable(table, in: parts.table)
            if let detailRect = parts.detail { drawDetail(table, row: row, in: detailRect) }
        case .describe, .raw:
            drawTextPage(in: layout.main)
        }
        drawCrumbs()
        drawFlashOrPrompt()
        drawHints()
        switch state.modal {
        case .help(let scroll): drawHelp(scroll: scroll)
        case .confirm(let dialog): drawConfirm(dialog)
        case nil: break
        }
    }

    mutating func drawTooSmall() {
        let size = layout.size
        let lines = [
            "terminal too small: \(size)", "need at least \(ConsoleLayout.minimum)", "q quits",
        ]
        for (row, line) in lines.enumerated() where row < size.height {
            grid.write(DisplayWidth.truncate(line, to: size.width, ellipsis: ellipsis), x: 0, y: row, role: .warning)
        }
    }

    // MARK: Header

    mutating func drawHeader() {
        let header = state.snapshot.header
        let width = layout.size.width
        var x = grid.write("modelbridge console", x: 0, y: 0, role: .title)
        func segment(_ text: String, _ role: StyleRole) {
            guard !text.isEmpty, x < width else { return }
            x += grid.write("  ", x: x, y: 0, role: .normal)
            x += grid.write(text, x: x, y: 0, role: role)
        }
        segment(header.context.isEmpty ? "" : "context \(header.context)", .normal)
        segment(state.snapshot.takenAt.secondsSince1970 == 0 ? "" : header.mode.rawValue, .dim)
        if state.isReadOnly { segment("READ-ONLY", .badge) }
        if let notice = header.notPublishing {
            segment(notice.isFault ? "NOT PUBLISHING" : "STANDBY", notice.isFault ? .error : .warning)
        }
        let age: String
        let ageRole: StyleRole
        if state.snapshot.takenAt.secondsSince1970 == 0 {
            age = "waiting for the engine"
            ageRole = .warning
        } else {
            let asOf = header.dataAsOf ?? state.snapshot.takenAt
            let seconds = state.now.secondsSince1970 - asOf.secondsSince1970
            age = "data \(asOf.age(at: state.now)) old"
            ageRole = seconds > 120 ? .warning : .dim
        }
        let ageX = width - DisplayWidth.of(age)
        if ageX > x + 1 { grid.write(age, x: ageX, y: 0, role: ageRole) }

        // Publishing nothing for a fault outranks the component line: it is why the catalog is empty.
        if let notice = header.notPublishing, notice.isFault {
            grid.write(DisplayWidth.truncate(notice.reason, to: width, ellipsis: ellipsis), x: 0, y: 1, role: .error)
            return
        }
        var column = 0
        for (index, component) in header.components.enumerated() {
            let text = component.name + " " + component.health.rawValue
            let needed = DisplayWidth.of(text) + (index == 0 ? 0 : 2)
            if column + needed > width {
                grid.write(String(ellipsis), x: min(column, width - 1), y: 1, role: .dim)
                break
            }
            if index > 0 { column += grid.write("  ", x: column, y: 1, role: .normal) }
            column += grid.write(component.name + " ", x: column, y: 1, role: .normal)
            let role: StyleRole =
                switch component.health {
                case .connected: .ok
                case .degraded: .warning
                case .disconnected: .error
                case .unknown: .dim
                }
            column += grid.write(component.health.rawValue, x: column, y: 1, role: role)
        }
        if header.components.isEmpty { grid.write("no components reported", x: 0, y: 1, role: .dim) }
    }

    /// Documents published and registry read time over the last hour, as sparklines with their latest values.
    mutating func drawFigures(row: Int) {
        let header = state.snapshot.header
        let line = FigureLine.fit(
            [("published", header.published), ("registry read", header.registryRead)], width: layout.size.width,
            ascii: ascii)
        var x = 0
        for (index, part) in line.parts.enumerated() {
            if index > 0 { x += grid.write(FigureLine.gap, x: x, y: row, role: .normal) }
            x += grid.write(part.label + " ", x: x, y: row, role: .dim)
            if !part.sparkline.isEmpty { x += grid.write(part.sparkline + " ", x: x, y: row, role: .boxTitle) }
            x += grid.write(part.value, x: x, y: row, role: .normal)
        }
        if !line.note.isEmpty { grid.write(FigureLine.gap + line.note, x: x, y: row, role: .dim) }
    }

    mutating func drawTabs() {
        var x = 0
        let current = state.currentTable.view
        let row = layout.tabsRow
        for (index, kind) in ViewKind.allCases.enumerated() {
            let count = TableCatalog.rowCount(kind.rootTable, state: state)
            let label = " \(index + 1) \(kind.title) \(count) "
            if x + DisplayWidth.of(label) > layout.size.width { break }
            x += grid.write(label, x: x, y: row, role: kind == current ? .activeTab : .tab)
            x += grid.write(" ", x: x, y: row, role: .normal)
        }
    }

    // MARK: Table

    mutating func drawTable(_ table: TableID, in rect: Rect) {
        let tableView = TableView(table, in: state)
        let total = tableView.model.rows.count
        var title = tableView.model.title
        title += tableView.state.filter.isEmpty ? " [\(total)]" : " [\(tableView.rows.count) of \(total)]"
        if !tableView.state.filter.isEmpty { title += " /\(tableView.state.filter)" }
        grid.box(rect, title: title, ascii: ascii)
        let inner = rect.inner
        guard !inner.isEmpty else { return }
        var y = inner.y
        if table.hasSummary {
            grid.write(
                DisplayWidth.truncate(tableView.model.summary, to: inner.width, ellipsis: ellipsis), x: inner.x, y: y,
                role: .dim)
            y += 1
        }
        guard y < inner.maxY else { return }
        let columns = tableView.model.columns
        let widths = ColumnLayout.widths(columns, natural: tableView.naturalWidths, available: inner.width)
        var x = inner.x
        let arrow = tableView.state.ascending ? (ascii ? "^" : "↑") : (ascii ? "v" : "↓")
        for (index, column) in columns.enumerated() {
            guard let width = widths[index] else { continue }
            let sorted = index == tableView.state.sortColumn
            let title = sorted ? column.title + arrow : column.title
            grid.write(
                DisplayWidth.pad(title, to: width, alignRight: column.alignRight, ellipsis: ellipsis), x: x, y: y,
                role: sorted ? .sortedColumnHeader : .columnHeader)
            x += width + ColumnLayout.gap
        }
        y += 1
        let bodyRows = inner.maxY - y
        guard bodyRows > 0 else { return }
        if tableView.rows.isEmpty {
            let message: String
            if state.snapshot.takenAt.secondsSince1970 == 0 {
                message = "waiting for the engine's first snapshot…"
            } else if total > 0 {
                message = "no rows match /\(tableView.state.filter) (Esc clears the filter)"
            } else {
                message = "nothing here yet"
            }
            grid.write(
                DisplayWidth.truncate(message, to: inner.width, ellipsis: ellipsis), x: inner.x, y: y, role: .dim)
            return
        }
        let selected = tableView.selected ?? 0
        var top = min(tableView.state.top, max(0, tableView.rows.count - bodyRows))
        if selected < top { top = selected }
        if selected >= top + bodyRows { top = selected - bodyRows + 1 }
        for offset in 0..<bodyRows {
            let index = top + offset
            guard index < tableView.rows.count else { break }
            let row = tableView.rows[index]
            let isSelected = index == selected
            if isSelected { grid.fill(Rect(x: inner.x, y: y + offset, width: inner.width, height: 1), role: .selected) }
            x = inner.x
            for (column, cell) in row.cells.enumerated() {
                guard column < widths.count, let width = widths[column] else { continue }
                let text =
                    if let fraction = cell.bar {
                        FillBar.beside(cell.text, fraction: fraction, width: width, ascii: ascii)
                    } else {
                        DisplayWidth.pad(
                            cell.text, to: width, alignRight: columns[column].alignRight, ellipsis: ellipsis)
                    }
                grid.write(
                    text, x: x, y: y + offset, maxWidth: inner.maxX - x, role: isSelected ? .selected : cell.role)
                x += width + ColumnLayout.gap
            }
        }
        if tableView.rows.count > bodyRows {
            let position = " \(selected + 1)/\(tableView.rows.count) "
            grid.write(
                position, x: rect.x + rect.width - DisplayWidth.of(position) - 2, y: rect.maxY - 1, role: .boxTitle)
        }
    }

    // MARK: Detail and text pages

    mutating func drawDetail(_ table: TableID, row: String, in rect: Rect) {
        let name = TableView(table, in: state).row(id: row)?.name ?? row
        grid.box(rect, title: "Detail \(name)", ascii: ascii)
        let inner = rect.inner
        let fields = RowDetails.fields(table, row: row, state: state)
        guard !fields.isEmpty else {
            grid.write(
                "This row is no longer in the engine's snapshot.", x: inner.x, y: inner.y, maxWidth: inner.width,
                role: .warning)
            return
        }
        let labelWidth = min(18, fields.map { DisplayWidth.of($0.0) }.max() ?? 0) + 1
        for (index, field) in fields.enumerated() where index < inner.height {
            let y = inner.y + index
            if index == inner.height - 1, fields.count > inner.height {
                grid.write(
                    "… \(fields.count - index) more: d describes all", x: inner.x, y: y, maxWidth: inner.width,
                    role: .dim)
                break
            }
            grid.write(
                DisplayWidth.pad(field.0 + ":", to: labelWidth, ellipsis: ellipsis), x: inner.x, y: y, role: .dim)
            let valueX = inner.x + labelWidth + 1
            grid.write(
                DisplayWidth.truncate(field.1, to: max(0, inner.maxX - valueX), ellipsis: ellipsis), x: valueX, y: y,
                role: .normal)
        }
    }

    mutating func drawTextPage(in rect: Rect) {
        let route = state.current
        guard let rowID = route.row else { return }
        let name = TableView(route.table, in: state).row(id: rowID)?.name ?? rowID
        let inner = rect.inner
        let lines = TextPage.visualLines(for: route, state: state, width: max(1, inner.width))
        let scroll = min(route.scroll, max(0, lines.count - inner.height))
        var title: String
        if case .raw = route.page {
            title = "Raw \(name) (\(route.format.rawValue))"
        } else {
            title = "Describe \(name)"
        }
        if route.wrap { title += " wrap" }
        grid.box(rect, title: title, ascii: ascii)
        guard !inner.isEmpty else { return }
        for offset in 0..<inner.height {
            let index = scroll + offset
            guard index < lines.count else { break }
            grid.write(
                DisplayWidth.truncate(lines[index], to: inner.width, ellipsis: ellipsis), x: inner.x,
                y: inner.y + offset,
                role: .normal)
        }
        if lines.count > inner.height {
            let last = min(lines.count, scroll + inner.height)
            let position = " \(scroll + 1)-\(last)/\(lines.count) "
            grid.write(
                position, x: rect.x + rect.width - DisplayWidth.of(position) - 2, y: rect.maxY - 1, role: .boxTitle)
        }
    }

    // MARK: Bottom lines

    mutating func drawCrumbs() {
        var x = 0
        let separator = ascii ? " > " : " › "
        for (index, route) in state.stack.enumerated() {
            let text = crumb(route, previous: index > 0 ? state.stack[index - 1] : nil)
            if index > 0 { x += grid.write(separator, x: x, y: layout.crumbsRow, role: .dim) }
            let last = index == state.stack.count - 1
            x += grid.write(
                DisplayWidth.truncate(text, to: max(0, layout.size.width - x), ellipsis: ellipsis), x: x,
                y: layout.crumbsRow, role: last ? .activeTab : .tab)
        }
    }

    func crumb(_ route: Route, previous: Route?) -> String {
        let rowName = route.row.map { TableView(route.table, in: state).row(id: $0)?.name ?? $0 } ?? ""
        let sameRow = previous?.row == route.row
        switch route.page {
        case .table(let table): return table.crumb
        case .detail: return rowName
        case .describe: return sameRow ? "describe" : "describe \(rowName)"
        case .raw: return (sameRow ? "" : "\(rowName) ") + route.format.rawValue
        }
    }

    mutating func drawFlashOrPrompt() {
        let row = layout.flashRow
        let width = layout.size.width
        let cursor = ascii ? "_" : "▏"
        switch state.mode {
        case .command(let editor, _):
            grid.fill(Rect(x: 0, y: row, width: width, height: 1), role: .prompt)
            let text = ":" + editor.text
            let shown = DisplayWidth.of(text) + 1 > width ? String(text.suffix(max(0, width - 2))) : text
            let x = grid.write(shown, x: 0, y: row, role: .prompt)
            grid.write(cursor, x: x, y: row, role: .prompt)
            if let completion = CommandCatalog.complete(editor.text), completion != editor.text {
                grid.write("  Tab: :\(completion)", x: x + 1, y: row, role: .dim)
            }
        case .filter(let editor):
            grid.fill(Rect(x: 0, y: row, width: width, height: 1), role: .prompt)
            let text = "/" + editor.text
            let shown = DisplayWidth.of(text) + 1 > width ? String(text.suffix(max(0, width - 2))) : text
            let x = grid.write(shown, x: 0, y: row, role: .prompt)
            grid.write(cursor, x: x, y: row, role: .prompt)
            let filter = RowFilter(parsing: editor.text)
            let note = filter.problem ?? describe(filter)
            if !note.isEmpty {
                grid.write(
                    "  " + note, x: x + 1, y: row, maxWidth: max(0, width - x - 1),
                    role: filter.problem == nil ? .dim : .error)
            }
        case .normal:
            guard let flash = state.flash else { return }
            grid.write(
                DisplayWidth.truncate(flash.text, to: width, ellipsis: ellipsis), x: 0, y: row,
                role: flash.isError ? .flashError : .flashInfo)
        }
    }

    func describe(_ filter: RowFilter) -> String {
        let kind: String
        switch filter.kind {
        case .all:
            return filter.inverted ? "inverse: type what to exclude" : "text, /regex/, !inverse, -l k=v, -f fuzzy"
        case .substring: kind = "substring"
        case .regex: kind = "regex"
        case .labels: kind = "labels"
        case .fuzzy: kind = "fuzzy"
        }
        return filter.inverted ? "\(kind), inverted" : kind
    }

    mutating func drawHints() {
        let contexts: [KeyContext] = state.current.isText ? [.text, .global] : [.table, .global]
        var x = 0
        let width = layout.size.width
        for binding in state.keyMap.bindings(in: contexts) {
            guard let hint = binding.hint, let key = binding.keys.first else { continue }
            if binding.isWrite, state.isReadOnly { continue }
            if binding.action == .repushSelected, !state.currentTable.isCacheEntries { continue }
            let keyText = "<\(key)>"
            let needed = DisplayWidth.of(keyText) + DisplayWidth.of(hint) + 2
            if x + needed > width { break }
            x += grid.write(keyText, x: x, y: layout.hintRow, role: .key)
            x += grid.write(hint + "  ", x: x, y: layout.hintRow, role: .dim)
        }
    }

    // MARK: Overlays

    mutating func drawHelp(scroll: Int) {
        let rect = layout.main
        grid.fill(rect, role: .dialog)
        grid.box(rect, title: "Help (Esc closes)", ascii: ascii, role: .border)
        let inner = rect.inner
        let lines = HelpText.lines(for: state)
        let first = min(scroll, max(0, lines.count - inner.height))
        for offset in 0..<max(0, inner.height) {
            let index = first + offset
            guard index < lines.count else { break }
            let line = lines[index]
            let role: StyleRole = line.hasPrefix(" ") || line.isEmpty ? .dialog : .boxTitle
            grid.write(
                DisplayWidth.truncate(line, to: inner.width, ellipsis: ellipsis), x: inner.x, y: inner.y + offset,
                role: role)
        }
        if lines.count > inner.height {
            let position = " \(first + 1)-\(min(lines.count, first + inner.height))/\(lines.count) "
            grid.write(
                position, x: rect.x + rect.width - DisplayWidth.of(position) - 2, y: rect.maxY - 1, role: .boxTitle)
        }
    }

    mutating func drawConfirm(_ dialog: ConfirmDialog) {
        let confirmLabel: String =
            switch dialog.action {
            case .resyncAll, .resyncModel: "Resync"
            case .repushCacheEntry: "Re-push"
            }
        let buttons = ("[ Cancel ]", "[ \(confirmLabel) ]")
        let body = [dialog.question, ""] + dialog.details.map { "  " + $0 } + [""]
        let contentWidth = max(body.map { DisplayWidth.of($0) }.max() ?? 0, 30)
        let width = min(layout.main.width - 2, contentWidth + 4)
        let height = min(layout.main.height, body.count + 3)
        let rect = Rect(
            x: (layout.size.width - width) / 2, y: layout.main.y + max(0, (layout.main.height - height) / 2),
            width: width,
            height: height)
        grid.fill(rect, role: .dialog)
        grid.box(rect, title: "Confirm", ascii: ascii, role: .border)
        let inner = rect.inner
        for (index, line) in body.enumerated() where index < inner.height - 1 {
            grid.write(
                DisplayWidth.truncate(line, to: inner.width - 1, ellipsis: ellipsis), x: inner.x + 1,
                y: inner.y + index,
                role: index == 0 ? .title : .dialog)
        }
        let buttonRow = inner.maxY - 1
        let buttonsWidth = DisplayWidth.of(buttons.0) + 3 + DisplayWidth.of(buttons.1)
        let x = inner.x + max(0, (inner.width - buttonsWidth) / 2)
        let cancelWidth = grid.write(
            buttons.0, x: x, y: buttonRow, role: dialog.confirmFocused ? .dialog : .dialogFocus)
        grid.write(
            buttons.1, x: x + cancelWidth + 3, y: buttonRow, role: dialog.confirmFocused ? .dialogFocus : .dialog)
    }
}

extension Rect {
    /// The column right of the last one.
    var maxX: Int { x + width }
}
