import AsyncHTTPClient
import Bridge
import CatalogModel
import Foundation
import ModelbridgeTesting
import NIOHTTP1
import Testing

/// Drill 1: ten thousand seeded random requests against every endpoint of every role. Only
/// 2xx and 4xx come back (plus the documented 503 of the normalizer's `/readyz`), nothing
/// crashes, and a request that is refused, or only reads, changes no state anywhere.
@Suite(.serialized) struct EndpointFuzzTests {
    static let seed: UInt64 = 0x6D6F_6465_6C62
    static let requestsPerRole = 3_500

    /// One real route of a role: method, path and the query parameters it takes.
    struct Route: Sendable {
        var name: String
        var method: HTTPMethod
        var path: String
        var query: [String]
        var mutates: Bool
    }

    static let routes: [RoleFixture.Role: [Route]] = [
        .location: [
            Route(name: "GET /list", method: .GET, path: "/list", query: [], mutates: false),
            Route(name: "GET /modelcard", method: .GET, path: "/modelcard", query: ["key"], mutates: false),
            Route(name: "POST /upsert", method: .POST, path: "/upsert", query: ["key"], mutates: true),
            Route(name: "DELETE /remove", method: .DELETE, path: "/remove", query: ["key"], mutates: true),
            Route(name: "GET /healthz", method: .GET, path: "/healthz", query: [], mutates: false),
            Route(name: "GET /readyz", method: .GET, path: "/readyz", query: [], mutates: false),
            Route(name: "GET /<a>/<b>/<file>", method: .GET, path: "/DOC", query: [], mutates: false),
        ],
        .storage: [
            Route(name: "POST /upsert", method: .POST, path: "/upsert", query: ["key", "type"], mutates: true),
            Route(name: "POST /currentkeyset", method: .POST, path: "/currentkeyset", query: ["key"], mutates: true),
            Route(name: "GET /list", method: .GET, path: "/list", query: [], mutates: false),
            Route(name: "GET /fetch", method: .GET, path: "/fetch", query: ["key"], mutates: false),
            Route(name: "GET /healthz", method: .GET, path: "/healthz", query: [], mutates: false),
            Route(name: "GET /state", method: .GET, path: "/state", query: [], mutates: false),
        ],
        .admin: [
            Route(name: "GET /metrics", method: .GET, path: "/metrics", query: [], mutates: false),
            Route(name: "GET /healthz", method: .GET, path: "/healthz", query: [], mutates: false),
            Route(name: "GET /readyz", method: .GET, path: "/readyz", query: [], mutates: false),
            Route(name: "POST /resync", method: .POST, path: "/resync", query: ["key"], mutates: true),
            Route(name: "GET /state", method: .GET, path: "/state", query: [], mutates: false),
        ],
    ]

    /// A generated request and what it is made of, for the report of a failure.
    struct FuzzRequest: Sendable, CustomStringConvertible {
        var role: RoleFixture.Role
        var route: String
        var method: HTTPMethod
        var target: String
        var body: [UInt8]?
        var bodyKind: String
        var headers: [(String, String)]
        var mayMutate: Bool

        var description: String {
            "\(role.rawValue) \(method.rawValue) \(target.prefix(160))\(target.count > 160 ? "…" : "") "
                + "body=\(bodyKind)(\(body?.count ?? 0) B) headers=\(headers.map(\.0))"
        }
    }

    /// Builds random requests from a seed.
    struct RequestFactory {
        var random: SeededGenerator
        let documents: [NormalizedDocument]
        let bodyLimit: Int

        var validKeys: [String] { documents.map(\.key.key) }

        mutating func key() -> String {
            switch Int.random(in: 0..<12, using: &random) {
            case 0..<6: return random.pick(validKeys)
            case 6: return ""
            case 7: return "no-underscore"
            case 8: return "a_b!<script>"
            case 9: return String(repeating: "k", count: Int.random(in: 100...3000, using: &random)) + "_x"
            case 10: return "mödel_vérsion-✓"
            default: return "unknown_key"
            }
        }

        mutating func encode(_ text: String) -> String {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
        }

        mutating func query(for route: Route?) -> String {
            var parts: [String] = []
            for name in route?.query ?? [] where random.chance(85) {
                if name == "type" {
                    parts.append("type=" + random.pick(["kubeflow", "kserve", "", "other", "KUBEFLOW"]))
                } else if route?.name == "POST /currentkeyset", random.chance(50) {
                    let keys = (0..<Int.random(in: 0...4, using: &random)).map { _ in random.pick(validKeys) }
                    parts.append("key=" + encode(keys.joined(separator: ",")))
                } else {
                    parts.append("\(name)=" + encode(key()))
                }
            }
            if random.chance(15) { parts.append(random.pick(["x=1", "debug=", "key=", "=", "&&", "a"])) }
            if random.chance(8), let first = parts.first { parts.append(first) }  // repeated
            if random.chance(4) {
                parts.append("q=" + String(repeating: "z", count: Int.random(in: 1000...20_000, using: &random)))
            }
            if random.chance(5) { parts.append("ключ=" + encode("значение-✓-🚀")) }
            if random.chance(3) { parts.append("key=%zz%") }
            parts.shuffle(using: &random)
            return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
        }

