import Foundation

/// The storage key and `location` URI of one document.
///
/// Keys keep upstream's wire shape `<seg1>_<seg2>` and URIs `/<seg1>/<seg2>/model-catalog.json`,
/// but they are **opaque**: nothing ever splits a key to recover names (defect B1). Identity is
/// carried explicitly by the caller; the key is a deterministic function of it.
///
/// - KServe-only services (namespace and name are DNS labels, so they are already clean):
///   `<namespace>_<name>`, exactly as upstream.
/// - Registry model versions: `<model>_<version>.<hash>`, where the readable parts are the
///   upstream sanitised names (with `_` turned into `-`, at most 48 characters) and `<hash>` is
///   12 hex digits of SHA-256 over the registry, the raw model name and the raw version name.
///   Sanitising deletes characters, so two different names can sanitise alike (`my.model`,
///   `mymodel`) and the same model can live in two registries (defect B28); the hash keeps
///   them apart. No sanitised name contains `.`, and no DNS label does, so the two families
///   never meet.
///
/// ```swift
/// let key = ImportKey.registry(registry: "rhoai-model-registries:modelregistry-public",
///                              model: "mnist", version: "v1")
/// key.key  // "mnist_v1.3c…"
/// key.uri(format: .jsonArray)  // "/mnist/v1.3c…/model-catalog.json"
/// ```
public struct ImportKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The first path segment; never contains `_` or `/`.
    public let segment1: String
    /// The second path segment; never contains `/`.
    public let segment2: String

    /// The storage key, `segment1_segment2`.
    public var key: String { segment1 + "_" + segment2 }

    public var description: String { key }

    /// The URI `location` serves the document at.
    public func uri(format: NormalizerFormat) -> String {
        "/" + segment1 + "/" + segment2 + "/" + format.fileName
    }

    public static func < (lhs: ImportKey, rhs: ImportKey) -> Bool { lhs.key < rhs.key }

    /// Longest readable part kept in a segment, so keys stay far below the 253-character
    /// limit of ConfigMap keys.
    static let readableLimit = 48

    /// The key of a registry model version. `registry` is the registry's stable identity
    /// (its route as `namespace:name`).
    public static func registry(registry: String, model: String, version: String) -> ImportKey {
        let hash = SHA256.hexPrefix(of: "registry\u{0}\(registry)\u{0}\(model)\u{0}\(version)", length: 12)
        return ImportKey(
            segment1: readable(model, fallback: "model"),
            segment2: readable(version, fallback: "version") + "." + hash
        )
    }

    /// The key of a KServe-only inference service: `namespace_name` when both are DNS labels
    /// (always, for objects the API server accepted); otherwise a hashed form.
    public static func kserve(namespace: String, name: String) -> ImportKey {
        if isDNSLabel(namespace), isDNSLabel(name) {
            return ImportKey(segment1: namespace, segment2: name)
        }
        let hash = SHA256.hexPrefix(of: "kserve\u{0}\(namespace)\u{0}\(name)", length: 12)
        return ImportKey(
            segment1: readable(namespace, fallback: "namespace"),
            segment2: readable(name, fallback: "service") + "." + hash
        )
    }

    /// Rebuilds an `ImportKey` from a stored key string, for keys that came from storage.
    ///
    /// This is the one place a key string becomes segments: the first `_` separates them,
    /// which is exact for every key made here (segment 1 never holds `_`) and still maps
    /// distinct upstream keys to distinct URIs. Returns `nil` for strings that are not keys.
    public init?(storedKey: String) {
        guard ImportKey.isValidStoredKey(storedKey), let separator = storedKey.firstIndex(of: "_") else {
            return nil
        }
        let first = String(storedKey[..<separator])
        let second = String(storedKey[storedKey.index(after: separator)...])
        guard !first.isEmpty, !second.isEmpty else { return nil }
        self.init(segment1: first, segment2: second)
    }

    init(segment1: String, segment2: String) {
        self.segment1 = segment1
        self.segment2 = segment2
    }

    /// A key must be a valid ConfigMap key (`[-._a-zA-Z0-9]+`, at most 253 characters),
    /// hold a `_`, and be no path trickery (`.` or `..` segments).
    public static func isValidStoredKey(_ key: String) -> Bool {
        guard !key.isEmpty, key.utf8.count <= 253, key.contains("_") else { return false }
        for byte in key.utf8 {
            guard NameSanitizer.isNameByte(byte) || byte == UInt8(ascii: ".") else { return false }
        }
        guard let separator = key.firstIndex(of: "_") else { return false }
        let first = key[..<separator]
        let second = key[key.index(after: separator)...]
        return ![".", "..", ""].contains(String(first)) && ![".", "..", ""].contains(String(second))
    }

    static func readable(_ name: String, fallback: String) -> String {
        var text = NameSanitizer.sanitizeName(name).replacingOccurrences(of: "_", with: "-")
        text = String(text.prefix(readableLimit))
        while text.hasSuffix("-") { text.removeLast() }
        while text.hasPrefix("-") { text.removeFirst() }
        return text.isEmpty ? fallback : text
    }

    /// RFC 1123 label: lowercase alphanumerics and `-`, 1–63 characters, alphanumeric at both ends.
    static func isDNSLabel(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 63 else { return false }
        for byte in bytes {
            let ok =
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
            if !ok { return false }
        }
        return bytes.first != UInt8(ascii: "-") && bytes.last != UInt8(ascii: "-")
    }
}

/// The two output formats of upstream (`NORMALIZER_FORMAT`).
public enum NormalizerFormat: String, Sendable, CaseIterable, Codable {
    /// The model-catalog JSON document (the default everywhere here, B34).
    case jsonArray = "JsonArrayFormat"
    /// Legacy multi-document Backstage catalog-info YAML.
    case catalogInfoYaml = "CatalogInfoYamlFormat"

    /// The last URI segment.
    public var fileName: String {
        switch self {
        case .jsonArray: "model-catalog.json"
        case .catalogInfoYaml: "catalog-info.yaml"
        }
    }

    /// Parses `NORMALIZER_FORMAT`; empty means the shared default, JSON (B34). Unknown values are `nil`.
    public init?(environmentValue: String?) {
        let trimmed = (environmentValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            self = .jsonArray
        } else if let format = NormalizerFormat(rawValue: trimmed) {
            self = format
        } else {
            return nil
        }
    }
}
