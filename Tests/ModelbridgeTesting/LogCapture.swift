import Foundation
import Logging
import Synchronization

/// Collects every line the loggers it makes emit, formatted with their metadata, so a test
/// can assert that a fault was logged, or that a secret never was. Installed per logger
/// (`Logger(label:factory:)`), because `LoggingSystem.bootstrap` may run only once per process.
public final class LogCapture: Sendable {
    public init() {}

    /// One captured line.
    public struct Line: Sendable, CustomStringConvertible {
        public var level: Logger.Level
        public var label: String
        public var text: String

        public init(level: Logger.Level, label: String, text: String) {
            self.level = level
            self.label = label
            self.text = text
        }

        public var description: String { "[\(level)] \(label): \(text)" }
    }

    private let lines = Mutex<[Line]>([])

    /// A logger whose every line at `level` or above lands in this capture.
    public func logger(_ label: String, level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: label) { label in CapturingHandler(label: label, capture: self) }
        logger.logLevel = level
        return logger
    }

    public func append(_ line: Line) { lines.withLock { $0.append(line) } }

    /// Every line so far.
    public var all: [Line] { lines.withLock { $0 } }

    /// Lines at `level` or above whose text contains `fragment` (case-insensitive).
    public func lines(atLeast level: Logger.Level, containing fragment: String = "") -> [Line] {
        all.filter { $0.level >= level && (fragment.isEmpty || $0.text.lowercased().contains(fragment.lowercased())) }
    }

    /// Forgets what was captured.
    public func clear() { lines.withLock { $0.removeAll() } }
}

/// A `LogHandler` that formats a line as `message key=value …` and hands it to a ``LogCapture``.
public struct CapturingHandler: LogHandler {
    public let label: String
    public let capture: LogCapture
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public init(label: String, capture: LogCapture) {
        self.label = label
        self.capture = capture
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        var rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        if let error = event.error { rendered += " error=\(error)" }
        let text = rendered.isEmpty ? "\(event.message)" : "\(event.message) \(rendered)"
        capture.append(LogCapture.Line(level: event.level, label: label, text: text))
    }
}

extension Logger {
    /// A logger that prints nothing below `.critical`, for servers and clients under test.
    public static func quiet(_ label: String = "test") -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = .critical
        return logger
    }
}
