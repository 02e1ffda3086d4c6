import Foundation
import Logging
import Synchronization

/// Collects every line the loggers it makes emit, formatted with their metadata, so a drill
/// can assert that a fault was logged, or that a secret never was. Installed per logger
/// (`Logger(label:factory:)`), because `LoggingSystem.bootstrap` may run only once per process.
final class LogCapture: Sendable {
    /// One captured line.
    struct Line: Sendable, CustomStringConvertible {
        var level: Logger.Level
        var label: String
        var text: String

        var description: String { "[\(level)] \(label): \(text)" }
    }

    private let lines = Mutex<[Line]>([])

    /// A logger whose every line at `level` or above lands in this capture.
    func logger(_ label: String, level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: label) { label in CapturingHandler(label: label, capture: self) }
        logger.logLevel = level
        return logger
    }

    func append(_ line: Line) { lines.withLock { $0.append(line) } }

    /// Every line so far.
    var all: [Line] { lines.withLock { $0 } }

    /// Lines at `level` or above whose text contains `fragment` (case-insensitive).
    func lines(atLeast level: Logger.Level, containing fragment: String = "") -> [Line] {
        all.filter { $0.level >= level && (fragment.isEmpty || $0.text.lowercased().contains(fragment.lowercased())) }
    }

    /// Forgets what was captured.
    func clear() { lines.withLock { $0.removeAll() } }
}

/// A `LogHandler` that formats a line as `message key=value …` and hands it to a ``LogCapture``.
struct CapturingHandler: LogHandler {
    let label: String
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    init(label: String, capture: LogCapture) {
        self.label = label
        self.capture = capture
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        var rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        if let error = event.error { rendered += " error=\(error)" }
        let text = rendered.isEmpty ? "\(event.message)" : "\(event.message) \(rendered)"
        capture.append(LogCapture.Line(level: event.level, label: label, text: text))
    }
}
