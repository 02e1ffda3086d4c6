/// A key press, decoded by the terminal layer.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    /// A printable character (upper case means Shift was held).
    case char(Character)
    /// Ctrl plus a letter, lower case: `.ctrl("l")`.
    case ctrl(Character)
    case enter
    case escape
    case tab
    case backTab
    case backspace
    case delete
    case up
    case down
    case left
    case right
    case home
    case end
    case pageUp
    case pageDown
    /// A function key, `.function(1)` for F1.
    case function(Int)

    /// The key as help and the hint bar spell it.
    public var description: String {
        switch self {
        case .char(" "): "Space"
        case .char(let character): String(character)
        case .ctrl(let character): "Ctrl-" + String(character).uppercased()
        case .enter: "Enter"
        case .escape: "Esc"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .backspace: "Backspace"
        case .delete: "Del"
        case .up: "Up"
        case .down: "Down"
        case .left: "Left"
        case .right: "Right"
        case .home: "Home"
        case .end: "End"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .function(let number): "F\(number)"
        }
    }

    /// Decodes a byte or code point as typed (after the terminal's own key decoding):
    /// control codes become `enter`, `tab`, `backspace`, `escape` or `ctrl`, others a character.
    public init?(codePoint: UInt32) {
        switch codePoint {
        case 9: self = .tab
        case 10, 13: self = .enter
        case 27: self = .escape
        case 8, 127: self = .backspace
        case 0: return nil
        case 1...26: self = .ctrl(Character(Unicode.Scalar(UInt8(codePoint) + 96)))
        case 28...31: return nil
        default:
            guard let scalar = Unicode.Scalar(codePoint), !(0x80..<0xA0).contains(codePoint) else { return nil }
            self = .char(Character(scalar))
        }
    }

    /// Decodes the bytes that followed an `ESC` when the terminal's key table did not know
    /// them: CSI (`[A`, `[5~`, `[1;2B`) and SS3 (`OP`) sequences. Returns `nil` for anything else.
    public init?(escapeSequence: [UInt8]) {
        guard let introducer = escapeSequence.first, let final = escapeSequence.last, escapeSequence.count >= 2
        else { return nil }
        let parameters = String(decoding: escapeSequence.dropFirst().dropLast(), as: UTF8.self)
        let first = Int(parameters.split(separator: ";").first ?? "") ?? 0
        switch (introducer, final) {
        case (UInt8(ascii: "["), UInt8(ascii: "A")), (UInt8(ascii: "O"), UInt8(ascii: "A")): self = .up
        case (UInt8(ascii: "["), UInt8(ascii: "B")), (UInt8(ascii: "O"), UInt8(ascii: "B")): self = .down
        case (UInt8(ascii: "["), UInt8(ascii: "C")), (UInt8(ascii: "O"), UInt8(ascii: "C")): self = .right
        case (UInt8(ascii: "["), UInt8(ascii: "D")), (UInt8(ascii: "O"), UInt8(ascii: "D")): self = .left
        case (UInt8(ascii: "["), UInt8(ascii: "H")), (UInt8(ascii: "O"), UInt8(ascii: "H")): self = .home
        case (UInt8(ascii: "["), UInt8(ascii: "F")), (UInt8(ascii: "O"), UInt8(ascii: "F")): self = .end
        case (UInt8(ascii: "["), UInt8(ascii: "Z")): self = .backTab
        case (UInt8(ascii: "O"), UInt8(ascii: "P")): self = .function(1)
        case (UInt8(ascii: "O"), UInt8(ascii: "Q")): self = .function(2)
        case (UInt8(ascii: "O"), UInt8(ascii: "R")): self = .function(3)
        case (UInt8(ascii: "O"), UInt8(ascii: "S")): self = .function(4)
        case (UInt8(ascii: "["), UInt8(ascii: "~")):
            switch first {
            case 1, 7: self = .home
            case 3: self = .delete
            case 4, 8: self = .end
            case 5: self = .pageUp
            case 6: self = .pageDown
            case 11...15: self = .function(first - 10)
            case 17...21: self = .function(first - 11)
            case 23, 24: self = .function(first - 12)
            default: return nil
            }
        default: return nil
        }
    }
}
