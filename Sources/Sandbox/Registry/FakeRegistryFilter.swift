import Foundation

/// A parsed `filterQuery` (RHOAI 2.24+ syntax, the subset tests need): comparisons
/// `field op value` with `=`, `!=`, `<>`, `<`, `>`, `<=`, `>=`, `LIKE`, `ILIKE` and `IN (…)`,
/// combined with `AND`, `OR` and parentheses. Values are `'text'`, `"text"`, numbers, `true` or
/// `false`. A field is an entity property (`name`, `lastUpdateTimeSinceEpoch`, …) or a custom
/// property, by bare name or as `prop.string_value` (backticks quote odd names). Ids and
/// epochs are strings on the wire but compare as numbers against a number.
indirect enum FakeRegistryFilter: Sendable {
    case all([FakeRegistryFilter])
    case any([FakeRegistryFilter])
    case compare(field: String, op: Operator, value: Literal)
    case oneOf(field: String, values: [Literal])

    enum Operator: String, Sendable {
        case equal = "="
        case notEqual = "!="
        case less = "<"
        case greater = ">"
        case lessOrEqual = "<="
        case greaterOrEqual = ">="
        case like = "LIKE"
        case ilike = "ILIKE"
    }

    enum Literal: Sendable, Equatable {
        case text(String)
        case number(Double)
        case bool(Bool)
    }

    /// Parses a filter, or throws a 400 naming what is wrong.
    static func parse(_ text: String) throws(FakeRegistryError) -> FakeRegistryFilter {
        var parser = Parser(tokens: try tokenize(text))
        let filter = try parser.expression()
        guard parser.atEnd else {
            throw .badRequest("invalid filter query: unexpected \(parser.peekDescription) in \(text)")
        }
        return filter
    }

    /// Whether an entity, given as its JSON object, matches.
    func matches(_ object: [String: Any]) -> Bool {
        switch self {
        case .all(let parts): return parts.allSatisfy { $0.matches(object) }
        case .any(let parts): return parts.contains { $0.matches(object) }
        case .compare(let field, let op, let value):
            guard let actual = Self.lookup(field, in: object) else { return op == .notEqual }
            return Self.compare(actual, op, value)
        case .oneOf(let field, let values):
            guard let actual = Self.lookup(field, in: object) else { return false }
            return values.contains { Self.compare(actual, .equal, $0) }
        }
    }

    // MARK: Evaluation

    private static func lookup(_ field: String, in object: [String: Any]) -> Any? {
        if let direct = object[field], !(direct is NSNull) {
            return direct
        }
        let properties = object["customProperties"] as? [String: Any] ?? [:]
        var propertyName = field
        var valueKey: String?
        if properties[field] == nil, let dot = field.lastIndex(of: ".") {
            propertyName = String(field[..<dot])
            valueKey = String(field[field.index(after: dot)...])
        }
        guard let property = properties[propertyName] as? [String: Any] else { return nil }
        if let valueKey {
            return property[valueKey]
        }
        for key in ["string_value", "int_value", "double_value", "bool_value"] {
            if let value = property[key] { return value }
        }
        return nil
    }

    private static func compare(_ actual: Any, _ op: Operator, _ expected: Literal) -> Bool {
        switch expected {
        case .bool(let flag):
            guard let value = actual as? Bool else { return op == .notEqual }
            return op == .equal ? value == flag : (op == .notEqual ? value != flag : false)
        case .number(let number):
            let value: Double?
            if let text = actual as? String {
                value = Double(text)
            } else if let numeric = actual as? NSNumber {
                value = numeric.doubleValue
            } else {
                value = nil
            }
            guard let value else { return op == .notEqual }
            return ordered(value, op, number)
        case .text(let text):
            let value = (actual as? String) ?? "\(actual)"
            switch op {
            case .like: return like(value, text, caseInsensitive: false)
            case .ilike: return like(value, text, caseInsensitive: true)
            default: return ordered(value, op, text)
            }
        }
    }

    private static func ordered<T: Comparable>(_ lhs: T, _ op: Operator, _ rhs: T) -> Bool {
        switch op {
        case .equal, .like, .ilike: return lhs == rhs
        case .notEqual: return lhs != rhs
        case .less: return lhs < rhs
        case .greater: return lhs > rhs
        case .lessOrEqual: return lhs <= rhs
        case .greaterOrEqual: return lhs >= rhs
        }
    }

    /// SQL LIKE: `%` any run, `_` any one character.
    private static func like(_ value: String, _ pattern: String, caseInsensitive: Bool) -> Bool {
        let text = Array(caseInsensitive ? value.lowercased() : value)
        let pattern = Array(caseInsensitive ? pattern.lowercased() : pattern)
        var memo: [Int: Bool] = [:]
        func match(_ t: Int, _ p: Int) -> Bool {
            let key = t * (pattern.count + 1) + p
            if let known = memo[key] { return known }
            let result: Bool
            if p == pattern.count {
                result = t == text.count
            } else if pattern[p] == "%" {
                result = match(t, p + 1) || (t < text.count && match(t + 1, p))
            } else if t < text.count && (pattern[p] == "_" || pattern[p] == text[t]) {
                result = match(t + 1, p + 1)
            } else {
                result = false
            }
            memo[key] = result
            return result
        }
        return match(0, 0)
    }

    // MARK: Parsing

    enum Token: Equatable {
        case word(String)
        case quotedName(String)
        case text(String)
        case number(Double)
        case symbol(String)
    }

    private static func tokenize(_ text: String) throws(FakeRegistryError) -> [Token] {
        var tokens: [Token] = []
        let chars = Array(text)
        var index = 0
        while index < chars.count {
            let char = chars[index]
            if char.isWhitespace {
                index += 1
            } else if char == "'" || char == "\"" || char == "`" {
                var end = index + 1
                var value = ""
                while end < chars.count && chars[end] != char {
                    value.append(chars[end])
                    end += 1
                }
                guard end < chars.count else { throw .badRequest("invalid filter query: unterminated \(char)") }
                tokens.append(char == "`" ? .quotedName(value) : .text(value))
                index = end + 1
            } else if "(),".contains(char) {
                tokens.append(.symbol(String(char)))
                index += 1
            } else if "=!<>".contains(char) {
                var op = String(char)
                if index + 1 < chars.count, "=>".contains(chars[index + 1]), op != "=" {
                    op.append(chars[index + 1])
                }
                guard ["=", "!=", "<>", "<", ">", "<=", ">="].contains(op) else {
                    throw .badRequest("invalid filter query: unknown operator \(op)")
                }
                tokens.append(.symbol(op))
                index += op.count
            } else if char.isNumber || (char == "-" && index + 1 < chars.count && chars[index + 1].isNumber) {
                var end = index + 1
                while end < chars.count && (chars[end].isNumber || chars[end] == ".") { end += 1 }
                guard let number = Double(String(chars[index..<end])) else {
                    throw .badRequest("invalid filter query: bad number")
                }
                tokens.append(.number(number))
                index = end
            } else if char.isLetter || char == "_" {
                var end = index + 1
                while end < chars.count && (chars[end].isLetter || chars[end].isNumber || "_.".contains(chars[end])) {
                    end += 1
                }
                tokens.append(.word(String(chars[index..<end])))
                index = end
            } else {
                throw .badRequest("invalid filter query: unexpected character \(char)")
            }
        }
        return tokens
    }

    private struct Parser {
        var tokens: [Token]
        var position = 0

        var atEnd: Bool { position >= tokens.count }
        var peekDescription: String { atEnd ? "end" : "\(tokens[position])" }

        private func isKeyword(_ keyword: String) -> Bool {
            guard !atEnd, case .word(let word) = tokens[position] else { return false }
            return word.uppercased() == keyword
        }

        mutating func expression() throws(FakeRegistryError) -> FakeRegistryFilter {
            var parts = [try conjunction()]
            while isKeyword("OR") {
                position += 1
                parts.append(try conjunction())
            }
            return parts.count == 1 ? parts[0] : .any(parts)
        }

        mutating func conjunction() throws(FakeRegistryError) -> FakeRegistryFilter {
            var parts = [try primary()]
            while isKeyword("AND") {
                position += 1
                parts.append(try primary())
            }
            return parts.count == 1 ? parts[0] : .all(parts)
        }

        mutating func primary() throws(FakeRegistryError) -> FakeRegistryFilter {
            guard !atEnd else { throw .badRequest("invalid filter query: unexpected end") }
            if tokens[position] == .symbol("(") {
                position += 1
                let inner = try expression()
                guard !atEnd, tokens[position] == .symbol(")") else {
                    throw .badRequest("invalid filter query: missing )")
                }
                position += 1
                return inner
            }
            let field: String
            switch tokens[position] {
            case .word(let word): field = word
            case .quotedName(let name): field = name
            default: throw .badRequest("invalid filter query: expected a property name, got \(peekDescription)")
            }
            position += 1
            guard !atEnd else { throw .badRequest("invalid filter query: missing operator after \(field)") }
            if isKeyword("IN") {
                position += 1
                guard !atEnd, tokens[position] == .symbol("(") else {
                    throw .badRequest("invalid filter query: IN needs (")
                }
                position += 1
                var values: [Literal] = []
                while true {
                    values.append(try literal())
                    guard !atEnd else { throw .badRequest("invalid filter query: missing )") }
                    if tokens[position] == .symbol(",") {
                        position += 1
                        continue
                    }
                    guard tokens[position] == .symbol(")") else { throw .badRequest("invalid filter query: missing )") }
                    position += 1
                    return .oneOf(field: field, values: values)
                }
            }
            let op: Operator
            switch tokens[position] {
            case .symbol("<>"): op = .notEqual
            case .symbol(let symbol) where Operator(rawValue: symbol) != nil: op = Operator(rawValue: symbol)!
            case .word(let word) where ["LIKE", "ILIKE"].contains(word.uppercased()):
                op = Operator(rawValue: word.uppercased())!
            default: throw .badRequest("invalid filter query: expected an operator, got \(peekDescription)")
            }
            position += 1
            return .compare(field: field, op: op, value: try literal())
        }

        mutating func literal() throws(FakeRegistryError) -> Literal {
            guard !atEnd else { throw .badRequest("invalid filter query: missing value") }
            defer { position += 1 }
            switch tokens[position] {
            case .text(let text): return .text(text)
            case .number(let number): return .number(number)
            case .word(let word) where word.lowercased() == "true": return .bool(true)
            case .word(let word) where word.lowercased() == "false": return .bool(false)
            default: throw .badRequest("invalid filter query: expected a value, got \(peekDescription)")
            }
        }
    }
}
