import Foundation
import KubeAPI

/// kube-apiserver's `pods/proxy` subresource, decided as a plain function of the request and the stored pod:
/// `/api/v1/namespaces/{ns}/pods/{id}/proxy[/{path}]` with `{id}` = `name`, `name:port` or `scheme:name:port`.
///
/// The rules are the real server's (`pod.ResourceLocation`, `util/net.SplitSchemeNamePort`, the proxy handler and
/// transport of `util/proxy`):
/// - `{id}` splits on `:` into one to three parts; a scheme other than `http`/`https`, an empty name or more parts
///   is 400 `invalid pod request "<id>"`; an unknown pod is the usual 404 `pods "<name>" not found`;
/// - the port is used as written: digits are a port number, anything else is a *service* name the dialer looks up
///   (Go's table, then `/etc/services`), never a container port name; an unknown one is 503 `error trying to reach
///   service: dial tcp: lookup tcp/<name>: unknown port`; without a port the first port of the first container that
///   has one is used, else none (80 for http);
/// - the pod's IP is the first of `status.podIPs`; none, or one that is not a global unicast address, is 400
///   `address not allowed` (the phase is not looked at: a pod that is not running but has an IP is dialled);
/// - an empty path (`…/proxy` without `/`) is a 301 to the same path with `/` appended;
/// - the method, query, body and headers go to the pod, without `Authorization` (the authentication filter removed
///   it) and hop-by-hop headers, with `X-Forwarded-Uri`; a `Location` pointing at the pod is rewritten under the proxy
///   path; a pod that cannot be reached is 503 `error trying to reach service: <Go dial error>`.
///
/// One deliberate difference: loopback pod IPs are allowed, because the sandbox's pods are processes on this host.
///
/// ```swift
/// let decision = try FakeKubePodProxy.decide(for: request, id: "x:9090", pod: pod, prefix: prefix, path: ["list"])
/// ```
enum FakeKubePodProxy {
    /// Where and how to forward one request.
    struct Target: Sendable {
        var method: String
        /// `http://127.0.0.1:9090/list?x=1`.
        var url: String
        var headers: [(String, String)]
        var body: [UInt8]
        /// `/api/v1/namespaces/{ns}/pods/{id}/proxy`: `Location` headers that point at the pod are rewritten under it.
        var prefix: String
        /// `127.0.0.1:9090`, as Go's dial errors name the address.
        var address: String
    }

    /// The methods the real `pods/proxy` connects (`ConnectMethods`).
    static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

    /// The RBAC verb of a proxied method, as kube-apiserver's request-info resolver names it.
    static func verb(method: String) -> String {
        switch method {
        case "GET", "HEAD": "get"
        case "POST": "create"
        case "PUT": "update"
        case "PATCH": "patch"
        case "DELETE": "delete"
        default: method.lowercased()
        }
    }

    /// `util/net.SplitSchemeNamePort`: `name`, `name:port` or `scheme:name:port`; nil when invalid.
    static func split(_ id: String) -> (scheme: String, name: String, port: String)? {
        let parts = id.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let scheme: String
        let name: String
        var port = ""
        switch parts.count {
        case 1: (scheme, name) = ("", parts[0])
        case 2: (scheme, name, port) = ("", parts[0], parts[1])
        case 3: (scheme, name, port) = (parts[0], parts[1], parts[2])
        default: return nil
        }
        guard !name.isEmpty, ["", "http", "https"].contains(scheme) else { return nil }
        return (scheme, name, port)
    }

    /// The pod's name in `id`, or 400 as the real server answers an id it cannot split.
    static func podName(in id: String) throws(FakeKubeFailure) -> String {
        guard let parts = split(id) else { throw .badRequest("invalid pod request \"\(id)\"") }
        return parts.name
    }

    /// What the proxy does with one request.
    enum Decision: Sendable {
        case forward(Target)
        /// 301 to this location (an empty proxy path).
        case redirect(String)
    }

