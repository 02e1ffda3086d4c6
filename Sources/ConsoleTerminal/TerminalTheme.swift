import ConsoleCore

/// How each `StyleRole` looks: a foreground colour on the terminal's own background plus
/// attributes. Backgrounds stay the terminal default so light and transparent terminals work.
public struct TerminalTheme: Sendable {
    /// Text attributes, independent of ncurses.
    public struct Attributes: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let bold = Attributes(rawValue: 1)
        public static let dim = Attributes(rawValue: 2)
        public static let reverse = Attributes(rawValue: 4)
        public static let underline = Attributes(rawValue: 8)
    }

    /// The look of one role: a colour number (`nil` = terminal default) and attributes.
    public struct Look: Sendable, Hashable {
        public var color: Int16?
        public var attributes: Attributes
    }

    /// Which palette to use.
    public enum Palette: String, Sendable, CaseIterable {
        case dark
        case light
        /// Attributes only: `NO_COLOR`, `--no-color`, `TERM=dumb`, or no colour support.
        case monochrome
    }

    public let palette: Palette
    /// True when the terminal has 256 colours (finer shades), false for the 8 basic ones.
    public let has256Colors: Bool

    /// Creates a theme.
    public init(palette: Palette, has256Colors: Bool) {
        self.palette = palette
        self.has256Colors = has256Colors
    }

    /// The look of `role`.
    public func look(_ role: StyleRole) -> Look {
        let tone = tones
        switch role {
        case .normal, .tab, .dialog: return Look(color: nil, attributes: [])
        case .dim:
            return palette == .monochrome || !has256Colors
                ? Look(color: nil, attributes: .dim) : Look(color: tone.dim, attributes: [])
        case .title, .boxTitle, .key: return Look(color: tone.accent, attributes: .bold)
        case .border:
            return palette == .monochrome || !has256Colors
                ? Look(color: nil, attributes: []) : Look(color: tone.dim, attributes: [])
        case .columnHeader: return Look(color: nil, attributes: .bold)
        case .sortedColumnHeader: return Look(color: tone.accent, attributes: [.bold, .underline])
        case .selected, .activeTab, .dialogFocus: return Look(color: nil, attributes: [.reverse, .bold])
        case .ok, .flashInfo: return Look(color: tone.ok, attributes: [])
        case .warning: return Look(color: tone.warning, attributes: palette == .monochrome ? .bold : [])
        case .error, .flashError:
            return Look(color: tone.error, attributes: palette == .monochrome ? [.bold, .underline] : .bold)
        case .prompt: return Look(color: nil, attributes: .bold)
        case .badge: return Look(color: tone.warning, attributes: [.reverse, .bold])
        }
    }

    var tones: (accent: Int16?, ok: Int16?, warning: Int16?, error: Int16?, dim: Int16?) {
        switch (palette, has256Colors) {
        case (.monochrome, _): (nil, nil, nil, nil, nil)
        case (.dark, true): (81, 114, 221, 203, 245)
        case (.dark, false): (6, 2, 3, 1, nil)
        case (.light, true): (25, 28, 130, 160, 242)
        case (.light, false): (4, 2, 5, 1, nil)
        }
    }

    /// Picks the palette from the environment: `NO_COLOR` (any non-empty value) or `TERM=dumb`
    /// give monochrome; else `COLORFGBG` with a light background gives light; else dark.
    public static func palette(environment: [String: String], requested: Palette?) -> Palette {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .monochrome }
        if environment["TERM"] == "dumb" { return .monochrome }
        if let requested { return requested }
        if let colors = environment["COLORFGBG"],
            let background = colors.split(separator: ";").last.flatMap({ Int($0) })
        {
            return [7, 9, 10, 11, 12, 13, 14, 15].contains(background) ? .light : .dark
        }
        return .dark
    }
}
