/// A coding key built from any string, used to look at every key a JSON object has.
struct AnyCodingKey: CodingKey, Hashable {
    let stringValue: String
    let intValue: Int?

    init(_ string: String) {
        self.stringValue = string
        self.intValue = nil
    }

    init?(stringValue: String) {
        self.init(stringValue)
    }

    init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

/// Reads a JSON object the way Go's `encoding/json` fills a struct, so that we decode exactly
/// what the upstream bridge decodes.
///
/// - A key is matched exactly first, and otherwise **case-insensitively** (Go compares field
///   names with Unicode case folding; we fold with `lowercased()`, which agrees for every key
///   the registry APIs use). The upstream fixture `TestJSONStringRegisteredModelOneLine` spells
///   `"Owner"` and Go still fills `owner`; so do we.
/// - Keys we do not know are ignored.
/// - A JSON `null` reads as absent.
/// - Ids and epochs are strings on the wire; a bare JSON number is accepted for them as well
///   (Go would reject it; being lenient here cannot change the meaning of a valid document).
struct GoStyleKeyedContainer<Key: CodingKey> {
    private let raw: KeyedDecodingContainer<AnyCodingKey>
    private let foldedKeys: [String: AnyCodingKey]

    init(decoder: any Decoder, keyedBy: Key.Type) throws {
        let raw = try decoder.container(keyedBy: AnyCodingKey.self)
        var folded: [String: AnyCodingKey] = [:]
        for key in raw.allKeys {
            // Go keeps the last matching key when several fold to the same name.
            folded[key.stringValue.lowercased()] = key
        }
        self.raw = raw
        self.foldedKeys = folded
    }

    private func resolve(_ key: Key) -> AnyCodingKey? {
        let exact = AnyCodingKey(key.stringValue)
        if raw.contains(exact) {
            return exact
        }
        return foldedKeys[key.stringValue.lowercased()]
    }

    /// Whether the object has the key (in any letter case), even if its value is `null`.
    func contains(_ key: Key) -> Bool {
        resolve(key) != nil
    }

    /// Decodes the value for `key`, or `nil` when it is missing or `null`.
    func decode<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T? {
        guard let found = resolve(key) else { return nil }
        return try raw.decodeIfPresent(type, forKey: found)
    }

    /// Decodes a string that the server may also have written as a bare number.
    func lenientString(_ key: Key) throws -> String? {
        guard let found = resolve(key) else { return nil }
        if try raw.decodeNil(forKey: found) {
            return nil
        }
        if let text = try? raw.decode(String.self, forKey: found) {
            return text
        }
        if let number = try? raw.decode(Int64.self, forKey: found) {
            return String(number)
        }
        return try raw.decode(String.self, forKey: found)
    }
}
