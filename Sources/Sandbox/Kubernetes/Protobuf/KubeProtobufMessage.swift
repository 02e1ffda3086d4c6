import Foundation
import KubeAPI

/// The shape of one Kubernetes protobuf message: for each field number, the JSON member it becomes.
///
/// The field numbers are those of the published `generated.proto` files of `k8s.io/api` and
/// `k8s.io/apimachinery`; ``KubeProtobufMessages`` lists the messages the fake API server reads.
///
/// ```swift
/// let json = try KubeProtobufMessages.configMap.decode(rawBytes)   // {"metadata": {…}, "data": {…}}
/// ```
struct KubeProtobufMessage: Sendable {
    var name: String
    var fields: [Int: KubeProtobufField]

    init(_ name: String, _ fields: [Int: KubeProtobufField]) {
        self.name = name
        self.fields = fields
    }

    /// Decodes the message into the JSON object a JSON client would have sent for the same Go value: members that
    /// Go's `omitempty` would leave out are left out, pointers are kept when set, unknown field numbers are skipped.
    func decode(_ bytes: ArraySlice<UInt8>) throws(ProtobufWireError) -> JSONValue {
        var reader = ProtobufWireReader(bytes)
        var members: [String: JSONValue] = [:]
        var lists: [String: [JSONValue]] = [:]
        var maps: [String: [String: JSONValue]] = [:]
        while let field = try reader.nextField() {
            guard let shape = fields[field.number] else { continue }
            switch shape.type {
            case .stringMap, .bytesMap:
                let (key, value) = try shape.mapEntry(field.value)
                maps[shape.name, default: [:]][key] = value
            default:
                if shape.repeated {
                    lists[shape.name, default: []].append(contentsOf: try shape.repeatedValues(field.value))
                } else {
                    members[shape.name] = try shape.value(field.value)
                }
            }
        }
        var result: [String: JSONValue] = [:]
        for shape in fields.values {
            if let list = lists[shape.name], !list.isEmpty {
                result[shape.name] = .array(list)
            } else if let map = maps[shape.name], !map.isEmpty {
                result[shape.name] = .object(map)
            } else if let value = members[shape.name], value != .null {
                if shape.presence == .omitEmpty && value.isGoZeroValue { continue }
                result[shape.name] = value
            }
        }
        return .object(result)
    }
}

/// One field of a ``KubeProtobufMessage``.
struct KubeProtobufField: Sendable {
    /// Whether a zero value is still written to JSON.
    enum Presence: Sendable {
        /// A Go value with `omitempty`: "", 0 and false are left out.
        case omitEmpty
        /// A Go pointer: written whenever it was sent, zero or not.
        case pointer
    }

    /// The field's protobuf type and its JSON form.
    indirect enum FieldType: Sendable {
        case string
        /// Bytes, written as standard base64 as Go's JSON does for `[]byte`.
        case bytes
        case bool
        case int32
        case int64
        case message(KubeProtobufMessage)
        /// `metav1.Time`: RFC 3339 in whole seconds; an empty message is the zero time, written as nothing.
        case time
        /// `metav1.MicroTime`: RFC 3339 with six fractional digits.
        case microTime
        /// `intstr.IntOrString` (type 1, intVal 2, strVal 3): a bare number or a bare string.
        case intOrString
        /// `metav1.FieldsV1`: field 1 holds JSON text, written as the JSON value itself.
        case rawJSON
        /// `map<string, string>`, sent as repeated entry messages (key 1, value 2).
        case stringMap
        /// `map<string, bytes>`; values written as base64.
        case bytesMap
    }

    var name: String
    var type: FieldType
    var repeated = false
    var presence = Presence.omitEmpty

    static func string(_ name: String, pointer: Bool = false) -> KubeProtobufField {
        KubeProtobufField(name: name, type: .string, presence: pointer ? .pointer : .omitEmpty)
    }
    static func strings(_ name: String) -> KubeProtobufField {
        KubeProtobufField(name: name, type: .string, repeated: true)
    }
    static func bool(_ name: String, pointer: Bool = false) -> KubeProtobufField {
        KubeProtobufField(name: name, type: .bool, presence: pointer ? .pointer : .omitEmpty)
    }
    static func int32(_ name: String, pointer: Bool = false) -> KubeProtobufField {
        KubeProtobufField(name: name, type: .int32, presence: pointer ? .pointer : .omitEmpty)
    }
    static func int64(_ name: String, pointer: Bool = false) -> KubeProtobufField {
        KubeProtobufField(name: name, type: .int64, presence: pointer ? .pointer : .omitEmpty)
    }
    static func message(_ name: String, _ message: KubeProtobufMessage) -> KubeProtobufField {
        KubeProtobufField(name: name, type: .message(message))
    }
    static func messages(_ name: String, _ message: KubeProtobufMessage) -> KubeProtobufField {
        KubeProtobufField(name: name, type: .message(message), repeated: true)
    }
    static func time(_ name: String) -> KubeProtobufField { KubeProtobufField(name: name, type: .time) }
    static func microTime(_ name: String) -> KubeProtobufField { KubeProtobufField(name: name, type: .microTime) }
    static func intOrString(_ name: String) -> KubeProtobufField {
        KubeProtobufField(name: name, type: .intOrString, presence: .pointer)
    }
    static func stringMap(_ name: String) -> KubeProtobufField { KubeProtobufField(name: name, type: .stringMap) }
    static func bytesMap(_ name: String) -> KubeProtobufField { KubeProtobufField(name: name, type: .bytesMap) }

