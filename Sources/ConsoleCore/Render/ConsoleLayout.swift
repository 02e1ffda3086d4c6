/// Where each part of the screen goes for a terminal size; `update` uses it for page sizes.
///
/// ```
/// row 0      title, mode, read-only badge, data age
/// row 1      connection state per component
/// row 2      sparklines of documents published and registry read time (from 16 rows up)
/// row 3      view tabs (row 2 without the sparklines)
/// rows 4…    the page box (table, detail pane, text page, overlays)
/// row h-3    breadcrumbs
/// row h-2    flash message or the : / prompt
/// row h-1    key hints
/// ```
public struct ConsoleLayout: Hashable, Sendable {
    /// Below this the console draws only a "terminal too small" notice.
    public static let minimum = Size(width: 40, height: 10)
    /// Shorter terminals keep their rows for the page and go without the figures row.
    public static let figuresMinimumHeight = 16

    public let size: Size

    /// Creates the layout of a terminal size.
    public init(size: Size) {
        self.size = size
    }

    /// True when the terminal is below `minimum`.
    public var tooSmall: Bool { size.width < Self.minimum.width || size.height < Self.minimum.height }

    /// The sparklines row, `nil` when the terminal is too short for it.
    public var figuresRow: Int? { size.height >= Self.figuresMinimumHeight ? 2 : nil }
    /// The view tabs.
    public var tabsRow: Int { figuresRow == nil ? 2 : 3 }
    /// The page box.
    public var main: Rect { Rect(x: 0, y: tabsRow + 1, width: size.width, height: size.height - tabsRow - 4) }
    public var crumbsRow: Int { size.height - 3 }
    public var flashRow: Int { size.height - 2 }
    public var hintRow: Int { size.height - 1 }

    /// The table box and, for a detail level, the detail box under it.
    public func split(detail: Bool) -> (table: Rect, detail: Rect?) {
        guard detail else { return (main, nil) }
        let detailHeight = min(max(6, main.height / 2), main.height - 4)
        let tableRect = Rect(x: main.x, y: main.y, width: main.width, height: main.height - detailHeight)
        return (tableRect, Rect(x: main.x, y: tableRect.maxY, width: main.width, height: detailHeight))
    }

    /// Rows of table body shown for the current level.
    public func tableBodyRows(state: ConsoleState) -> Int {
        var isDetail = false
        if case .detail = state.current.page { isDetail = true }
        let box = split(detail: isDetail).table
        return max(0, box.height - 3 - (state.currentTable.hasSummary ? 1 : 0))
    }
}

extension TableID {
    /// Tables with a summary line above the column headings.
    var hasSummary: Bool {
        switch self {
        case .cacheShards, .backstage: true
        default: false
        }
    }
}
