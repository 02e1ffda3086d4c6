/// What Backstage accepts for entity names, tags and owners (contract C13, C15, C18), and how
/// we make inputs conform instead of letting Backstage drop them silently.
public enum BackstageRules {
    /// Maximum length of entity names and tags.
    public static let maximumLength = 63

    /// `^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$`, at most 63 characters.
    public static func isValidTag(_ tag: String) -> Bool {
        let bytes = Array(tag.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumLength else { return false }
        var previousWasDash = true
        for byte in bytes {
            if byte == UInt8(ascii: "-") {
                if previousWasDash { return false }
                previousWasDash = true
            } else if isTagByte(byte) {
                previousWasDash = false
            } else {
                return false
            }
        }
        return !previousWasDash
    }

    /// Turns arbitrary text into a valid tag, or `nil` when nothing usable is left: lowercases,
    /// deletes characters the pattern does not allow, collapses `-` runs, trims, truncates to 63.
    public static func sanitizeTag(_ text: String) -> String? {
        var bytes: [UInt8] = []
        for byte in text.lowercased().utf8 {
            if isTagByte(byte) {
                bytes.append(byte)
            } else if byte == UInt8(ascii: "-") {
                if let last = bytes.last, last != UInt8(ascii: "-") { bytes.append(byte) }
            }
        }
        var truncated = bytes.prefix(maximumLength)
        while truncated.last == UInt8(ascii: "-") { truncated.removeLast() }
        let tag = String(decoding: truncated, as: UTF8.self)
        return isValidTag(tag) ? tag : nil
    }

    /// Backstage entity names: 1–63 characters, runs of `[a-zA-Z0-9]` separated by one of `-`, `_`, `.`.
    public static func isValidEntityName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumLength else { return false }
        var previousWasSeparator = true
        for byte in bytes {
            if NameSanitizer.isSeparator(byte) {
                if previousWasSeparator { return false }
                previousWasSeparator = true
            } else if isAlphanumeric(byte) {
                previousWasSeparator = false
            } else {
                return false
            }
        }
        return !previousWasSeparator
    }

    /// Makes a valid entity name from a readable candidate. A candidate that is already valid
    /// is returned unchanged (names stay what upstream produced). Otherwise it is sanitised,
    /// shortened, and given a 6-hex disambiguator over `identity`, so two inputs that only
    /// differ in what sanitising removed, or that are too long, still get distinct names.
    public static func entityName(candidate: String, identity: String) -> String {
        if isValidEntityName(candidate) { return candidate }
        let hash = SHA256.hexPrefix(of: "name\u{0}\(identity)", length: 6)
        var base = NameSanitizer.sanitizeName(candidate)
        base = String(base.prefix(maximumLength - hash.count - 1))
        while let last = base.utf8.last, NameSanitizer.isSeparator(last) { base.removeLast() }
        let name = base.isEmpty ? "model-" + hash : base + "-" + hash
        return isValidEntityName(name) ? name : "model-" + hash
    }

    /// A bare owner name (C15): sanitised, `user:`/`group:` prefixes stripped, never empty.
    public static func ownerName(_ raw: String?, fallback: String) -> String {
        guard var value = raw else { return fallback }
        for prefix in ["user:", "group:"] where value.hasPrefix(prefix) {
            value.removeFirst(prefix.count)
        }
        let sanitized = NameSanitizer.sanitizeName(value)
        return sanitized.isEmpty ? fallback : sanitized
    }

    static func isTagByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "#")
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
