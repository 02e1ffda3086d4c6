/// What a cell means, not how it looks: the terminal's theme turns each role into colours and
/// attributes (dark, light or monochrome for `NO_COLOR`), so core never names a colour.
public enum StyleRole: String, Sendable, Hashable, CaseIterable {
    /// Ordinary text on the terminal's own background.
    case normal
    /// Less important text: ages, hints, unknown values.
    case dim
    /// The product line at the top.
    case title
    /// Frame lines and box titles.
    case border
    /// A box title.
    case boxTitle
    /// Column headings of a table.
    case columnHeader
    /// The column the table is sorted by.
    case sortedColumnHeader
    /// The selected table row.
    case selected
    /// A healthy state: connected, ready, fetched.
    case ok
    /// Something needs a look: degraded, stale, not yet fetched.
    case warning
    /// Something is broken: disconnected, failed, refused.
    case error
    /// A key name in the hint bar and help.
    case key
    /// The current view's tab and the current breadcrumb.
    case activeTab
    /// Other tabs and breadcrumbs.
    case tab
    /// The `:` and `/` prompt line.
    case prompt
    /// An informational flash message.
    case flashInfo
    /// A flash message about a failure or a refusal.
    case flashError
    /// The inside of a dialog or overlay.
    case dialog
    /// The focused dialog button.
    case dialogFocus
    /// The read-only badge and other labels that must stand out.
    case badge
}
