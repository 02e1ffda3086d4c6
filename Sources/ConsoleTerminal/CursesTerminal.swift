import CNCursesW
import ConsoleCore
import Glibc

/// What the terminal reports: a key or a new size.
public enum TerminalInput: Hashable, Sendable {
    case key(Key)
    case resize(Size)
}

/// Why the terminal could not start.
public enum TerminalError: Error, CustomStringConvertible {
    case notATerminal
    case cannotOpen(term: String)

    public var description: String {
        switch self {
        case .notATerminal: "the console needs a terminal on stdin and stdout"
        case .cannotOpen(let term): "ncurses cannot open the terminal (TERM=\(term)); try TERM=xterm-256color"
        }
    }
}

/// The ncurses screen: set-up and restore, key decoding, colours, and drawing a `Grid` with
/// only the cells that changed. Use it from one thread only (ncurses is not thread-safe).
///
/// ```swift
/// let terminal = try CursesTerminal(settings: .init(ascii: false, palette: nil))
/// defer { terminal.close() }
/// terminal.present(view(state, terminal.size))
/// ```
public final class CursesTerminal {
    /// Start-up choices.
    public struct Settings: Sendable {
        /// Palette forced by `--theme` or `--no-color`; `nil` picks one from the environment.
        public var palette: TerminalTheme.Palette?

        /// Creates settings.
        public init(palette: TerminalTheme.Palette? = nil) {
            self.palette = palette
        }
    }

    /// True when the locale is UTF-8 and the terminal's own terminfo entry was found; otherwise the caller
    /// should draw ASCII frames.
    public let isUTF8: Bool
    /// Set when `TERM` has no terminfo entry here and the console fell back to a plain terminal type: the
    /// message to show the operator (frames then draw in ASCII, without colours).
    public let fallbackMessage: String?
    /// The terminal types tried, in order, when `TERM`'s entry is missing: every terminal emulator in use
    /// understands them, and ncurses-base (in the image) carries their entries.
    public static let fallbackTerminals = ["xterm", "vt100"]
    /// The colours in use.
    public let theme: TerminalTheme
    private var screen: OpaquePointer?
    private var previous: Grid?
    private var looks: [StyleRole: (attributes: attr_t, pair: Int16)] = [:]
    private var closed = false

    /// Sets the locale, saves the terminal, opens the screen in raw mode with colours.
    public init(settings: Settings, environment: [String: String]) throws {
        setlocale(LC_ALL, "")
        if cnc_locale_is_utf8() == 0 { setlocale(LC_CTYPE, "C.UTF-8") }
        guard isatty(0) != 0, isatty(1) != 0 else { throw TerminalError.notATerminal }
        _ = TerminalRestore.arm()
        set_escdelay(25)
        let term = environment["TERM"] ?? ""
        guard let output = fdopen(1, "w"), let input = fdopen(0, "r") else {
            TerminalRestore.disarm()
            throw TerminalError.cannotOpen(term: term)
        }
        // newterm returns nil (it does not exit, as initscr would) when the terminal type has no terminfo entry.
        var opened = term.isEmpty ? nil : newterm(nil, output, input)
        var fallback: String?
        if opened == nil {
            for candidate in Self.fallbackTerminals {
                opened = newterm(candidate, output, input)
                if opened != nil {
                    fallback = candidate
                    break
                }
            }
        }
        guard let screen = opened else {
            TerminalRestore.disarm()
            throw TerminalError.cannotOpen(term: term)
        }
        if let fallback {
            fallbackMessage =
                "no terminfo entry for TERM=\(term.isEmpty ? "(unset)" : term) here: drawing as \(fallback), in ASCII"
            isUTF8 = false
        } else {
            fallbackMessage = nil
            isUTF8 = cnc_locale_is_utf8() != 0
        }
        self.screen = screen
        set_term(screen)
        raw()
        noecho()
        nonl()
        keypad(cnc_stdscr(), true)
        curs_set(0)
        mousemask(0, nil)
        var palette = TerminalTheme.palette(environment: environment, requested: settings.palette)
        if !has_colors() || fallbackMessage != nil { palette = .monochrome }
        if palette != .monochrome {
            start_color()
            use_default_colors()
        }
        theme = TerminalTheme(palette: palette, has256Colors: palette != .monochrome && cnc_colors() >= 256)
        var pair: Int16 = 1
        for role in StyleRole.allCases {
            let look = theme.look(role)
            var attributes = cnc_a_normal()
            if look.attributes.contains(.bold) { attributes |= cnc_a_bold() }
            if look.attributes.contains(.dim) { attributes |= cnc_a_dim() }
            if look.attributes.contains(.reverse) { attributes |= cnc_a_reverse() }
            if look.attributes.contains(.underline) { attributes |= cnc_a_underline() }
            var pairNumber: Int16 = 0
            if let color = look.color, palette != .monochrome, Int(pair) < cnc_color_pairs() {
                init_pair(pair, color, -1)
                pairNumber = pair
                pair += 1
            }
            looks[role] = (attributes, pairNumber)
        }
    }

