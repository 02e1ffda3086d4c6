/// Go's `time.Parse` for the two layouts the API server decodes timestamps with, with Go's exact error
/// messages, so the fake refuses the same timestamps with the same words.
///
/// - `metav1.Time` uses `time.RFC3339` (`2006-01-02T15:04:05Z07:00`): when parsing, Go accepts a fraction of
///   any length after the seconds even though the layout has none.
/// - `metav1.MicroTime` uses `2006-01-02T15:04:05.000000Z07:00`: exactly six fractional digits, or
///   `cannot parse ".793Z" as ".000000"`.
///
/// ```swift
/// FakeKubeGoTime.parseError("2026-12-07T00:44:24.793Z", layout: .rfc3339Micro)
/// // parsing time "2026-12-07T00:44:24.793Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".793Z" as ".000000"
/// ```
enum FakeKubeGoTime {
    enum Layout: String {
        case rfc3339 = "2006-01-02T15:04:05Z07:00"
        case rfc3339Micro = "2006-01-02T15:04:05.000000Z07:00"
    }

    /// One element of a layout, in the order Go's parser walks it.
    private enum Element {
        case literal(String)
        case longYear, zeroMonth, zeroDay, hour, zeroMinute, zeroSecond, fractionSix, colonZone

        var text: String {
            switch self {
            case .literal(let text): text
            case .longYear: "2006"
            case .zeroMonth: "01"
            case .zeroDay: "02"
            case .hour: "15"
            case .zeroMinute: "04"
            case .zeroSecond: "05"
            case .fractionSix: ".000000"
            case .colonZone: "Z07:00"
            }
        }
    }

    private static func elements(_ layout: Layout) -> [Element] {
        var result: [Element] = [
            .longYear, .literal("-"), .zeroMonth, .literal("-"), .zeroDay, .literal("T"), .hour, .literal(":"),
            .zeroMinute, .literal(":"), .zeroSecond,
        ]
        if layout == .rfc3339Micro { result.append(.fractionSix) }
        result.append(.colonZone)
        return result
    }

    /// Go's error text for `time.Parse(layout, value)`, or nil when Go accepts the value.
    static func parseError(_ value: String, layout: Layout) -> String? {
        let all = Array(value.utf8)
        var rest = all[...]
        var year = 0
        var month = 0
        var day = 0
        let elements = elements(layout)

        func failure(_ layoutElement: String, _ valueElement: ArraySlice<UInt8>) -> String {
            "parsing time \(quote(all[...])) as \(quote(Array(layout.rawValue.utf8)[...])): cannot parse "
                + "\(quote(valueElement)) as \(quote(Array(layoutElement.utf8)[...]))"
        }
        func outOfRange(_ what: String) -> String { "parsing time \(quote(all[...])): \(what) out of range" }
        func isDigit(_ slice: ArraySlice<UInt8>, _ offset: Int) -> Bool {
            slice.count > offset && (48...57).contains(slice[slice.startIndex + offset])
        }
        /// Go's `getnum`: one or two digits (exactly two when `fixed`).
        func number(_ slice: inout ArraySlice<UInt8>, fixed: Bool) -> Int? {
            guard isDigit(slice, 0) else { return nil }
            let first = Int(slice[slice.startIndex] - 48)
            guard isDigit(slice, 1) else {
                if fixed { return nil }
                slice = slice.dropFirst()
                return first
            }
            let value = first * 10 + Int(slice[slice.startIndex + 1] - 48)
            slice = slice.dropFirst(2)
            return value
        }

        for (index, element) in elements.enumerated() {
            let hold = rest
            switch element {
            case .literal(let text):
                for byte in text.utf8 {
                    guard rest.first == byte else { return failure(text, rest) }
                    rest = rest.dropFirst()
                }
            case .longYear:
                guard rest.count >= 4, (0..<4).allSatisfy({ isDigit(rest, $0) }) else {
                    return failure(element.text, hold)
                }
                year = rest.prefix(4).reduce(0) { $0 * 10 + Int($1 - 48) }
                rest = rest.dropFirst(4)
            case .zeroMonth:
                guard let value = number(&rest, fixed: true) else { return failure(element.text, hold) }
                if value < 1 || value > 12 { return outOfRange("month") }
                month = value
            case .zeroDay:
                guard let value = number(&rest, fixed: true) else { return failure(element.text, hold) }
                day = value  // checked against the month once everything is read, as Go does
            case .hour:
                guard let value = number(&rest, fixed: false) else { return failure(element.text, hold) }
                if value >= 24 { return outOfRange("hour") }
            case .zeroMinute:
                guard let value = number(&rest, fixed: true) else { return failure(element.text, hold) }
                if value >= 60 { return outOfRange("minute") }
            case .zeroSecond:
                guard let value = number(&rest, fixed: true) else { return failure(element.text, hold) }
                if value >= 60 { return outOfRange("second") }
                // A fraction the layout does not name is still accepted (only when parsing), any length.
                let layoutHasFraction =
                    elements.indices.contains(index + 1)
                    && {
                        if case .fractionSix = elements[index + 1] { return true }
                        return false
                    }()
                if !layoutHasFraction, rest.count >= 2, rest.first == 46 || rest.first == 44, isDigit(rest, 1) {
                    rest = rest.dropFirst()
                    while isDigit(rest, 0) { rest = rest.dropFirst() }
                }
            case .fractionSix:
                guard rest.count >= 7, rest.first == 46 || rest.first == 44, (1..<7).allSatisfy({ isDigit(rest, $0) })
                else { return failure(element.text, hold) }
                rest = rest.dropFirst(7)
            case .colonZone:
                if rest.first == 90 {  // Z
                    rest = rest.dropFirst()
                    break
                }
                guard rest.count >= 6, rest[rest.startIndex + 3] == 58 else { return failure(element.text, hold) }
                let sign = rest[rest.startIndex]
                var hours = rest[(rest.startIndex + 1)..<(rest.startIndex + 3)]
                var minutes = rest[(rest.startIndex + 4)..<(rest.startIndex + 6)]
                guard let hourValue = number(&hours, fixed: true), let minuteValue = number(&minutes, fixed: true)
                else { return failure(element.text, hold) }
                if hourValue > 24 { return outOfRange("time zone offset hour") }
                if minuteValue > 60 { return outOfRange("time zone offset minute") }
                guard sign == 43 || sign == 45 else { return failure(element.text, hold) }
                rest = rest.dropFirst(6)
            }
        }
        if !rest.isEmpty { return "parsing time \(quote(all[...])): extra text: \(quote(rest))" }
        if day < 1 || day > daysIn(month: month, year: year) { return outOfRange("day") }
        return nil
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Go's `time.quote`: double quotes, `"` and `\` escaped, bytes outside printable ASCII as `\xNN`.
    static func quote(_ bytes: ArraySlice<UInt8>) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [34]
        for byte in bytes {
            if byte >= 0x80 || byte < 0x20 {
                out += [92, 120, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            } else {
                if byte == 34 || byte == 92 { out.append(92) }
                out.append(byte)
            }
        }
        out.append(34)
        return String(decoding: out, as: UTF8.self)
    }
}
