/// Options fixed at start from the command line.
public struct ConsoleOptions: Hashable, Sendable {
    /// Refuse every write (`--read-only`).
    public var readOnly: Bool
    /// Draw frames and symbols in ASCII (`--ascii`, or a locale that is not UTF-8).
    public var ascii: Bool
    /// The view shown first.
    public var startView: ViewKind

    /// Creates options.
    public init(readOnly: Bool = false, ascii: Bool = false, startView: ViewKind = .models) {
        self.readOnly = readOnly
        self.ascii = ascii
        self.startView = startView
    }
}

/// Sort, filter, selection and scroll of one table; kept per table so switching views and
/// coming back finds everything as it was.
public struct TableState: Hashable, Sendable {
    /// The sort column index, and the direction.
    public var sortColumn: Int
    public var ascending: Bool
    /// The filter as typed (see `RowFilter`); empty shows every row.
    public var filter: String = ""
    /// The selected row's id; selection follows the row when rows move.
    public var selectedID: String?
    /// The selected row's position, used when the selected row disappears.
    public var selectedIndex: Int = 0
    /// The first visible row.
    public var top: Int = 0

    /// Creates a table state.
    public init(sortColumn: Int, ascending: Bool) {
        self.sortColumn = sortColumn
        self.ascending = ascending
    }
}

/// A one-line text editor for the `:` and `/` prompts.
public struct LineEditor: Hashable, Sendable {
    public var text: String

    /// Creates an editor holding `text`.
    public init(_ text: String = "") {
        self.text = text
    }
}

/// What the keyboard is typing into.
public enum InputMode: Hashable, Sendable {
    /// Keys go through the keymap.
    case normal
    /// `:` command line; `historyIndex` is the history entry shown, `nil` for a new line.
    case command(LineEditor, historyIndex: Int?)
    /// `/` filter line of the current table; the filter applies while typing.
    case filter(LineEditor)
}

/// A confirm dialog for one write. Focus starts on Cancel so a stray Enter does nothing.
public struct ConfirmDialog: Hashable, Sendable {
    public var action: WriteAction
    /// The question, naming the target.
    public var question: String
    /// Lines that identify the target further (registry, model, version, shard…).
    public var details: [String]
    /// True when the confirm button has focus.
    public var confirmFocused: Bool = false
}

/// A dialog or overlay on top of the page.
public enum Modal: Hashable, Sendable {
    /// The help overlay, scrolled by `scroll` lines.
    case help(scroll: Int)
    case confirm(ConfirmDialog)
}

/// The one-line message under the page.
public struct Flash: Hashable, Sendable {
    public var text: String
    public var isError: Bool
    /// When to clear it; `nil` until the first tick after it appeared.
    public var expires: Timestamp?

    /// Creates a flash message.
    public init(text: String, isError: Bool, expires: Timestamp? = nil) {
        self.text = text
        self.isError = isError
        self.expires = expires
    }
}

/// The whole console as a value: `update` changes it, `view` draws it.
///
/// ```swift
/// var state = ConsoleState(options: ConsoleOptions(readOnly: true))
/// _ = update(&state, .snapshot(snapshot))
/// _ = update(&state, .key(.char("/")))
/// let frame = view(state, Size(width: 100, height: 30))
/// ```
public struct ConsoleState: Hashable, Sendable {
    public var options: ConsoleOptions
    /// The engine's newest snapshot.
    public var snapshot: EngineSnapshot {
        didSet { tableMemo.invalidate() }
    }
    /// Events the console itself produced (action outcomes, refusals), newest last.
    public var consoleEvents: [EngineEvent] = [] {
        didSet { tableMemo.invalidate() }
    }
    /// The time of the last tick (or snapshot, before the first tick).
    public var now: Timestamp {
        didSet { tableMemo.invalidate() }
    }
    /// Tables built from the three above, kept until one of them changes (not part of the value).
    public private(set) var tableMemo = TableMemo()
    /// The terminal size of the last resize; page sizes for scrolling use it.
    public var size: Size
    /// The navigation stack; never empty, and its first level is a table.
    public var stack: [Route]
    /// Per-table sort, filter and selection.
    public var tables: [TableID: TableState] = [:]
    public var mode: InputMode = .normal
    public var modal: Modal?
    public var flash: Flash?
    /// `:` commands run so far, oldest first.
    public var commandHistory: [String] = []
    /// The keymap that drives keys, help and hints.
    public var keyMap: KeyMap
    /// How many console events to keep.
    public static let consoleEventLimit = 500

    /// Creates a state with no data yet.
    public init(
        options: ConsoleOptions = ConsoleOptions(), snapshot: EngineSnapshot = .empty,
        size: Size = Size(width: 100, height: 30), keyMap: KeyMap = .standard
    ) {
        self.options = options
        self.snapshot = snapshot
        self.now = snapshot.takenAt
        self.size = size
        self.stack = [Route(.table(options.startView.rootTable))]
        self.keyMap = keyMap
    }

    /// True when writes are refused, by the console's option or by the engine.
    public var isReadOnly: Bool { options.readOnly || snapshot.header.readOnly }

    /// The level on top of the stack.
    public var current: Route {
        get { stack[stack.count - 1] }
        set { stack[stack.count - 1] = newValue }
    }

    /// The table shown on top (or under the detail pane or text page).
    public var currentTable: TableID { current.table }

    /// The state of a table, with the table's default sort when never touched.
    public func tableState(_ table: TableID) -> TableState {
        tables[table] ?? TableCatalog.defaultState(for: table)
    }
}
