/// One custom property value: the `MetadataValue` union of the registry and catalog APIs,
/// tagged by `metadataType`, with the value under a snake_case key.
///
/// ```swift
/// let value = try JSONDecoder().decode(MetadataValue.self, from: Data(#"""
///     {"metadataType": "MetadataStringValue", "string_value": "Apache-2"}
///     """#.utf8))
/// value.stringValue  // "Apache-2"
/// ```
///
/// | metadataType | key | Swift case |
/// |---|---|---|
/// | `MetadataStringValue` | `string_value` | ``string(_:)`` |
/// | `MetadataIntValue` | `int_value` (an int64 written as a string) | ``int(_:)`` |
/// | `MetadataDoubleValue` | `double_value` | ``double(_:)`` |
/// | `MetadataBoolValue` | `bool_value` | ``bool(_:)`` |
/// | `MetadataStructValue` | `struct_value` (base64) | ``structValue(base64:)`` |
/// | `MetadataProtoValue` | `type` + `proto_value` (base64) | ``proto(type:base64:)`` |
///
/// A missing or unknown `metadataType`, or a value that does not fit its type, decodes to
/// ``notSet`` instead of failing the whole document, as the upstream bridge tolerates it.
public enum MetadataValue: Sendable, Hashable, Codable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case structValue(base64: String)
    case proto(type: String, base64: String)
    /// No usable value: the `metadataType` was missing or unknown.
    case notSet

    /// The value when it is a string value (the only kind the bridge gives meaning to).
    public var stringValue: String? {
        if case .string(let text) = self {
            return text
        }
        return nil
    }

    /// The `metadataType` discriminator written for this value (`nil` for ``notSet``).
    public var metadataType: String? {
        switch self {
        case .string: return "MetadataStringValue"
        case .int: return "MetadataIntValue"
        case .double: return "MetadataDoubleValue"
        case .bool: return "MetadataBoolValue"
        case .structValue: return "MetadataStructValue"
        case .proto: return "MetadataProtoValue"
        case .notSet: return nil
        }
    }

    enum CodingKeys: String, CodingKey {
        case metadataType
        case stringValue = "string_value"
        case intValue = "int_value"
        case doubleValue = "double_value"
        case boolValue = "bool_value"
        case structValue = "struct_value"
        case protoType = "type"
        case protoValue = "proto_value"
    }

    public init(from decoder: any Decoder) throws {
        let container = try GoStyleKeyedContainer(decoder: decoder, keyedBy: CodingKeys.self)
        let type = (try? container.decode(String.self, .metadataType)) ?? nil
        switch type {
        case "MetadataStringValue":
            self = ((try? container.decode(String.self, .stringValue)) ?? nil).map(Self.string) ?? .notSet
        case "MetadataIntValue":
            let text = (try? container.lenientString(.intValue)) ?? nil
            self = text.flatMap { Int64($0) }.map(Self.int) ?? .notSet
        case "MetadataDoubleValue":
            if let number = (try? container.decode(Double.self, .doubleValue)) ?? nil {
                self = .double(number)
            } else if let text = (try? container.decode(String.self, .doubleValue)) ?? nil, let number = Double(text) {
                self = .double(number)
            } else {
                self = .notSet
            }
        case "MetadataBoolValue":
            self = ((try? container.decode(Bool.self, .boolValue)) ?? nil).map(Self.bool) ?? .notSet
        case "MetadataStructValue":
            let text = (try? container.decode(String.self, .structValue)) ?? nil
            self = text.map { .structValue(base64: $0) } ?? .notSet
        case "MetadataProtoValue":
            let protoType = (try? container.decode(String.self, .protoType)) ?? nil
            let value = (try? container.decode(String.self, .protoValue)) ?? nil
            if let protoType, let value {
                self = .proto(type: protoType, base64: value)
            } else {
                self = .notSet
            }
        default:
            self = .notSet
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(metadataType, forKey: .metadataType)
        switch self {
        case .string(let text):
            try container.encode(text, forKey: .stringValue)
        case .int(let number):
            try container.encode(String(number), forKey: .intValue)
        case .double(let number):
            try container.encode(number, forKey: .doubleValue)
        case .bool(let flag):
            try container.encode(flag, forKey: .boolValue)
        case .structValue(let base64):
            try container.encode(base64, forKey: .structValue)
        case .proto(let type, let base64):
            try container.encode(type, forKey: .protoType)
            try container.encode(base64, forKey: .protoValue)
        case .notSet:
            break
        }
    }
}

/// Custom properties as the APIs carry them: property name → value.
public typealias CustomProperties = [String: MetadataValue]
