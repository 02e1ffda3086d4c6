/// The base URL of a service, normalised once, and the one way request URLs are joined onto it.
///
/// Every client of a sidecar, a registry, Backstage or the Kubernetes API is configured with a base URL that
/// people write with or without trailing slashes; joining them here keeps `http://host/` + `/list` from becoming
/// `http://host//list` anywhere, and percent-encodes path segments and query values the same way everywhere.
///
/// ```swift
/// let storage = BaseURL("http://127.0.0.1:9090/")
/// storage.url("/fetch", query: [("key", "my model")])  // http://127.0.0.1:9090/fetch?key=my%20model
/// storage.url(segments: ["locations", "a/b"])         // http://127.0.0.1:9090/locations/a%2Fb
/// ```
public struct BaseURL: Sendable, Hashable, CustomStringConvertible {
    /// The base URL without trailing slashes (`http://host:8080/api`).
    public let text: String

    /// Normalises `text`: every trailing `/` is removed.
    public init(_ text: String) {
        var base = Substring(text)
        while base.hasSuffix("/") { base.removeLast() }
        self.text = String(base)
    }

    public var description: String { text }

    /// `base + path + ?query`. A `path` without a leading `/` gets one; `path` is used as written (encode
    /// variable parts with ``PercentEncoding/segment(_:)`` or use ``url(segments:query:)``). Query names and
    /// values are percent-encoded and joined with `&`, after any query `path` already carries.
    public func url(_ path: String = "", query: [(String, String)] = []) -> String {
        var url = text
        if !path.isEmpty {
            if !path.hasPrefix("/") { url += "/" }
            url += path
        }
        if !query.isEmpty {
            url += url.contains("?") ? "&" : "?"
            url += PercentEncoding.query(query)
        }
        return url
    }

    /// `base + /segment/segment… + ?query`, each segment percent-encoded whole (a `/` inside one becomes `%2F`).
    public func url(segments: [String], query: [(String, String)] = []) -> String {
        url(segments.map { "/" + PercentEncoding.segment($0) }.joined(), query: query)
    }

    /// The `host:port` this URL reaches, the scheme's port filled in when none is written (`https://api.example`
    /// → `api.example:443`); user information is left out. Request metrics label series with it, so it never
    /// holds a path or a query. A URL without `scheme://` is read as a bare authority.
    public var hostAndPort: String {
        var rest = Substring(text)
        var defaultPort: String?
        if let separator = rest.range(of: "://") {
            switch rest[..<separator.lowerBound].lowercased() {
            case "https": defaultPort = "443"
            case "http": defaultPort = "80"
            default: defaultPort = nil
            }
            rest = rest[separator.upperBound...]
        }
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        // A port follows the last `:`, unless that `:` is inside an IPv6 literal (`[::1]`).
        let hasPort = authority.lastIndex(of: ":").map { colon in !authority[colon...].contains("]") } ?? false
        guard !hasPort, let defaultPort else { return String(authority) }
        return "\(authority):\(defaultPort)"
    }
}

/// RFC 3986 percent-encoding of URL parts: every byte of the UTF-8 text except the unreserved characters
/// (`A–Z a–z 0–9 - . _ ~`) is written as `%XX`.
public enum PercentEncoding {
    /// One path segment or one query name or value.
    public static func segment(_ text: String) -> String { encode(text, keepSlash: false) }

    /// A path of several segments whose `/` separators are kept (`org/model name` → `org/model%20name`).
    public static func path(_ text: String) -> String { encode(text, keepSlash: true) }

    /// `name=value` pairs, each side encoded, joined with `&`.
    public static func query(_ pairs: [(String, String)]) -> String {
        pairs.map { segment($0.0) + "=" + segment($0.1) }.joined(separator: "&")
    }

    private static func encode(_ text: String, keepSlash: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(hexDigits[Int(byte >> 4)]) + String(hexDigits[Int(byte & 0x0F)])
            }
        }
        return out
    }

    private static let hexDigits = Array("0123456789ABCDEF")

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
