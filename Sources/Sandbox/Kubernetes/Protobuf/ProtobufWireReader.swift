/// Reads the protocol-buffers wire format field by field: varints, 64- and 32-bit words, and length-delimited
/// bytes (strings, nested messages, packed lists, and map entries, which are nested messages with key 1 and
/// value 2).
///
/// It knows nothing about any schema; ``KubeProtobufDecoder`` gives the fields their meaning. Every read is
/// bounds-checked, so malformed input ends in a ``ProtobufWireError``, never a crash.
///
/// ```swift
/// var reader = ProtobufWireReader(bytes)
/// while let field = try reader.nextField() {
///     if field.number == 1, case .lengthDelimited(let text) = field.value { … }
/// }
/// ```
struct ProtobufWireReader {
    /// One field as it sits on the wire.
    struct Field: Equatable {
        var number: Int
        var value: Value
    }

    /// A field's raw value, by wire type.
    enum Value: Equatable {
        case varint(UInt64)
        case fixed64(UInt64)
        case lengthDelimited(ArraySlice<UInt8>)
        case fixed32(UInt32)
    }

    private let bytes: ArraySlice<UInt8>
    private var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    init(_ bytes: [UInt8]) { self.init(bytes[...]) }

    var isAtEnd: Bool { position >= bytes.endIndex }

    /// The next field, or nil at the end of the message.
    mutating func nextField() throws(ProtobufWireError) -> Field? {
        guard !isAtEnd else { return nil }
        let key = try readVarint()
        let wireType = Int(key & 7)
        let shifted = key >> 3
        guard shifted > 0, shifted <= UInt64(Int32.max) else {
            throw .illegalTag(number: Int(truncatingIfNeeded: shifted), wireType: wireType)
        }
        let number = Int(shifted)
        switch wireType {
        case 0:
            return Field(number: number, value: .varint(try readVarint()))
        case 1:
            return Field(number: number, value: .fixed64(try readLittleEndian(byteCount: 8)))
        case 2:
            let length = try readVarint()
            guard length <= UInt64(Int32.max) else { throw .negativeLength }
            let count = Int(length)
            guard bytes.endIndex - position >= count else { throw .unexpectedEndOfInput }
            let slice = bytes[position..<(position + count)]
            position += count
            return Field(number: number, value: .lengthDelimited(slice))
        case 5:
            return Field(number: number, value: .fixed32(UInt32(try readLittleEndian(byteCount: 4))))
        default:
            // 3 and 4 are the deprecated groups, which no Kubernetes message uses; 6 and 7 do not exist.
            throw .illegalWireType(wireType, field: number)
        }
    }

    /// One bare varint (a field key, a varint value, or an element of a packed list).
    mutating func readVarint() throws(ProtobufWireError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.endIndex else { throw .unexpectedEndOfInput }
            let byte = bytes[position]
            position += 1
            // The tenth byte may carry only the top bit of a 64-bit value.
            if shift == 63 && byte > 1 { throw .integerOverflow }
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw .integerOverflow }
        }
    }

    private mutating func readLittleEndian(byteCount: Int) throws(ProtobufWireError) -> UInt64 {
        guard bytes.endIndex - position >= byteCount else { throw .unexpectedEndOfInput }
        var result: UInt64 = 0
        for index in 0..<byteCount {
            result |= UInt64(bytes[position + index]) << (8 * UInt64(index))
        }
        position += byteCount
        return result
    }
}

/// Why bytes are not a well-formed protobuf message. The descriptions follow the Go (gogo-protobuf) decoder's, which
/// is what a real API server puts in its 400 answer.
enum ProtobufWireError: Error, Equatable, CustomStringConvertible {
    case unexpectedEndOfInput
    case integerOverflow
    case negativeLength
    case illegalTag(number: Int, wireType: Int)
    case illegalWireType(Int, field: Int)
    /// A field arrived with a wire type its schema does not allow (`proto: wrong wireType = 0 for field Name`).
    case wrongWireType(Int, field: String)
    /// A string field that is not UTF-8.
    case invalidUTF8(field: String)

    var description: String {
        switch self {
        case .unexpectedEndOfInput: return "unexpected EOF"
        case .integerOverflow: return "proto: integer overflow"
        case .negativeLength: return "proto: negative length found during unmarshaling"
        case .illegalTag(let number, let wireType):
            return "proto: illegal tag \(number) (wire type \(wireType))"
        case .illegalWireType(let wireType, let field):
            return "proto: illegal wireType \(wireType) for field number \(field)"
        case .wrongWireType(let wireType, let field):
            return "proto: wrong wireType = \(wireType) for field \(field)"
        case .invalidUTF8(let field): return "proto: field \(field) is not valid UTF-8"
        }
    }
}

extension ProtobufWireReader.Value {
    /// The wire type number (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32).
    var wireType: Int {
        switch self {
        case .varint: return 0
        case .fixed64: return 1
        case .lengthDelimited: return 2
        case .fixed32: return 5
        }
    }
}