        mutating func path(for route: Route?) -> String {
            var path: String
            if let route {
                if route.path == "/DOC" {
                    let key = random.pick(documents).key
                    path = random.chance(70) ? key.uri(format: .jsonArray) : "/\(key.segment1)/nope/model-catalog.json"
                } else {
                    path = route.path
                }
            } else {
                path = random.pick([
                    "/", "/a", "/a/b", "/a/b/c/d", "/list/extra", "/metrics/x", "/api/v1", "/.env", "/favicon.ico",
                ])
            }
            guard random.chance(35) else { return path }
            switch Int.random(in: 0..<11, using: &random) {
            case 0: path = "/" + path
            case 1: path += "/"
            case 2: path = "/.." + path
            case 3: path = "/." + path
            case 4: path = path.replacingOccurrences(of: "l", with: "%6C")
            case 5: path += "%00"
            case 6: path += "/" + String(repeating: "s", count: Int.random(in: 256...6000, using: &random))
            case 7: path = "/" + encode("mödel-✓") + path
            case 8: path = path.uppercased()
            case 9: path = path.replacingOccurrences(of: "/", with: "%2F")
            default: path = "//" + path + "//"
            }
            return path
        }

        mutating func body(for route: Route?) throws -> ([UInt8]?, String) {
            let document = random.pick(documents)
            switch Int.random(in: 0..<17, using: &random) {
            case 0, 1: return (nil, "none")
            case 2, 3, 13, 14, 15, 16: return (try DrillDocuments.upsertJSON(document), "valid")
            case 4:
                let full = try DrillDocuments.upsertJSON(document)
                return (Array(full.prefix(Int.random(in: 0..<full.count, using: &random))), "truncated")
            case 5:
                return (
                    Array(
                        random.pick([
                            #"{"body": 5}"#, #"{"body": ["x"]}"#, #"{"body": null, "modelCard": 7}"#, "[]", "null",
                            #"{"lastUpdateTimeSinceEpoch": {"a": 1}}"#, #""just a string""#, "12",
                        ]).utf8), "wrong-types"
                )
            case 6:
                return (
                    Array(repeating: UInt8(ascii: "a"), count: bodyLimit + Int.random(in: 1...40_000, using: &random)),
                    "huge"
                )
            case 7: return (random.bytes(Int.random(in: 1...4096, using: &random)), "binary")
            case 8: return (Array(#"{"keys": ["\#(random.pick(validKeys))"]}"#.utf8), "keyset")
            case 9: return (Array(#"{"keys": 5}"#.utf8), "keyset-wrong-type")
            case 10:
                let nested = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
                return (Array(#"{"body": \#(nested)}"#.utf8), "deep-nesting")
            case 11:
                let text = Data("not a model catalog".utf8).base64EncodedString()
                return (Array(#"{"body": "\#(text)"}"#.utf8), "valid-wire-bad-document")
            case 12:
                return (Array(#"{"body": "!!!not base64!!!", "modelCard": "✓ 🚀 \u0000"}"#.utf8), "bad-base64")
            default:
                return ([], "empty")
            }
        }

        mutating func headers() -> [(String, String)] {
            var headers: [(String, String)] = []
            if random.chance(30) {
                headers.append(
                    (
                        "Content-Type",
                        random.pick(["application/json", "text/plain", "application/x-www-form-urlencoded", "*/*", ""])
                    ))
            }
            if random.chance(10) { headers.append(("Authorization", "Bearer " + random.pick(["x", "", "a b c"]))) }
            if random.chance(10) { headers.append(("If-None-Match", random.pick(["*", "\"x\"", "W/\"y\"", ","]))) }
            if random.chance(5) {
                headers.append(("X-Fuzz", String(repeating: "h", count: Int.random(in: 100...8000, using: &random))))
            }
            if random.chance(5) { headers.append(("Accept", "application/yaml;q=0.9, */*;q=0.1")) }
            return headers
        }

        mutating func next(role: RoleFixture.Role) throws -> FuzzRequest {
            let onRoute = random.chance(85)
            let route = onRoute ? random.pick(EndpointFuzzTests.routes[role]!) : nil
            let method: HTTPMethod =
                (route != nil && random.chance(70))
                ? route!.method
                : random.pick([.GET, .POST, .PUT, .DELETE, .PATCH, .HEAD, .OPTIONS, .RAW(value: "FUZZ")])
            let target = path(for: route) + query(for: route)
            let (body, kind) = try body(for: route)
            return FuzzRequest(
                role: role, route: route?.name ?? "(random path)", method: method, target: target, body: body,
                bodyKind: kind, headers: headers(), mayMutate: route?.mutates == true && method == route?.method)
        }
    }

    /// A request whose outcome broke a rule.
    struct Violation: Sendable, CustomStringConvertible {
        var request: String
        var problem: String
        var description: String { "\(problem): \(request)" }
    }

    @Test func tenThousandRandomRequestsGetOnly2xxOr4xxAndRefusedOnesChangeNothing() async throws {
        let logs = LogCapture()
        let fixture = try await RoleFixture(logs: logs)
        let documents = (0..<6).map { DrillDocuments.registry(model: "fuzz-\($0)", card: "# Card \($0)\n") }
        for document in documents.prefix(3) {
            fixture.locationIndex.upsert(
                CatalogUpsert(rendered: document, body: try UpsertBody(document, format: .jsonArray)))
        }
        var factory = RequestFactory(
            random: SeededGenerator(seed: Self.seed), documents: documents, bodyLimit: fixture.bodyLimit)
        var table: [String: [String: Int]] = [:]
        var violations: [Violation] = []
        var knownBug: [Violation] = []
        var unanswered: [String: Int] = [:]
        var total = 0
        var answered = 0
        for round in 0..<Self.requestsPerRole {
            for role in RoleFixture.Role.allCases {
                let request = try factory.next(role: role)
                let before = try await fixture.world()
                let exchange = await fixture.send(
                    request.method, fixture.url(role) + request.target, body: request.body, headers: request.headers)
                let after = try await fixture.world()
                total += 1
                let status = exchange.status.map(String.init) ?? "no answer"
                table["\(role.rawValue) \(request.route)", default: [:]][status, default: 0] += 1
                let changed = before != after
                if let code = exchange.status {
                    answered += 1
                    let documented = role == .admin && request.route == "GET /readyz" && code == 503
                    if code >= 500 && !documented {
                        let violation = Violation(
                            request: "\(request)", problem: "HTTP \(code) \(exchange.body.prefix(200))")
                        if role == .storage && code == 502 && request.bodyKind == "valid-wire-bad-document" {
                            knownBug.append(violation)
                        } else {
                            violations.append(violation)
                        }
                    }
                    let accepted = (200..<300).contains(code) && request.mayMutate
                    if changed && !accepted {
                        let violation = Violation(request: "\(request)", problem: "HTTP \(code) changed state")
                        if role == .storage && request.bodyKind == "valid-wire-bad-document" {
                            knownBug.append(violation)
                        } else {
                            violations.append(violation)
                        }
                    }
                } else {
                    let reason =
                        (exchange.error ?? "").prefix(60)
                        + " (body \(request.bodyKind), target \(request.target.count > 8192 ? ">8K" : request.target.count > 1024 ? "1-8K" : "<1K"), headers \(request.headers.map { $0.1.count }.reduce(0, +) > 4096 ? ">4K" : "small"))"
                    unanswered[String(reason), default: 0] += 1
                    if changed {
                        violations.append(Violation(request: "\(request)", problem: "no answer, changed state"))
                    }
                    let health = await fixture.send(.GET, fixture.url(role) + "/healthz")
                    if health.status != 200 {
                        violations.append(
                            Violation(request: "\(request)", problem: "role stopped answering: \(exchange.error ?? "")")
                        )
                    }
                }
            }
            if round % 1000 == 999 { print("fuzz: \(total) requests sent") }
        }
        for role in RoleFixture.Role.allCases {
            #expect(await fixture.send(.GET, fixture.url(role) + "/healthz").status == 200, "\(role) is alive")
        }
        Self.printTable(table, total: total)
        for (reason, count) in unanswered.sorted(by: { $0.value > $1.value }).prefix(30) {
            print("  no answer ×\(count): \(reason)")
        }
        print("fuzz: \(violations.count) violations, \(knownBug.count) of the known storage bug")
        for violation in violations.prefix(20) { print("  VIOLATION \(violation)") }
        print("fuzz: \(answered) of \(total) requests reached a role (the rest the HTTP client refused to send)")
        #expect(answered >= 10_000)
        #expect(violations.count == 0, "first: \(violations.first?.description ?? "")")
        #expect(knownBug.count == 0, "first: \(knownBug.first?.description ?? "")")

        await fixture.shutdown()
    }

    static func printTable(_ table: [String: [String: Int]], total: Int) {
        let statuses = Set(table.values.flatMap(\.keys)).sorted()
        let width = max(40, (table.keys.map(\.count).max() ?? 0) + 2)
        func pad(_ text: String, _ size: Int) -> String {
            text + String(repeating: " ", count: max(0, size - text.count))
        }
        var lines = [pad("endpoint", width) + statuses.map { pad($0, 10) }.joined() + "total"]
        for endpoint in table.keys.sorted() {
            let row = table[endpoint]!
            lines.append(
                pad(endpoint, width) + statuses.map { pad(row[$0].map(String.init) ?? "·", 10) }.joined()
                    + "\(row.values.reduce(0, +))")
        }
        lines.append("total requests: \(total)")
        print(lines.joined(separator: "\n"))
    }
}