    /// Where the request goes, or the real server's refusal.
    ///
    /// - Parameters:
    ///   - prefix: the request's path up to and including `proxy`, as sent.
    ///   - path: the decoded segments after `proxy`.
    static func decide(
        for request: FakeKubeRequest, id: String, pod: JSONValue, prefix: String, path: [String]
    ) throws(FakeKubeFailure) -> Decision {
        guard let (scheme, _, sentPort) = split(id) else { throw .badRequest("invalid pod request \"\(id)\"") }
        var port = sentPort
        if port.isEmpty {
            let containers = pod["spec"]?["containers"]?.arrayValue ?? []
            if let first = containers.first(where: { !($0["ports"]?.arrayValue ?? []).isEmpty }),
                let number = first["ports"]?.arrayValue?.first?["containerPort"]?.intValue
            {
                port = String(number)
            }
        }
        let ip = pod["status"]?["podIPs"]?.arrayValue?.first?["ip"]?.stringValue ?? ""
        guard let address = FakeKubeIPAddress(ip), address.isGlobalUnicast || address.isLoopback else {
            throw .badRequest("address not allowed")
        }
        let effectiveScheme = scheme.isEmpty ? "http" : scheme
        let host = address.isIPv6 ? "[\(ip)]" : ip
        let portNumber: Int
        if port.isEmpty {
            portNumber = effectiveScheme == "https" ? 443 : 80
        } else {
            portNumber = try dialPort(port, host: host)
        }
        let proxyPath = joinedPath(path, trailingSlash: request.path.hasSuffix("/"))
        if proxyPath.isEmpty {
            // Go's proxy handler sends an empty path to the same URL with a slash (kubernetes issue 4958).
            let query = request.rawQuery.map { $0.isEmpty ? "" : "?\($0)" } ?? ""
            return .redirect(request.path + "/" + query)
        }
        var url = "\(effectiveScheme)://\(host):\(portNumber)\(escaped(proxyPath))"
        if let query = request.rawQuery, !query.isEmpty { url += "?\(query)" }
        var headers = request.headers.filter { !droppedRequestHeaders.contains($0.0.lowercased()) }
        headers.append(("X-Forwarded-Uri", prefix + escaped(proxyPath)))
        headers.append(("X-Forwarded-For", "127.0.0.1"))
        return .forward(
            Target(
                method: request.method, url: url, headers: headers, body: request.body, prefix: prefix,
                address: "\(host):\(portNumber)"))
    }

    /// Request headers that never reach the pod: hop-by-hop ones (RFC 9110, as Go's reverse proxy drops them), the
    /// credentials the authentication filter consumed, and `Host` (the pod's own is sent).
    static let droppedRequestHeaders: Set<String> = [
        "connection", "proxy-connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "authorization", "host", "content-length",
    ]

    /// Response headers that do not come back: the hop-by-hop ones.
    static let droppedResponseHeaders: Set<String> = [
        "connection", "proxy-connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade",
    ]

    /// The port the dialer uses for `port`: a number (Go's `parsePort`, sign allowed, 0…65535), or a service name
    /// from Go's built-in table or `/etc/services`; otherwise the 503 the real proxy answers with Go's dial error.
    static func dialPort(_ port: String, host: String) throws(FakeKubeFailure) -> Int {
        var digits = Substring(port)
        var negative = false
        if digits.first == "+" || digits.first == "-" {
            negative = digits.first == "-"
            digits = digits.dropFirst()
        }
        if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
            let value = (Int(digits.prefix(10)) ?? Int.max) * (negative ? -1 : 1)
            guard (0...65535).contains(value) else {
                throw unreachable("dial tcp: address \(port): invalid port")
            }
            return value
        }
        if let known = serviceNames()[port.lowercased()] { return known }
        throw unreachable("dial tcp: lookup tcp/\(port): unknown port")
    }

    /// The real proxy transport's answer when it cannot reach the pod: 503 `ServiceUnavailable`.
    static func unreachable(_ dialError: String) -> FakeKubeFailure {
        FakeKubeFailure(
            code: 503, reason: "ServiceUnavailable", message: "error trying to reach service: \(dialError)")
    }

    /// TCP service names: Go's built-in table, then `/etc/services` (which Go's resolver reads on Unix).
    static func serviceNames() -> [String: Int] {
        var names: [String: Int] = [
            "ftp": 21, "ftps": 990, "gopher": 70, "http": 80, "https": 443, "imap2": 143, "imap3": 220, "imaps": 993,
            "pop3": 110, "pop3s": 995, "smtp": 25, "submissions": 465, "ssh": 22, "telnet": 23,
        ]
        guard let text = try? String(contentsOfFile: "/etc/services", encoding: .utf8) else { return names }
        for line in text.split(separator: "\n") {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = content.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2 else { continue }
            let portAndProtocol = fields[1].split(separator: "/")
            guard portAndProtocol.count == 2, portAndProtocol[1] == "tcp", let number = Int(portAndProtocol[0]) else {
                continue
            }
            for name in [fields[0]] + fields.dropFirst(2) where names[name.lowercased()] == nil {
                names[name.lowercased()] = number
            }
        }
        return names
    }

    /// The proxied path as `path.Join` leaves it (`.` and `..` resolved, no empty segments), with the request's
    /// trailing slash kept; empty when there is nothing after `proxy`.
    static func joinedPath(_ segments: [String], trailingSlash: Bool) -> String {
        var kept: [String] = []
        for segment in segments where !segment.isEmpty && segment != "." {
            if segment == ".." {
                _ = kept.popLast()
            } else {
                kept.append(segment)
            }
        }
        if kept.isEmpty { return trailingSlash ? "/" : "" }
        return "/" + kept.joined(separator: "/") + (trailingSlash ? "/" : "")
    }

    /// A decoded path escaped as Go's `URL.EscapedPath` writes it.
    static func escaped(_ path: String) -> String {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-._~!$&'()*+,;=:@/")
        return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    }

    /// A pod's `Location` header rewritten as the real proxy transport does: an absolute path, or a URL on the pod's
    /// own address, goes back through the proxy path; anything else is left alone.
    static func rewrittenLocation(_ location: String, target: Target) -> String {
        guard var components = URLComponents(string: location) else { return location }
        let podAuthority = components.port.map { "\(components.host ?? ""):\($0)" } ?? components.host ?? ""
        let otherHost = components.host != nil && !(components.host ?? "").isEmpty && podAuthority != target.address
        guard !otherHost, components.path.hasPrefix("/") else { return location }
        components.scheme = nil
        components.host = nil
        components.port = nil
        if !components.path.hasPrefix(target.prefix) {
            components.path = target.prefix + components.path
        }
        return components.string ?? location
    }
}