    deinit { close() }

    /// The current size.
    public var size: Size {
        Size(width: Int(getmaxx(cnc_stdscr())), height: Int(getmaxy(cnc_stdscr())))
    }

    /// Waits up to `milliseconds` for a key or a resize.
    public func read(timeoutMilliseconds milliseconds: Int32) -> TerminalInput? {
        wtimeout(cnc_stdscr(), milliseconds)
        var code: wint_t = 0
        let status = wget_wch(cnc_stdscr(), &code)
        if status == KEY_CODE_YES { return functionKey(Int32(code)) }
        guard status == OK else { return nil }
        if code == 27 { return escape() }
        return Key(codePoint: code).map { .key($0) }
    }

    private func functionKey(_ code: Int32) -> TerminalInput? {
        switch code {
        case KEY_RESIZE: return .resize(size)
        case KEY_UP: return .key(.up)
        case KEY_DOWN: return .key(.down)
        case KEY_LEFT: return .key(.left)
        case KEY_RIGHT: return .key(.right)
        case KEY_HOME: return .key(.home)
        case KEY_END: return .key(.end)
        case KEY_PPAGE: return .key(.pageUp)
        case KEY_NPAGE: return .key(.pageDown)
        case KEY_BACKSPACE: return .key(.backspace)
        case KEY_DC: return .key(.delete)
        case KEY_BTAB: return .key(.backTab)
        case KEY_ENTER: return .key(.enter)
        case KEY_F0 + 1...KEY_F0 + 12: return .key(.function(Int(code - KEY_F0)))
        default: return nil
        }
    }

    /// A lone Esc, or the rest of a sequence ncurses' key table did not know.
    private func escape() -> TerminalInput? {
        var bytes: [UInt8] = []
        wtimeout(cnc_stdscr(), 0)
        while bytes.count < 16 {
            var code: wint_t = 0
            guard wget_wch(cnc_stdscr(), &code) == OK, code < 128 else { break }
            bytes.append(UInt8(code))
            if bytes.count >= 2, (0x40...0x7E).contains(bytes[bytes.count - 1]) { break }
            if bytes.count == 1, bytes[0] != UInt8(ascii: "["), bytes[0] != UInt8(ascii: "O") { break }
        }
        if bytes.isEmpty { return .key(.escape) }
        // Alt+key and unknown sequences are ignored rather than misread as other keys.
        return Key(escapeSequence: bytes).map { .key($0) }
    }

    /// Draws the cells that differ from the last frame, then updates the screen once.
    public func present(_ grid: Grid) {
        let full = previous?.size != grid.size
        if full { werase(cnc_stdscr()) }
        for y in 0..<grid.size.height {
            for x in 0..<grid.size.width {
                let cell = grid[x, y]
                guard cell.width != 0 else { continue }
                if !full, let previous, previous[x, y] == cell { continue }
                draw(cell, x: x, y: y)
            }
        }
        previous = grid
        wnoutrefresh(cnc_stdscr())
        doupdate()
    }

    private func draw(_ cell: Cell, x: Int, y: Int) {
        var characters = cell.character.unicodeScalars.prefix(4).map { wchar_t(bitPattern: $0.value) }
        characters.append(0)
        let look = looks[cell.role] ?? (cnc_a_normal(), 0)
        // The bottom-right cell makes ncurses report ERR (it would scroll); the cell is drawn anyway.
        _ = cnc_put_cell(Int32(y), Int32(x), characters, look.attributes, look.pair)
    }

    /// Forgets what is on screen and repaints everything on the next `present` (Ctrl-L).
    public func invalidate() {
        previous = nil
        clearok(cnc_curscr(), true)
    }

    /// Puts text on the clipboard of the terminal (and of tmux or ssh) with OSC 52.
    public func copyToClipboard(_ text: String) {
        let sequence = "\u{1B}]52;c;" + Base64.encode(Array(text.utf8)) + "\u{07}"
        let bytes = Array(sequence.utf8)
        _ = bytes.withUnsafeBufferPointer { Glibc.write(1, $0.baseAddress, $0.count) }
    }

    /// Restores the terminal; safe to call twice.
    public func close() {
        guard !closed else { return }
        closed = true
        endwin()
        if let screen { delscreen(screen) }
        screen = nil
        TerminalRestore.disarm()
    }
}

/// Standard base64 for OSC 52 (core and terminal have no Foundation).
enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
            for position in 0..<4 {
                if position <= chunk.count {
                    output.append(alphabet[Int((value >> (18 - 6 * UInt32(position))) & 63)])
                } else {
                    output.append(UInt8(ascii: "="))
                }
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
