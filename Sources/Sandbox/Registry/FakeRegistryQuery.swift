import Foundation

/// The query parameters of one request, decoded as Go's `url.Query()` does (`+` is a space,
/// then percent-decoding; the first value of a repeated name wins). An empty value counts as
/// absent, as the real handlers treat it.
struct FakeRegistryQuery: Sendable {
    private var values: [String: String] = [:]

    init(rawQuery: String?) {
        guard let rawQuery, !rawQuery.isEmpty else { return }
        for pair in rawQuery.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            if values[name] == nil {
                values[name] = value
            }
        }
    }

    private static func decode(_ part: Substring) -> String {
        let spaced = part.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// The value of `name`, or `nil` when it is missing or empty.
    subscript(_ name: String) -> String? {
        guard let value = values[name], !value.isEmpty else { return nil }
        return value
    }
}
