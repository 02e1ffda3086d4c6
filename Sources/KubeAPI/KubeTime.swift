import Foundation

/// The two timestamp formats of the Kubernetes API, written exactly as the API server parses them.
///
/// - `metav1.Time` (`creationTimestamp`, conditions' `lastTransitionTime`, …) is RFC 3339 in whole
///   seconds, UTC: `2006-01-02T15:04:05Z`.
/// - `metav1.MicroTime` (a Lease's `acquireTime` and `renewTime`, an Event's `eventTime`) must have
///   **exactly six** fractional digits: `2006-01-02T15:04:05.000000Z`. The server parses it with that
///   Go layout, so three digits (what `ISO8601DateFormatter` writes) is refused with 400 BadRequest.
///
/// ```swift
/// KubeTime.time(date)        // "2026-12-07T00:44:24Z"
/// KubeTime.microTime(date)   // "2026-12-07T00:44:24.793000Z"
/// KubeTime.parse("2026-12-07T00:44:24.793Z")   // reads any RFC 3339 the server or a peer wrote
/// ```
public enum KubeTime {
    /// `metav1.Time`: RFC 3339, UTC, no fraction (a fraction is truncated, as Go's formatter does).
    public static func time(_ date: Date) -> String {
        civil(Int64(date.timeIntervalSince1970.rounded(.down))) + "Z"
    }

    /// `metav1.MicroTime`: RFC 3339, UTC, exactly six fractional digits (rounded to the nearest microsecond, so
    /// that a `Date` made from `…24.793` writes `.793000`, not `.792999`).
    public static func microTime(_ date: Date) -> String {
        let (seconds, micros) = split(date)
        let fraction = String(micros)
        return civil(seconds) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction + "Z"
    }

    /// Reads an RFC 3339 timestamp with or without a fraction (any number of digits) and with `Z` or a
    /// numeric offset; nil when it is not one. Lenient on purpose: this reads what others wrote.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for index in range {
                guard (48...57).contains(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - 48)
            }
            return value
        }
        guard bytes.count >= 20, let year = number(0..<4), bytes[4] == 45, let month = number(5..<7),
            bytes[7] == 45, let day = number(8..<10), bytes[10] == 84 || bytes[10] == 116,
            let hour = number(11..<13), bytes[13] == 58, let minute = number(14..<16), bytes[16] == 58,
            let second = number(17..<19), (1...12).contains(month), (1...31).contains(day), hour < 24,
            minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == 46 || bytes[index] == 44 {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, (48...57).contains(bytes[index]) {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offset = 0
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case 90, 122:  // Z, z
            index += 1
        case 43, 45:  // +, -
            guard let hours = number(index + 1..<index + 3), index + 3 < bytes.count, bytes[index + 3] == 58,
                let minutes = number(index + 4..<index + 6)
            else { return nil }
            offset = (hours * 60 + minutes) * 60 * (bytes[index] == 45 ? -1 : 1)
            index += 6
        default:
            return nil
        }
        guard index == bytes.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// Whole seconds since 1970 (floored) and the microseconds within that second (rounded to the nearest).
    static func split(_ date: Date) -> (seconds: Int64, micros: Int64) {
        let totalMicros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = totalMicros / 1_000_000
        var micros = totalMicros % 1_000_000
        if micros < 0 {
            seconds -= 1
            micros += 1_000_000
        }
        return (seconds, micros)
    }

    /// `YYYY-MM-DDTHH:MM:SS` of a Unix second, in UTC (proleptic Gregorian calendar).
    static func civil(_ seconds: Int64) -> String {
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 {
            days -= 1
            rest += 86_400
        }
        let (year, month, day) = civilFromDays(Int(days))
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = String(year)
        return String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText + "-" + two(month) + "-"
            + two(day) + "T" + two(Int(rest / 3600)) + ":" + two(Int(rest % 3600 / 60)) + ":" + two(Int(rest % 60))
    }

    /// Howard Hinnant's days-to-civil conversion (days since 1970-01-01 → year, month, day).
    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The inverse of ``civilFromDays(_:)``.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let adjustedYear = month <= 2 ? year - 1 : year
        let era = (adjustedYear >= 0 ? adjustedYear : adjustedYear - 399) / 400
        let yearOfEra = adjustedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
