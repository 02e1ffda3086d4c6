import KubeAPI

/// One validation error, as the API server's `field.Error`: its type becomes the cause's `reason`, its
/// `ErrorBody` the cause's `message`, and `field: body` one part of the Status message.
///
/// ```swift
/// FakeKubeFieldError.invalid("metadata.name", "Bad_Name", "a lowercase RFC 1123 subdomain …").description
/// // metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain …
/// ```
struct FakeKubeFieldError: Sendable, Hashable, CustomStringConvertible {
    enum ErrorType: String, Sendable {
        case required = "FieldValueRequired"
        case invalid = "FieldValueInvalid"
        case tooLong = "FieldValueTooLong"
        case forbidden = "FieldValueForbidden"
        case duplicate = "FieldValueDuplicate"

        /// The words Go prints for the type.
        var text: String {
            switch self {
            case .required: "Required value"
            case .invalid: "Invalid value"
            case .tooLong: "Too long"
            case .forbidden: "Forbidden"
            case .duplicate: "Duplicate value"
            }
        }
    }

    /// A bad value as Go's `%q` / `%v` prints it, already rendered.
    struct Value: Sendable, Hashable {
        var rendered: String

        static func string(_ text: String) -> Value { Value(rendered: goQuote(text)) }
        static func number(_ number: Int64) -> Value { Value(rendered: String(number)) }
        /// Printed as it is (e.g. `0x0`, which is how Go's `%#v` prints a zero uint64).
        static func raw(_ text: String) -> Value { Value(rendered: text) }
    }

    var type: ErrorType
    var field: String
    var value: Value?
    var detail: String

    static func invalid(_ field: String, _ value: String, _ detail: String) -> FakeKubeFieldError {
        FakeKubeFieldError(type: .invalid, field: field, value: .string(value), detail: detail)
    }

    static func invalid(_ field: String, number: Int64, _ detail: String) -> FakeKubeFieldError {
        FakeKubeFieldError(type: .invalid, field: field, value: .number(number), detail: detail)
    }

    static func required(_ field: String, _ detail: String = "") -> FakeKubeFieldError {
        FakeKubeFieldError(type: .required, field: field, value: nil, detail: detail)
    }

    static func tooLong(_ field: String, maximum: Int) -> FakeKubeFieldError {
        FakeKubeFieldError(type: .tooLong, field: field, value: nil, detail: "must have at most \(maximum) bytes")
    }

    static func forbidden(_ field: String, _ detail: String) -> FakeKubeFieldError {
        FakeKubeFieldError(type: .forbidden, field: field, value: nil, detail: detail)
    }

    /// Go's `ErrorBody`: the type, the value for types that print one, then the detail.
    var body: String {
        var text = type.text
        if let value, type == .invalid || type == .duplicate { text += ": " + value.rendered }
        if !detail.isEmpty { text += ": " + detail }
        return text
    }

    var description: String { "\(field): \(body)" }

    var cause: KubeStatus.Cause { KubeStatus.Cause(reason: type.rawValue, message: body, field: field) }

    /// Go's `errors.Aggregate` text: one error alone, several in brackets, duplicates once.
    static func aggregate(_ errors: [FakeKubeFieldError]) -> String {
        var seen = Set<String>()
        let texts = errors.map(\.description).filter { seen.insert($0).inserted }
        return texts.count == 1 ? texts[0] : "[" + texts.joined(separator: ", ") + "]"
    }

    /// Go's `strconv.Quote` for the text a client sends: `"` and `\` escaped, control characters as escapes.
    static func goQuote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{0B}": out += "\\v"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\x" + (hex.count < 2 ? "0" : "") + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
