import AsyncHTTPClient
import Bridge
import CatalogModel
import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// One way to damage a JSON object.
enum ObjectMutation: Sendable, CustomStringConvertible {
    case remove(String)
    case null(String)
    case wrongType(String, JSONValue)
    case huge(String, Int)
    case unicode(String)
    case deepNesting(String, Int)
    case unknownFields

    var description: String {
        switch self {
        case .remove(let field): return "remove \(field)"
        case .null(let field): return "null \(field)"
        case .wrongType(let field, let value): return "\(field) = \(Self.kind(of: value))"
        case .huge(let field, let size): return "\(field) = \(size / 1024) KiB string"
        case .unicode(let field): return "\(field) = unicode soup"
        case .deepNesting(let field, let depth): return "\(field) nested \(depth) deep"
        case .unknownFields: return "unknown fields"
        }
    }

    static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "bool"
        case .int, .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    static let unicodeSoup =
        "mödel-✓-🚀-\u{202E}evil\u{202C}-\u{200B}-\u{0000}-\u{FFFD}-e\u{0301}-Ω≈ç√∫-漢字-\u{1F468}\u{200D}\u{1F4BB}"

    /// Applies the mutation to `path` (dot-separated) inside `object`.
    func apply(to object: JSONValue) -> JSONValue {
        switch self {
        case .remove(let path): return Self.set(object, path: path, to: nil)
        case .null(let path): return Self.set(object, path: path, to: .null)
        case .wrongType(let path, let value): return Self.set(object, path: path, to: value)
        case .huge(let path, let size):
            return Self.set(object, path: path, to: .string(String(repeating: "ä", count: size / 2)))
        case .unicode(let path): return Self.set(object, path: path, to: .string(Self.unicodeSoup))
        case .deepNesting(let path, let depth):
            var nested = JSONValue.string("bottom")
            for level in 0..<depth { nested = level % 2 == 0 ? .object(["x": nested]) : .array([nested]) }
            return Self.set(object, path: path, to: nested)
        case .unknownFields:
            guard case .object(var members) = object else { return object }
            members["surprise"] = .object(["a": .array([.number(1), .null, .bool(true)])])
            members["ünïcödé"] = .string(Self.unicodeSoup)
            return .object(members)
        }
    }

    static func set(_ value: JSONValue, path: String, to replacement: JSONValue?)
        -> JSONValue
    {
        let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
        guard case .object(var members) = value, let head = parts.first else { return value }
        if parts.count == 1 {
            members[head] = replacement
        } else {
            members[head] = set(members[head] ?? .object([:]), path: parts[1], to: replacement)
        }
        return .object(members)
    }
}

/// Sits between the normalizer and a fake registry (or catalog): forwards every request and
/// damages the objects the current plan names, in list pages and single-object answers alike.
final class MutationPlan: Sendable {
    struct Rule: Sendable {
        var pathContains: String
        var matches: @Sendable (JSONValue) -> Bool
        var mutation: ObjectMutation
    }

    private let rules = Mutex<[Rule]>([])
    private let hits = Mutex(0)

    func set(_ rules: [Rule]) { self.rules.withLock { $0 = rules } }
    func clear() { set([]) }
    /// How many objects were damaged so far.
    var damaged: Int { hits.withLock { $0 } }

    func rewrite(path: String, body: JSONValue) -> JSONValue {
        let active = rules.withLock { $0 }.filter { path.contains($0.pathContains) }
        guard !active.isEmpty else { return body }
        func damage(_ item: JSONValue) -> JSONValue {
            var item = item
            for rule in active where rule.matches(item) {
                item = rule.mutation.apply(to: item)
                hits.withLock { $0 += 1 }
            }
            return item
        }
        if case .object(var members) = body, case .array(let items)? = members["items"] {
            members["items"] = .array(items.map(damage))
            return .object(members)
        }
        return damage(body)
    }
}

struct MutatingRegistryProxy: HTTPResponder {
    typealias Context = BridgeRequestContext

    let upstream: String
    let client: HTTPClient
    let plan: MutationPlan

    func respond(to request: Request, context: BridgeRequestContext) async throws -> Response {
        var forwarded = HTTPClientRequest(url: upstream + request.uri.description)
        if let authorization = request.headers[.authorization] {
            forwarded.headers.add(name: "Authorization", value: authorization)
        }
        let answer = try await client.execute(forwarded, timeout: .seconds(10))
        let bytes = try await answer.body.collect(upTo: 64 << 20)
        var body = bytes
        let contentType = answer.headers.first(name: "Content-Type") ?? "application/json"
        if contentType.contains("json"), answer.status.code == 200,
            let parsed = try? JSONValue.parse(Data(bytes.readableBytesView))
        {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            let rewritten = plan.rewrite(path: request.uri.path, body: parsed)
            if rewritten != parsed, let data = try? encoder.encode(rewritten) { body = ByteBuffer(bytes: data) }
        }
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(
            status: HTTPResponse.Status(code: Int(answer.status.code)), headers: headers,
            body: ResponseBody(byteBuffer: body))
    }
}
