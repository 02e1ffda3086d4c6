/// A wall-clock instant as seconds since 1970-01-01 UTC. Core has no clock and no Foundation:
/// the engine stamps its data and the terminal's tick says what time it is.
///
/// ```swift
/// let at = Timestamp(secondsSince1970: date.timeIntervalSince1970)
/// at.iso8601                 // "2026-08-14T10:32:05Z"
/// at.age(at: now)            // "5m"
/// ```
public struct Timestamp: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var secondsSince1970: Double

    /// Creates an instant.
    public init(secondsSince1970: Double) {
        self.secondsSince1970 = secondsSince1970
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.secondsSince1970 < rhs.secondsSince1970 }

    /// The instant `seconds` later.
    public func adding(seconds: Double) -> Timestamp { Timestamp(secondsSince1970: secondsSince1970 + seconds) }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    public var iso8601: String {
        let total = Int64(secondsSince1970.rounded(.down))
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let secondOfDay = total - days * 86_400
        let (year, month, day) = Timestamp.civil(daysSince1970: days)
        return "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):"
            + "\(two(secondOfDay % 60))Z"
    }

    /// `HH:MM:SS` in UTC, for event lists.
    public var timeOfDay: String {
        String(iso8601.dropFirst(11).dropLast())
    }

    public var description: String { iso8601 }

    /// How long before `now` this was, in the largest whole unit: `12s`, `5m`, `3h`, `2d`.
    /// Instants in the future (clock skew) read `0s`.
    public func age(at now: Timestamp) -> String {
        Timestamp.duration(max(0, now.secondsSince1970 - secondsSince1970))
    }

    /// A duration in the largest whole unit.
    public static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds)
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m" }
        if whole < 86_400 { return "\(whole / 3600)h" }
        return "\(whole / 86_400)d"
    }

    private func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
    static func civil(daysSince1970 days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shifted = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shifted + 2) / 5 + 1
        let month = shifted < 10 ? shifted + 3 : shifted - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
