/// Where a binding applies. Several contexts are active at once (a table page is `table` and
/// `global`); the first binding found in the most specific context wins.
public enum KeyContext: String, Hashable, Sendable, CaseIterable {
    /// Everywhere in normal mode.
    case global
    /// Table pages (and the table above a detail pane).
    case table
    /// Text pages: describe and raw.
    case text
}

/// Something a key can do. The keymap maps keys to actions; `update` performs them.
public enum Action: Hashable, Sendable {
    case quit
    case help
    case commandMode
    case filterMode
    case back
    case open
    case describe
    case raw
    case toggleWrap
    case up
    case down
    case pageUp
    case pageDown
    case top
    case bottom
    case previousView
    case nextView
    case showView(ViewKind)
    case sortPreviousColumn
    case sortNextColumn
    case copy
    case redraw
    case resyncSelected
    case resyncAll
    case repushSelected
}

/// One binding: keys, what they do, where, and how help and the hint bar describe it.
public struct KeyBinding: Hashable, Sendable {
    public var keys: [Key]
    public var action: Action
    public var context: KeyContext
    /// The help line.
    public var help: String
    /// The short label in the hint bar; `nil` keeps the binding out of the hint bar.
    public var hint: String?
    /// True for writes: refused in read-only mode and marked in help.
    public var isWrite: Bool

    /// Creates a binding.
    public init(
        _ keys: [Key], _ action: Action, _ context: KeyContext, help: String, hint: String? = nil,
        isWrite: Bool = false
    ) {
        self.keys = keys
        self.action = action
        self.context = context
        self.help = help
        self.hint = hint
        self.isWrite = isWrite
    }
}

/// The one keymap: `update` looks keys up in it, help and the hint bar are generated from it.
///
/// Navigation keys (`j k h l`, arrows, PgUp/PgDn, `g G`) mean the same everywhere, and no
/// write sits on a Ctrl key; every write opens a confirm dialog first.
public struct KeyMap: Hashable, Sendable {
    public var bindings: [KeyBinding]

    /// Creates a keymap.
    public init(bindings: [KeyBinding]) {
        self.bindings = bindings
    }

    /// The action of `key` in the first of `contexts` that binds it.
    public func action(for key: Key, in contexts: [KeyContext]) -> Action? {
        for context in contexts {
            if let binding = bindings.first(where: { $0.context == context && $0.keys.contains(key) }) {
                return binding.action
            }
        }
        return nil
    }

    /// The bindings of `contexts`, in keymap order.
    public func bindings(in contexts: [KeyContext]) -> [KeyBinding] {
        contexts.flatMap { context in bindings.filter { $0.context == context } }
    }

    /// The default keymap.
    public static let standard = KeyMap(bindings: [
        KeyBinding([.char("?"), .function(1)], .help, .global, help: "show this help", hint: "help"),
        KeyBinding([.char(":")], .commandMode, .global, help: "command mode (:models, :sync, :q …)", hint: "cmd"),
        KeyBinding([.char("q"), .ctrl("c")], .quit, .global, help: "quit", hint: "quit"),
        KeyBinding([.escape], .back, .global, help: "back one level; on a table, clear the filter", hint: "back"),
        KeyBinding([.ctrl("l")], .redraw, .global, help: "redraw the screen"),
        KeyBinding([.char("j"), .down], .down, .global, help: "down one row or line"),
        KeyBinding([.char("k"), .up], .up, .global, help: "up one row or line"),
        KeyBinding([.pageDown, .char(" ")], .pageDown, .global, help: "down one page"),
        KeyBinding([.pageUp], .pageUp, .global, help: "up one page"),
        KeyBinding([.char("g"), .home], .top, .global, help: "first row or line"),
        KeyBinding([.char("G"), .end], .bottom, .global, help: "last row or line"),
        KeyBinding([.char("1")], .showView(.models), .global, help: "Models view"),
        KeyBinding([.char("2")], .showView(.endpoints), .global, help: "Endpoints view"),
        KeyBinding([.char("3")], .showView(.techDocs), .global, help: "TechDocs view"),
        KeyBinding([.char("4")], .showView(.cache), .global, help: "Cache view"),
        KeyBinding([.char("5")], .showView(.backstage), .global, help: "Backstage view"),
        KeyBinding([.char("6")], .showView(.events), .global, help: "Events view"),
        KeyBinding([.function(5)], .resyncAll, .global, help: "resync everything (asks first)", isWrite: true),
        KeyBinding([.char("/")], .filterMode, .table, help: "filter rows (see Filters)", hint: "filter"),
        KeyBinding([.enter], .open, .table, help: "open the detail pane / the shard's keys", hint: "open"),
        KeyBinding([.char("d")], .describe, .table, help: "describe the row and what it links to", hint: "describe"),
        KeyBinding([.char("y")], .raw, .table, help: "raw document or object (JSON/YAML)", hint: "raw"),
        KeyBinding([.char("h"), .left], .previousView, .table, help: "previous view"),
        KeyBinding([.char("l"), .right], .nextView, .table, help: "next view"),
        KeyBinding([.char("<")], .sortPreviousColumn, .table, help: "sort by the column to the left"),
        KeyBinding([.char(">")], .sortNextColumn, .table, help: "sort by the column to the right"),
        KeyBinding([.char("c")], .copy, .table, help: "copy the row's key or name (OSC 52)"),
        KeyBinding(
            [.char("r")], .resyncSelected, .table, help: "resync the selected model (asks first)", hint: "resync",
            isWrite: true),
        KeyBinding(
            [.char("p")], .repushSelected, .table, help: "re-push the selected cache entry (asks first)",
            hint: "re-push", isWrite: true),
        KeyBinding([.char("y")], .raw, .text, help: "raw: switch between JSON and YAML", hint: "json/yaml"),
        KeyBinding([.char("d")], .describe, .text, help: "describe the same row"),
        KeyBinding([.char("w")], .toggleWrap, .text, help: "wrap long lines on/off", hint: "wrap"),
        KeyBinding([.char("c")], .copy, .text, help: "copy the page (OSC 52)", hint: "copy"),
    ])
}
