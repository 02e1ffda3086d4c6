import Foundation

/// The last hour of two normalizer figures, one sample per minute, so a console that attaches
/// later still sees the whole hour (the console's header sparklines), not only what happened
/// since it started.
///
/// - `published`: the value of the `modelbridge_documents_published` gauge (documents storage and
///   location hold, as last pushed) at the end of the minute's last cycle. Both come from
///   the controller's count of pushed documents.
/// - `registryReadSeconds`: the slowest registry read (probe plus full read, if one was due)
///   of the minute's cycles: the largest of the minute's observations of the
///   `modelbridge_registry_read_duration_seconds` histogram, timed where the "answered slowly"
///   warning times it.
///
/// At most ``capacity`` minutes are kept. The value is small and travels in `/state` as
/// `history`.
///
/// ```swift
/// var history = FigureHistory()
/// history.recordRegistryRead(.milliseconds(410), at: now)
/// history.recordPublished(1_204, at: now)
/// history.minutes.last?.published  // 1204
/// ```
public struct FigureHistory: Codable, Sendable, Hashable {
    /// One minute of figures.
    public struct Minute: Codable, Sendable, Hashable {
        /// When the minute starts, on a whole minute since the epoch.
        public var start: Date
        /// `modelbridge_documents_published` at the end of the minute; `nil` before a cycle ended in it.
        public var published: Int?
        /// The slowest registry read of the minute, in seconds; `nil` when no registry was read.
        public var registryReadSeconds: Double?

        public init(start: Date, published: Int? = nil, registryReadSeconds: Double? = nil) {
            self.start = start
            self.published = published
            self.registryReadSeconds = registryReadSeconds
        }
    }

    /// Minutes kept: one hour.
    public static let capacity = 60

    /// Oldest first, one entry per minute that had a sample, none older than an hour before the newest.
    public private(set) var minutes: [Minute]

    /// A history holding `minutes` (oldest first), trimmed to the last hour.
    public init(minutes: [Minute] = []) {
        self.minutes = minutes
        trim()
    }

    /// Sets the minute's published count to `count` (the last value of the minute wins, as a gauge's does).
    public mutating func recordPublished(_ count: Int, at time: Date) {
        update(at: time) { $0.published = count }
    }

    /// Keeps the slower of the minute's registry reads so far and `duration`.
    public mutating func recordRegistryRead(_ duration: Duration, at time: Date) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        update(at: time) { minute in minute.registryReadSeconds = max(minute.registryReadSeconds ?? 0, seconds) }
    }

    /// Applies `change` to the minute of `time`, starting a new minute when it is later than the newest;
    /// a time earlier than the newest minute (the wall clock stepped back) counts into the newest.
    mutating func update(at time: Date, _ change: (inout Minute) -> Void) {
        let start = Date(timeIntervalSince1970: (time.timeIntervalSince1970 / 60).rounded(.down) * 60)
        if let newest = minutes.last, start <= newest.start {
            change(&minutes[minutes.count - 1])
            return
        }
        var minute = Minute(start: start)
        change(&minute)
        minutes.append(minute)
        trim()
    }

    /// Drops the minutes that are an hour or more older than the newest, and any beyond ``capacity``.
    mutating func trim() {
        guard let newest = minutes.last?.start else { return }
        let cutoff = newest.addingTimeInterval(-Double(Self.capacity) * 60)
        minutes.removeAll { $0.start <= cutoff }
        if minutes.count > Self.capacity { minutes.removeFirst(minutes.count - Self.capacity) }
    }
}
