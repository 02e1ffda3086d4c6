import Foundation

/// Any JSON value, kept losslessly: objects, arrays, strings, integers, floating-point numbers, booleans and null.
///
/// Used for loosely modelled resources (``LLMInferenceService``) and by the fake API server, which must keep
/// every field a client sends.
///
/// ```swift
/// let value = try JSONDecoder().decode(JSONValue.self, from: data)
/// let host = value["spec"]?["host"]?.stringValue
/// ```
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

    /// The member `key` of an object, or nil for other values and missing keys.
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

    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The integer, if this is an integral number.
    public var intValue: Int64? {
        if case .int(let value) = self { return value }
        return nil
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
        let data = try KubeJSON.encoder.encode(value)
        self = try KubeJSON.decoder.decode(JSONValue.self, from: data)
    }

    /// Decodes this value as `T` through a JSON round trip.
    public func decode<T: Decodable>(as type: T.Type) throws -> T {
        try KubeJSON.decoder.decode(T.self, from: KubeJSON.encoder.encode(self))
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

/// The JSON encoder and decoder settings every Kubernetes body uses.
///
/// Foundation's encoder on Linux escapes `/` unless told not to; keys are sorted so bodies are reproducible.
public enum KubeJSON {
    /// A fresh-configured encoder (encoders are cheap; sharing one across threads is not documented as safe).
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }

    /// A decoder with the default `.base64` data strategy, which matches `binaryData` on the wire.
    public static var decoder: JSONDecoder { JSONDecoder() }
}
