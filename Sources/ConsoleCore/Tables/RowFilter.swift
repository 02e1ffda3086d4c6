/// A parsed `/` filter.
///
/// | typed | matches rows where |
/// |---|---|
/// | `mist` | any cell contains `mist`, ignoring case |
/// | `/^mi.*7b$/` | any cell matches the regular expression (case-insensitive) |
/// | `!mist` | no cell contains `mist` (`!` also negates the other forms) |
/// | `-l team=nlp,env!=dev,gpu` | the row's labels or custom properties match every term |
/// | `-f mstrl` | the letters appear in order in a cell (fuzzy) |
///
/// ```swift
/// let filter = RowFilter(parsing: "!-l env=dev")
/// filter.matches(row)
/// ```
public struct RowFilter: Hashable, Sendable {
    /// How rows are matched.
    public enum Kind: Hashable, Sendable {
        case all
        case substring(String)
        case regex(String)
        case labels([LabelTerm])
        case fuzzy(String)
    }

    /// One `-l` term.
    public enum LabelTerm: Hashable, Sendable {
        case equals(String, String)
        case notEquals(String, String)
        case exists(String)
    }

    public var kind: Kind
    public var inverted: Bool
    /// Set when the text could not be used as typed (a bad regular expression): it is then
    /// matched as a substring and the prompt says why.
    public var problem: String?

    /// Parses filter text.
    public init(parsing text: String) {
        var body = Substring(text.trimmingSpaces())
        inverted = body.hasPrefix("!")
        if inverted { body = Substring(String(body.dropFirst()).trimmingSpaces()) }
        problem = nil
        if body.isEmpty {
            kind = .all
        } else if body.hasPrefix("-l ") || body == "-l" {
            let terms = body.dropFirst(2).split(separator: ",").map { String($0).trimmingSpaces() }.filter {
                !$0.isEmpty
            }
            kind = .labels(terms.map(RowFilter.labelTerm))
        } else if body.hasPrefix("-f ") {
            kind = .fuzzy(String(body.dropFirst(3)).trimmingSpaces().lowercased())
        } else if body.count >= 2, body.hasPrefix("/"), body.hasSuffix("/") {
            let pattern = String(body.dropFirst().dropLast())
            if (try? Regex(pattern)) != nil {
                kind = .regex(pattern)
            } else {
                kind = .substring(pattern.lowercased())
                problem = "not a valid regular expression; matching it as text"
            }
        } else {
            kind = .substring(String(body).lowercased())
        }
    }

    static func labelTerm(_ text: String) -> LabelTerm {
        if let range = text.firstRange(of: "!=") {
            return .notEquals(
                String(text[..<range.lowerBound]).trimmingSpaces(), String(text[range.upperBound...]).trimmingSpaces())
        }
        if let index = text.firstIndex(of: "=") {
            var value = text[text.index(after: index)...]
            if value.hasPrefix("=") { value = value.dropFirst() }
            return .equals(String(text[..<index]).trimmingSpaces(), String(value).trimmingSpaces())
        }
        return .exists(text)
    }

    /// True when `row` passes the filter.
    public func matches(_ row: TableRow) -> Bool {
        Compiled(self).matches(row)
    }

    /// A filter ready to test many rows: its regular expression compiled once.
    struct Compiled {
        let filter: RowFilter
        let regex: Regex<AnyRegexOutput>?

        init(_ filter: RowFilter) {
            self.filter = filter
            if case .regex(let pattern) = filter.kind {
                regex = (try? Regex(pattern))?.ignoresCase()
            } else {
                regex = nil
            }
        }

        func matches(_ row: TableRow) -> Bool {
            let result: Bool
            switch filter.kind {
            case .all: return true
            case .substring(let needle):
                result = row.cells.contains { $0.text.lowercased().contains(needle) }
            case .regex:
                result = regex.map { regex in row.cells.contains { $0.text.contains(regex) } } ?? false
            case .fuzzy(let needle):
                result = row.cells.contains { RowFilter.fuzzyMatch(needle, in: $0.text.lowercased()) }
            case .labels(let terms):
                result = terms.allSatisfy { term in
                    switch term {
                    case .equals(let key, let value): row.labels[key] == value
                    case .notEquals(let key, let value): row.labels[key] != value
                    case .exists(let key): row.labels[key] != nil
                    }
                }
            }
            return result != filter.inverted
        }
    }

    /// True when the characters of `needle` appear in `haystack` in order.
    static func fuzzyMatch(_ needle: String, in haystack: String) -> Bool {
        var remaining = needle[...]
        for character in haystack where remaining.first == character {
            remaining = remaining.dropFirst()
            if remaining.isEmpty { return true }
        }
        return remaining.isEmpty
    }
}

extension String {
    /// The string without leading and trailing spaces (core has no Foundation).
    func trimmingSpaces() -> String {
        var text = self[...]
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        while text.last?.isWhitespace == true { text = text.dropLast() }
        return String(text)
    }
}

extension Substring {
    func trimmingSpaces() -> String { String(self).trimmingSpaces() }
}
