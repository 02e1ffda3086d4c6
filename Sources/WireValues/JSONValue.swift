import Foundation

/// Any JSON value, kept losslessly: objects, arrays, strings, integers, floating-point numbers, booleans and null.
///
/// The one JSON vocabulary of every module. The fake API server keeps every field a client sends through it,
/// loosely modelled Kubernetes resources carry it, and the normalizer reads registry and Kubernetes inputs
/// through it tolerantly: ``subscript(anyCase:)`` matches object keys the way Go's `encoding/json` does, and
/// ``scalarString`` accepts ids and epochs that arrive unquoted.
///
/// ```swift
/// let value = try JSONValue.parse(data)
/// let host = value["spec"]?["host"]?.stringValue
/// let owner = value[anyCase: "owner"]?.scalarString
/// ```
///
/// A number decodes as ``int(_:)`` whenever it is an integer that fits `Int64` (`1`, `1.0` and `1e3` alike), else
/// as ``double(_:)``, so two spellings of the same integer compare equal.
public enum JSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Parses JSON bytes.
    public static func parse(_ data: Data) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// A number as the decoder would keep it: ``int(_:)`` when `value` is an integer that fits `Int64`,
    /// else ``double(_:)`` (used by readers of other formats, such as YAML, to agree with JSON decoding).
    public static func number(_ value: Double) -> JSONValue {
        if let integer = Int64(exactly: value) { return .int(integer) }
        return .double(value)
    }

    /// The member `key` of an object, or nil for other values and missing keys. Matching is exact; setting a
    /// member of a non-object does nothing.
    public subscript(key: String) -> JSONValue? {
        get {
            if case .object(let members) = self { return members[key] }
            return nil
        }
        set {
            guard case .object(var members) = self else { return }
            members[key] = newValue
            self = .object(members)
        }
    }

    /// The member named `key` the way Go's `encoding/json` fills a struct field: an exact match first, else the
    /// first case-insensitive match in sorted key order (so `owner` is read from an `"Owner"` key).
    public subscript(anyCase key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        if let exact = members[key] { return exact }
        let lowered = key.lowercased()
        for name in members.keys.sorted() where name.lowercased() == lowered {
            return members[name]
        }
        return nil
    }

    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// A string, or a number rendered as text: integers (and integral doubles below 1e18) without a fraction.
    /// Registry ids and epochs sometimes arrive unquoted; this reads both spellings the same way.
    public var scalarString: String? {
        switch self {
        case .string(let value): return value
        case .int(let value): return String(value)
        case .double(let value):
            if value.rounded() == value, abs(value) < 1e18 { return String(Int64(value)) }
            return String(value)
        default: return nil
        }
    }

    /// The integer, if this is an integral number.
    public var intValue: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }

    /// Any number as a `Double`, integers included.
    public var numberValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    /// The members, if this is an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// Applies an RFC 7386 JSON merge patch to this value and returns the result.
    ///
    /// Objects merge member by member, `null` removes a member, and anything else replaces the target whole.
    public func applyingMergePatch(_ patch: JSONValue) -> JSONValue {
        guard case .object(let patchMembers) = patch else { return patch }
        var result = self.objectValue ?? [:]
        for (key, patchValue) in patchMembers {
            if patchValue == .null {
                result.removeValue(forKey: key)
            } else {
                result[key] = (result[key] ?? .null).applyingMergePatch(patchValue)
            }
        }
        return .object(result)
    }

    /// Converts any `Encodable` value into a `JSONValue` through a JSON round trip.
    public init(encoding value: some Encodable) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }

    /// Decodes this value as `T` through a JSON round trip.
    public func decode<T: Decodable>(as type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: JSONEncoder().encode(self))
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
