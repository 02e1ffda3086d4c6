import Foundation
import Synchronization

/// The poll/reconcile log the console's Events view shows: the last few hundred decisions,
/// errors and retries, newest last.
public final class EventLog: Sendable {
    /// One logged decision.
    public struct Event: Sendable, Hashable, Codable {
        public enum Level: String, Sendable, Hashable, Codable {
            case info, warning, error
        }

        public var at: Date
        public var level: Level
        /// Which part of the engine (`registry ns:name`, `kserve`, `storage`, `keyset`, …).
        public var source: String
        public var message: String

        public init(at: Date, level: Level, source: String, message: String) {
            self.at = at
            self.level = level
            self.source = source
            self.message = message
        }
    }

    private let capacity: Int
    private let events = Mutex<[Event]>([])

    public init(capacity: Int = 500) {
        self.capacity = max(1, capacity)
    }

    public func append(_ level: Event.Level, _ source: String, _ message: String, at: Date = Date()) {
        events.withLock { events in
            events.append(Event(at: at, level: level, source: source, message: message))
            if events.count > capacity { events.removeFirst(events.count - capacity) }
        }
    }

    /// The kept events, oldest first.
    public func all() -> [Event] { events.withLock { $0 } }
}