/// An IP address as Go's `net.ParseIP` reads it, with the classes the proxy checks.
struct FakeKubeIPAddress: Hashable {
    var bytes: [UInt8]
    var isIPv6: Bool

    init?(_ text: String) {
        if let v4 = Self.parseIPv4(text) {
            bytes = v4
            isIPv6 = false
            return
        }
        guard text.contains(":"), let v6 = Self.parseIPv6(text) else { return nil }
        // An IPv4-mapped IPv6 address is that IPv4 address for every class check.
        if v6.prefix(12) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] {
            bytes = Array(v6.suffix(4))
        } else {
            bytes = v6
        }
        isIPv6 = true
    }

    var isLoopback: Bool { bytes.count == 4 ? bytes[0] == 127 : bytes == Array(repeating: 0, count: 15) + [1] }

    /// Go's `IP.IsGlobalUnicast`: not unspecified, loopback, multicast, link-local or the IPv4 broadcast address.
    var isGlobalUnicast: Bool {
        if bytes.count == 4 {
            let unspecified = bytes == [0, 0, 0, 0]
            let broadcast = bytes == [255, 255, 255, 255]
            let multicast = bytes[0] >= 224 && bytes[0] <= 239
            let linkLocal = bytes[0] == 169 && bytes[1] == 254
            return !(unspecified || broadcast || multicast || linkLocal || isLoopback)
        }
        let unspecified = bytes.allSatisfy { $0 == 0 }
        let multicast = bytes[0] == 0xff
        let linkLocal = bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80
        return !(unspecified || multicast || linkLocal || isLoopback)
    }

    /// Dotted decimal; like `netutils.ParseIPSloppy`, leading zeros are read as decimal.
    static func parseIPv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = UInt8(part)
            else { return nil }
            result.append(value)
        }
        return result
    }

    static func parseIPv6(_ text: String) -> [UInt8]? {
        var text = Substring(text)
        var tail: [UInt8] = []
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard let v4 = parseIPv4(String(text[text.index(after: lastColon)...])) else { return nil }
            tail = v4
            text = text[...lastColon]
            if text.hasSuffix(":") && !text.hasSuffix("::") { text = text.dropLast() }
        }
        func groups(_ part: Substring) -> [UInt8]? {
            guard !part.isEmpty else { return [] }
            var bytes: [UInt8] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let value = UInt16(group, radix: 16) else { return nil }
                bytes += [UInt8(value >> 8), UInt8(value & 0xff)]
            }
            return bytes
        }
        let halves = text.components(separatedBy: "::")
        switch halves.count {
        case 1:
            guard let all = groups(text), all.count + tail.count == 16 else { return nil }
            return all + tail
        case 2:
            guard let head = groups(Substring(halves[0])), let rest = groups(Substring(halves[1])),
                head.count + rest.count + tail.count < 16
            else { return nil }
            return head + Array(repeating: 0, count: 16 - head.count - rest.count - tail.count) + rest + tail
        default:
            return nil
        }
    }
}
