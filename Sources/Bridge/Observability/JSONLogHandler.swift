import Foundation
import Logging

/// One JSON object per line, with the keys log pipelines built for controller-runtime (zap) parse:
/// `ts` (RFC 3339 with fractions), `level`, `logger`, `msg`, and the metadata as typed fields — a value logged as a
/// number, a boolean, a list or a map stays one; everything else is a string.
///
/// ```swift
/// LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
/// Logger(label: "modelbridge.location").info("loaded", metadata: ["documents": .stringConvertible(42)])
/// // {"documents":42,"level":"info","logger":"modelbridge.location","msg":"loaded","ts":"2026-12-07T03:20:01.123456Z"}
/// ```
public struct JSONLogHandler: LogHandler {
    public let label: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let write: @Sendable (Data) -> Void

    /// - Parameter write: where each line goes (standard error by default; tests capture it).
    public init(label: String, write: @escaping @Sendable (Data) -> Void = { FileHandle.standardError.write($0) }) {
        self.label = label
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line: [String: Any] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            line[key] = Self.typed(value)
        }
        // The fixed keys win over metadata that happens to use the same names.
        line["ts"] = Self.timestamp(Date())
        line["level"] = event.level.rawValue
        line["logger"] = label
        line["msg"] = "\(event.message)"
        guard
            var data = try? JSONSerialization.data(
                withJSONObject: line, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        else { return }
        data.append(0x0a)
        write(data)
    }

    /// A metadata value as JSON: numbers and booleans logged with `.stringConvertible` stay numbers and booleans.
    static func typed(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): return text
        case .stringConvertible(let convertible):
            switch convertible {
            case let number as Int: return number
            case let number as Int64: return number
            case let number as UInt64: return number
            case let number as Double where number.isFinite: return number
            case let flag as Bool: return flag
            default: return convertible.description
            }
        case .array(let values): return values.map(typed)
        case .dictionary(let values): return values.mapValues(typed)
        }
    }

    /// RFC 3339 in UTC with microseconds, e.g. `2026-12-07T03:20:01.123456Z`.
    static func timestamp(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let whole = floor(seconds)
        let micros = min(999_999, Int(((seconds - whole) * 1_000_000).rounded()))
        var time = time_t(whole)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), micros)
    }
}