    /// The field name as the Go decoder names it in its errors (`Name`, not `name`).
    private var goName: String { name.prefix(1).uppercased() + name.dropFirst() }

    fileprivate func value(_ raw: ProtobufWireReader.Value) throws(ProtobufWireError) -> JSONValue {
        switch (type, raw) {
        case (.string, .lengthDelimited(let bytes)):
            guard let text = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8(field: goName) }
            return .string(text)
        case (.bytes, .lengthDelimited(let bytes)):
            return .string(Data(bytes).base64EncodedString())
        case (.bool, .varint(let number)):
            return .bool(number != 0)
        case (.int32, .varint(let number)):
            return .int(Int64(Int32(truncatingIfNeeded: number)))
        case (.int64, .varint(let number)):
            return .int(Int64(bitPattern: number))
        case (.message(let message), .lengthDelimited(let bytes)):
            return try message.decode(bytes)
        case (.time, .lengthDelimited(let bytes)):
            return try Self.timestamp(bytes, fractionDigits: 0)
        case (.microTime, .lengthDelimited(let bytes)):
            return try Self.timestamp(bytes, fractionDigits: 6)
        case (.intOrString, .lengthDelimited(let bytes)):
            let decoded = try KubeProtobufMessages.intOrString.decode(bytes)
            if decoded["type"]?.intValue == 1 { return decoded["strVal"] ?? .string("") }
            return decoded["intVal"] ?? .int(0)
        case (.rawJSON, .lengthDelimited(let bytes)):
            let raw = try KubeProtobufMessages.fieldsV1.decode(bytes)["Raw"]?.stringValue ?? ""
            guard let data = Data(base64Encoded: raw), !data.isEmpty else { return .object([:]) }
            guard let value = try? KubeJSON.decoder.decode(JSONValue.self, from: data) else {
                throw .wrongWireType(2, field: goName)
            }
            return value
        default:
            throw .wrongWireType(raw.wireType, field: goName)
        }
    }

    /// A repeated field's values from one wire field: scalars may come packed into one length-delimited field.
    fileprivate func repeatedValues(_ raw: ProtobufWireReader.Value) throws(ProtobufWireError) -> [JSONValue] {
        switch (type, raw) {
        case (.bool, .lengthDelimited(let bytes)), (.int32, .lengthDelimited(let bytes)),
            (.int64, .lengthDelimited(let bytes)):
            var values: [JSONValue] = []
            var reader = ProtobufWireReader(bytes)
            while !reader.isAtEnd {
                // A packed list is a run of bare varints with no field keys.
                let number = try reader.readVarint()
                values.append(try value(.varint(number)))
            }
            return values
        default:
            return [try value(raw)]
        }
    }

    fileprivate func mapEntry(_ raw: ProtobufWireReader.Value) throws(ProtobufWireError) -> (String, JSONValue) {
        guard case .lengthDelimited(let bytes) = raw else { throw .wrongWireType(raw.wireType, field: goName) }
        var reader = ProtobufWireReader(bytes)
        var key = ""
        var value: JSONValue = .string("")
        while let field = try reader.nextField() {
            switch (field.number, field.value) {
            case (1, .lengthDelimited(let text)):
                guard let decoded = String(validating: text, as: UTF8.self) else {
                    throw .invalidUTF8(field: goName)
                }
                key = decoded
            case (2, .lengthDelimited(let content)):
                if case .bytesMap = type {
                    value = .string(Data(content).base64EncodedString())
                } else {
                    guard let decoded = String(validating: content, as: UTF8.self) else {
                        throw .invalidUTF8(field: goName)
                    }
                    value = .string(decoded)
                }
            case (1, _), (2, _):
                throw .wrongWireType(field.value.wireType, field: goName)
            default:
                continue
            }
        }
        return (key, value)
    }

    private static func timestamp(_ bytes: ArraySlice<UInt8>, fractionDigits: Int) throws(ProtobufWireError)
        -> JSONValue
    {
        let decoded = try KubeProtobufMessages.timestamp.decode(bytes)
        let seconds = decoded["seconds"]?.intValue ?? 0
        let nanos = decoded["nanos"]?.intValue ?? 0
        // Go writes the zero time as an empty message; its JSON form is null.
        if bytes.isEmpty || (seconds == 0 && nanos == 0) { return .null }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        var text = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
            parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
        if fractionDigits == 6 { text += String(format: ".%06d", Int(nanos) / 1000) }
        return .string(text + "Z")
    }
}

extension JSONValue {
    /// Whether Go's `omitempty` would leave this scalar out.
    fileprivate var isGoZeroValue: Bool {
        switch self {
        case .string(let text): return text.isEmpty
        case .int(let number): return number == 0
        case .bool(let flag): return !flag
        case .double(let number): return number == 0
        default: return false
        }
    }
}
