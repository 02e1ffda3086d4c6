import Foundation

/// A parsed label or field selector, as the API server understands them.
///
/// Label grammar: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, joined by commas (AND).
/// Field selectors take `=`, `==` and `!=` on `metadata.name` and `metadata.namespace`.
///
/// ```swift
/// let selector = try FakeKubeSelector(labels: "app=x,tier in (web,api)")
/// selector.matches(labels: ["app": "x", "tier": "web"])  // true
/// ```
public struct FakeKubeSelector: Sendable, Hashable {
    enum Requirement: Sendable, Hashable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case absent(String)
    }

    var requirements: [Requirement] = []

    /// The selector that matches everything.
    public init() {}

    /// Parses a label selector; throws a message suitable for a 400 answer.
    public init(labels text: String) throws(FakeKubeSelectorError) {
        for part in Self.splitTopLevel(text) {
            let term = part.trimmingCharacters(in: .whitespaces)
            if term.isEmpty { continue }
            requirements.append(try Self.parseLabelTerm(term))
        }
    }

    /// Parses a field selector; only `metadata.name` and `metadata.namespace` are supported, as on real servers
    /// for custom resources.
    public init(fields text: String) throws(FakeKubeSelectorError) {
        for part in text.split(separator: ",") {
            let term = part.trimmingCharacters(in: .whitespaces)
            if term.isEmpty { continue }
            let requirement: Requirement
            if let range = term.range(of: "!=") {
                requirement = .notEquals(String(term[..<range.lowerBound]), String(term[range.upperBound...]))
            } else if let range = term.range(of: "==") {
                requirement = .equals(String(term[..<range.lowerBound]), String(term[range.upperBound...]))
            } else if let range = term.range(of: "=") {
                requirement = .equals(String(term[..<range.lowerBound]), String(term[range.upperBound...]))
            } else {
                throw FakeKubeSelectorError(message: "invalid field selector: \"\(term)\"")
            }
            switch requirement {
            case .equals(let key, _), .notEquals(let key, _):
                guard key == "metadata.name" || key == "metadata.namespace" else {
                    throw FakeKubeSelectorError(message: "field label not supported: \(key)")
                }
            default: break
            }
            requirements.append(requirement)
        }
    }

    /// Whether a label map satisfies every requirement.
    public func matches(labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let key, let value): return labels[key] == value
            case .notEquals(let key, let value): return labels[key] != value
            case .isIn(let key, let values): return labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): return labels[key].map { !values.contains($0) } ?? true
            case .exists(let key): return labels[key] != nil
            case .absent(let key): return labels[key] == nil
            }
        }
    }

    /// Splits on commas that are not inside parentheses.
    private static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            switch character {
            case "(": depth += 1
            case ")": depth -= 1
            default: break
            }
            if character == ",", depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }

    private static func parseLabelTerm(_ term: String) throws(FakeKubeSelectorError) -> Requirement {
        if let range = term.range(of: "!=") {
            return .notEquals(try key(term[..<range.lowerBound]), try value(term[range.upperBound...]))
        }
        if let range = term.range(of: "==") {
            return .equals(try key(term[..<range.lowerBound]), try value(term[range.upperBound...]))
        }
        if let range = term.range(of: "=") {
            return .equals(try key(term[..<range.lowerBound]), try value(term[range.upperBound...]))
        }
        for (word, isIn) in [(" notin ", false), (" in ", true)] {
            if let range = term.range(of: word) {
                let name = try key(term[..<range.lowerBound])
                var list = term[range.upperBound...].trimmingCharacters(in: .whitespaces)
                guard list.hasPrefix("("), list.hasSuffix(")") else {
                    throw FakeKubeSelectorError(message: "unable to parse requirement: \"\(term)\"")
                }
                list = String(list.dropFirst().dropLast())
                var values = Set<String>()
                for item in list.split(separator: ",", omittingEmptySubsequences: false) {
                    values.insert(try value(item))
                }
                return isIn ? .isIn(name, values) : .notIn(name, values)
            }
        }
        if term.hasPrefix("!") {
            return .absent(try key(term.dropFirst()))
        }
        return .exists(try key(term[...]))
    }

    private static func key(_ text: Substring) throws(FakeKubeSelectorError) -> String {
        let key = text.trimmingCharacters(in: .whitespaces)
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        let name = parts.last ?? ""
        let valid =
            !key.isEmpty && parts.count <= 2 && name.count <= 63 && !name.isEmpty
            && key.allSatisfy { $0.isLetter || $0.isNumber || "-._/".contains($0) }
            && (parts.count == 1 || (parts[0].count <= 253 && !parts[0].isEmpty))
        guard valid else { throw FakeKubeSelectorError(message: "invalid label key \"\(key)\"") }
        return key
    }

    private static func value(_ text: Substring) throws(FakeKubeSelectorError) -> String {
        let value = text.trimmingCharacters(in: .whitespaces)
        guard value.count <= 63, value.allSatisfy({ $0.isLetter || $0.isNumber || "-._".contains($0) }) else {
            throw FakeKubeSelectorError(message: "invalid label value: \"\(value)\"")
        }
        return value
    }
}

/// A selector the fake server cannot parse (answered with 400 BadRequest).
public struct FakeKubeSelectorError: Error, Sendable {
    public var message: String
}
