/// The upstream name rules (`SanitizeName`, `SanitizeModelVersion`), kept byte-for-byte so
/// readable names match what the Go bridge produced.
public enum NameSanitizer {
    /// Deletes characters outside `[a-zA-Z0-9_-]`, deletes runs of two or more of `-`, `_`, `.`,
    /// truncates to 63 bytes, then trims `-`, `_`, `.` at both ends. Case is kept.
    ///
    /// ```swift
    /// NameSanitizer.sanitizeName("granite-3.1-8b-lab-v1-1.4.0")  // "granite-31-8b-lab-v1-140"
    /// ```
    public static func sanitizeName(_ input: String) -> String {
        var kept: [UInt8] = []
        kept.reserveCapacity(input.utf8.count)
        for byte in input.utf8 where isNameByte(byte) {
            kept.append(byte)
        }
        var collapsed: [UInt8] = []
        collapsed.reserveCapacity(kept.count)
        var index = 0
        while index < kept.count {
            if isSeparator(kept[index]) {
                var end = index
                while end < kept.count, isSeparator(kept[end]) { end += 1 }
                if end - index == 1 { collapsed.append(kept[index]) }
                index = end
            } else {
                collapsed.append(kept[index])
                index += 1
            }
        }
        var truncated = collapsed.prefix(63)
        while let first = truncated.first, isSeparator(first) { truncated.removeFirst() }
        while let last = truncated.last, isSeparator(last) { truncated.removeLast() }
        return String(decoding: truncated, as: UTF8.self)
    }

    /// Lowercases, turns spaces into `-`, sanitises and lowercases again (`Version 1.0` → `version-10`).
    public static func sanitizeModelVersion(_ input: String) -> String {
        sanitizeName(input.lowercased().replacingOccurrences(of: " ", with: "-")).lowercased()
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    static func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
    }
}
