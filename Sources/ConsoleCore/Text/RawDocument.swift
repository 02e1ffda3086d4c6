/// A parsed JSON document that keeps member order and number spelling, so the raw page shows
/// exactly what the engine served, as indented JSON or as YAML.
///
/// ```swift
/// let document = RawDocument(json: #"{"models":[{"name":"mnist"}]}"#)
/// document?.yamlLines   // ["models:", "  - name: mnist"]
/// ```
public indirect enum RawDocument: Hashable, Sendable {
    case null
    case bool(Bool)
    /// The number as written.
    case number(String)
    case string(String)
    case array([RawDocument])
    case object([(String, RawDocument)])

    public static func == (lhs: RawDocument, rhs: RawDocument) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)), (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        case .number(let value), .string(let value): hasher.combine(value)
        case .array(let values): hasher.combine(values)
        case .object(let members):
            for (key, value) in members {
                hasher.combine(key)
                hasher.combine(value)
            }
        }
    }

    /// Parses JSON text; `nil` when it is not JSON.
    public init?(json: String) {
        var parser = Parser(bytes: Array(json.utf8))
        guard let value = parser.value() else { return nil }
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { return nil }
        self = value
    }

    /// The document as JSON indented by two spaces.
    public var jsonLines: [String] {
        var lines: [String] = []
        RawDocument.json(self, indent: "", prefix: "", suffix: "", into: &lines)
        return lines
    }

    /// The document as block-style YAML.
    public var yamlLines: [String] {
        var lines: [String] = []
        switch self {
        case .object(let members) where !members.isEmpty: RawDocument.yaml(members: members, indent: "", into: &lines)
        case .array(let elements) where !elements.isEmpty:
            RawDocument.yaml(elements: elements, indent: "", into: &lines)
        default: lines.append(scalarYAML(indent: ""))
        }
        return lines
    }

    static func json(_ value: RawDocument, indent: String, prefix: String, suffix: String, into lines: inout [String]) {
        switch value {
        case .array(let elements) where !elements.isEmpty:
            lines.append(indent + prefix + "[")
            for (index, element) in elements.enumerated() {
                json(
                    element, indent: indent + "  ", prefix: "", suffix: index == elements.count - 1 ? "" : ",",
                    into: &lines)
            }
            lines.append(indent + "]" + suffix)
        case .object(let members) where !members.isEmpty:
            lines.append(indent + prefix + "{")
            for (index, (key, member)) in members.enumerated() {
                json(
                    member, indent: indent + "  ", prefix: quoted(key) + ": ",
                    suffix: index == members.count - 1 ? "" : ",", into: &lines)
            }
            lines.append(indent + "}" + suffix)
        default:
            lines.append(indent + prefix + value.scalarJSON + suffix)
        }
    }

    var scalarJSON: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let value): value
        case .string(let value): RawDocument.quoted(value)
        case .array: "[]"
        case .object: "{}"
        }
    }

    static func yaml(members: [(String, RawDocument)], indent: String, into lines: inout [String]) {
        for (key, value) in members {
            let name = plainOrQuoted(key)
            switch value {
            case .object(let inner) where !inner.isEmpty:
                lines.append(indent + name + ":")
                yaml(members: inner, indent: indent + "  ", into: &lines)
            case .array(let inner) where !inner.isEmpty:
                lines.append(indent + name + ":")
                yaml(elements: inner, indent: indent + "  ", into: &lines)
            case .string(let text) where text.contains("\n"):
                lines.append(indent + name + ": |-")
                for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                    lines.append(line.isEmpty ? "" : indent + "  " + line)
                }
            default:
                lines.append(indent + name + ": " + value.scalarYAML(indent: indent))
            }
        }
    }

    static func yaml(elements: [RawDocument], indent: String, into lines: inout [String]) {
        for element in elements {
            var nested: [String] = []
            switch element {
            case .object(let inner) where !inner.isEmpty: yaml(members: inner, indent: indent + "  ", into: &nested)
            case .array(let inner) where !inner.isEmpty: yaml(elements: inner, indent: indent + "  ", into: &nested)
            default:
                lines.append(indent + "- " + element.scalarYAML(indent: indent))
                continue
            }
            // The first nested line moves up beside the dash.
            let first = nested.removeFirst()
            lines.append(indent + "- " + first.dropFirst(indent.count + 2))
            lines.append(contentsOf: nested)
        }
    }

    func scalarYAML(indent: String) -> String {
        switch self {
        case .string(let text): RawDocument.plainOrQuoted(text)
        case .array: "[]"
        case .object: "{}"
        default: scalarJSON
        }
    }

    /// YAML plain scalar when that reads back as the same string, else a JSON-style quoted one.
    static func plainOrQuoted(_ text: String) -> String {
        let reserved = ["", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n"]
        if reserved.contains(text.lowercased()) { return quoted(text) }
        if Double(text) != nil || text.first == " " || text.last == " " { return quoted(text) }
        if let first = text.first, "-?:,[]{}#&*!|>'\"%@`".contains(first) { return quoted(text) }
        if text.contains(": ") || text.contains(" #") || text.hasSuffix(":") { return quoted(text) }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return quoted(text) }
        return text
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// A small recursive-descent JSON parser over UTF-8 bytes.
    struct Parser {
        let bytes: [UInt8]
        var index = 0
        var depth = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func value() -> RawDocument? {
            skipSpace()
            guard index < bytes.count, depth < 200 else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "{"): return object()
            case UInt8(ascii: "["): return array()
            case UInt8(ascii: "\""): return string().map { .string($0) }
            case UInt8(ascii: "t"): return literal("true", .bool(true))
            case UInt8(ascii: "f"): return literal("false", .bool(false))
            case UInt8(ascii: "n"): return literal("null", .null)
            default: return number()
            }
        }

        mutating func literal(_ word: String, _ value: RawDocument) -> RawDocument? {
            let expected = Array(word.utf8)
            guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected
            else { return nil }
            index += expected.count
            return value
        }

        mutating func number() -> RawDocument? {
            let start = index
            while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
            guard index > start else { return nil }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            return Double(text) == nil ? nil : .number(text)
        }

        mutating func object() -> RawDocument? {
            index += 1
            depth += 1
            defer { depth -= 1 }
            var members: [(String, RawDocument)] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = string() else { return nil }
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                guard let member = value() else { return nil }
                members.append((key, member))
                skipSpace()
                guard index < bytes.count else { return nil }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .object(members)
                } else {
                    return nil
                }
            }
        }

        mutating func array() -> RawDocument? {
            index += 1
            depth += 1
            defer { depth -= 1 }
            var elements: [RawDocument] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                guard let element = value() else { return nil }
                elements.append(element)
                skipSpace()
                guard index < bytes.count else { return nil }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(elements)
                } else {
                    return nil
                }
            }
        }

        mutating func string() -> String? {
            index += 1
            var scalars = String.UnicodeScalarView()
            var raw: [UInt8] = []
            func flush() {
                scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
                raw.removeAll()
            }
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    flush()
                    return String(scalars)
                case UInt8(ascii: "\\"):
                    flush()
                    guard index < bytes.count else { return nil }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "b"): scalars.append("\u{8}")
                    case UInt8(ascii: "f"): scalars.append("\u{C}")
                    case UInt8(ascii: "u"):
                        guard var code = hex4() else { return nil }
                        if (0xD800..<0xDC00).contains(code), index + 1 < bytes.count,
                            bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                        {
                            index += 2
                            guard let low = hex4() else { return nil }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                        scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                    default: scalars.append(Unicode.Scalar(escape))
                    }
                default:
                    raw.append(byte)
                }
            }
            return nil
        }

        mutating func hex4() -> UInt32? {
            guard index + 4 <= bytes.count else { return nil }
            let text = String(decoding: bytes[index..<index + 4], as: UTF8.self)
            index += 4
            return UInt32(text, radix: 16)
        }
    }
}
