import Foundation
import KubeAPI
import Synchronization

/// A request to the fake API server, independent of the HTTP framework.
struct FakeKubeRequest: Sendable {
    var method: String
    var path: String
    /// Percent-decoded query parameters (`+` is a space, as Go clients encode it).
    var query: [String: String]
    var contentType: String?
    var authorization: String?
    var body: [UInt8]
    var bodyTooLarge = false
    /// Who sent it, once authenticated.
    var user = FakeKubeUser.sandboxBridge
    /// The `Accept` header: the fake answers only in JSON, so a client that accepts only protobuf gets 406.
    var accept: String? = nil
    /// The query string as sent (the `pods/proxy` subresource forwards it unchanged).
    var rawQuery: String? = nil
    /// Every header as sent, in order (the `pods/proxy` subresource forwards them).
    var headers: [(String, String)] = []

    /// Parses a raw query string the way Go's `url.ParseQuery` does.
    static func parseQuery(_ raw: String?) -> [String: String] {
        var result: [String: String] = [:]
        for pair in (raw ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            let key = decode(parts[0])
            if result[key] == nil { result[key] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return result
    }
}

/// What the fake answers: a JSON body, any text body (an empty content type sends none), a watch stream, or a
/// request to forward to a pod (`pods/proxy`).
enum FakeKubeResponse: Sendable {
    case json(code: Int, body: JSONValue, headers: [(String, String)] = [])
    case text(code: Int, contentType: String, body: String, headers: [(String, String)] = [])
    case watch(FakeKubeWatchStream)
    case proxy(FakeKubePodProxy.Target)
}

/// An open watch the HTTP layer streams out.
struct FakeKubeWatchStream: Sendable {
    var id: Int
    var items: AsyncStream<FakeKubeStore.WatchItem>
    var kind: FakeKubeResourceKind
    var allowBookmarks: Bool
    var timeoutSeconds: Int?
}

/// The fake API server's request handling: faults, authentication, discovery and the resource verbs.
final class FakeKubeHandler: Sendable {
    struct Runtime: Sendable {
        var acceptedTokens: Set<String>?
        var faults: [FakeKubeFaultRule] = []
        var denied: [FakeKubeAccessRule] = []
        var requests: [FakeKubeRecordedRequest] = []
        var splitWatchEvents = false
        var expiredWatchAsHTTPStatus = false
        var baseURL = ""
    }

    let store: FakeKubeStore
    let runtime: Mutex<Runtime>
    let version: JSONValue
    let authorizer: FakeKubeAuthorizer

    init(store: FakeKubeStore, acceptedTokens: Set<String>?, version: JSONValue, rbac: Bool = false) {
        self.store = store
        self.runtime = Mutex(Runtime(acceptedTokens: acceptedTokens))
        self.version = version
        self.authorizer = FakeKubeAuthorizer(store: store, rbac: rbac)
    }

    func handle(_ request: FakeKubeRequest) -> FakeKubeResponse {
        let fault = runtime.withLock { runtime -> FakeKubeFault? in
            runtime.requests.append(
                FakeKubeRecordedRequest(
                    method: request.method, path: request.path, query: request.query, contentType: request.contentType))
            if runtime.requests.count > 5000 { runtime.requests.removeFirst(1000) }
            guard
                let index = runtime.faults.firstIndex(where: { $0.matches(method: request.method, path: request.path) })
            else { return nil }
            runtime.faults[index].remaining -= 1
            let fault = runtime.faults[index].fault
            if runtime.faults[index].remaining <= 0 { runtime.faults.remove(at: index) }
            return fault
        }
        if let fault { return Self.response(for: fault) }
        if ["/healthz", "/livez", "/readyz"].contains(request.path) {
            return .text(code: 200, contentType: "text/plain", body: "ok")
        }
        // Real servers show /version to anyone (system:public-info-viewer); kubectl's version dispatcher relies on it.
        if request.path == "/version" { return .json(code: 200, body: version) }
        var request = request
        switch authorizer.authenticate(
            authorization: request.authorization, acceptedTokens: runtime.withLock { $0.acceptedTokens })
        {
        case .failure(let failure): return Self.response(for: failure)
        case .success(let user): request.user = user
        }
        do {
            return try route(request)
        } catch {
            return Self.response(for: error)
        }
    }

    // MARK: - Routing

    private func route(_ request: FakeKubeRequest) throws(FakeKubeFailure) -> FakeKubeResponse {
        let segments = request.path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        if let attributes = FakeKubeAccessAttributes(
            user: request.user, method: request.method, path: request.path, segments: segments)
        {
            try authorizer.authorize(attributes, denyRules: [])
        }
        switch segments.first {
        case "version" where segments.count == 1:
            return .json(code: 200, body: version)
        case "openapi" where request.method == "GET":
            let openAPI = FakeKubeOpenAPI(
                kinds: Array(store.kinds.values), serverVersion: version["gitVersion"]?.stringValue ?? "v1.32.0")
            return try openAPI.response(path: request.path, accept: request.accept)
        case "api":
            if segments.count == 1 {
                return .json(
                    code: 200,
                    body: [
                        "kind": "APIVersions", "versions": ["v1"],
                        "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"]],
                    ])
            }
            return try resourceRequest(request, group: "", version: segments[1], rest: Array(segments.dropFirst(2)))
        case "apis":
            if segments.count == 1 { return .json(code: 200, body: groupList()) }
            if segments.count == 2 {
                guard let group = groups()[segments[1]] else { throw .pathNotFound(request.path) }
                return .json(code: 200, body: groupJSON(name: segments[1], versions: group))
            }
            return try resourceRequest(
                request, group: segments[1], version: segments[2], rest: Array(segments.dropFirst(3)))
        default:
            throw .pathNotFound(request.path)
        }
    }

    /// Served groups and their versions (preferred first).
    private func groups() -> [String: [String]] {
        var result: [String: [String]] = [:]
        for kind in store.kinds.values.sorted(by: { $0.id < $1.id }) where !kind.group.isEmpty {
            if !(result[kind.group]?.contains(kind.version) ?? false) {
                result[kind.group, default: []].append(kind.version)
            }
        }
        // Prefer the most stable version: v1 > v1beta1 > v1alpha1.
        return result.mapValues { $0.sorted { Self.stability($0) > Self.stability($1) } }
    }

    private static func stability(_ version: String) -> Int {
        if version.contains("alpha") { return 0 }
        if version.contains("beta") { return 1 }
        return 2
    }

    private func groupJSON(name: String, versions: [String]) -> JSONValue {
        let entries = versions.map {
            JSONValue.object(["groupVersion": .string("\(name)/\($0)"), "version": .string($0)])
        }
        return [
            "kind": "APIGroup", "apiVersion": "v1", "name": .string(name), "versions": .array(entries),
            "preferredVersion": entries.first ?? .null,
        ]
    }

    private func groupList() -> JSONValue {
        let list = groups().sorted { $0.key < $1.key }.map { groupJSON(name: $0.key, versions: $0.value) }
        return ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(list)]
    }

    private func resourceList(group: String, version: String) throws(FakeKubeFailure) -> JSONValue {
        let kinds = store.kinds.values.filter { $0.group == group && $0.version == version }.sorted {
            $0.plural < $1.plural
        }
        guard !kinds.isEmpty else {
            throw .pathNotFound(group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)")
        }
        var resources: [JSONValue] = []
        for kind in kinds {
            resources.append([
                "name": .string(kind.plural), "singularName": .string(kind.singular),
                "namespaced": .bool(kind.namespaced),
                "kind": .string(kind.kind), "verbs": .array(kind.verbs.map { .string($0) }),
                "shortNames": .array(kind.shortNames.map { .string($0) }),
            ])
            if kind.hasProxySubresource {
                // A connect subresource: discovery lists the verbs of its HTTP methods and the options kind.
                resources.append([
                    "name": .string("\(kind.plural)/proxy"), "singularName": "", "namespaced": .bool(kind.namespaced),
                    "kind": .string("\(kind.kind)ProxyOptions"),
                    "verbs": ["create", "delete", "get", "patch", "update"],
                ])
            }
            if kind.hasStatusSubresource {
                resources.append([
                    "name": .string("\(kind.plural)/status"), "singularName": "", "namespaced": .bool(kind.namespaced),
                    "kind": .string(kind.kind), "verbs": ["get", "patch", "update"],
                ])
            }
        }
        return [
            "kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"), "resources": .array(resources),
        ]
    }

    private func resourceRequest(
        _ request: FakeKubeRequest, group: String, version: String, rest: [String]
    ) throws(FakeKubeFailure) -> FakeKubeResponse {
        if rest.isEmpty {
            guard request.method == "GET" else { throw .methodNotAllowed(request.method, request.path) }
            return .json(code: 200, body: try resourceList(group: group, version: version))
        }
        func kind(_ plural: String) -> FakeKubeResourceKind? {
            store.kind(id: group.isEmpty ? "\(version)/\(plural)" : "\(group)/\(version)/\(plural)")
        }
        var namespace: String?
        var remainder = rest[...]
        if rest.count >= 3, rest[0] == "namespaces", let candidate = kind(rest[2]), candidate.namespaced {
            namespace = rest[1]
            remainder = rest.dropFirst(2)
        }
        if let namespace, let plural = remainder.first, let kind = kind(plural), kind.hasProxySubresource,
            remainder.count >= 3, remainder.dropFirst(2).first == "proxy"
        {
            return try proxy(
                request, kind: kind, namespace: namespace, id: remainder.dropFirst().first ?? "",
                path: Array(remainder.dropFirst(3)))
        }
        guard let plural = remainder.first, let kind = kind(plural), remainder.count <= 3 else {
            throw .pathNotFound(request.path)
        }
        let name = remainder.dropFirst().first
        let subresource = remainder.dropFirst(2).first
        if kind.namespaced && name != nil && namespace == nil { throw .pathNotFound(request.path) }

        let isWatch = request.query["watch"] == "true" || request.query["watch"] == "1"
        let verb: String
        switch (request.method, name) {
        case ("GET", nil): verb = isWatch ? "watch" : "list"
        case ("GET", _): verb = "get"
        case ("POST", nil): verb = "create"
        case ("PUT", _?): verb = "update"
        case ("PATCH", _?): verb = "patch"
        case ("DELETE", _?): verb = "delete"
        default: throw .methodNotAllowed(request.method, request.path)
        }
        guard kind.verbs.contains(verb) else { throw .methodNotAllowed(request.method, request.path) }
        if kind.namespaced && namespace == nil && !["list", "watch"].contains(verb) {
            throw .pathNotFound(request.path)
        }
        try authorizer.authorize(
            FakeKubeAccessAttributes(
                user: request.user, verb: verb, kind: kind, namespace: namespace, name: name, subresource: subresource,
                query: request.query),
            denyRules: runtime.withLock { $0.denied })
        if request.bodyTooLarge {
            throw FakeKubeFailure(
                code: 413, reason: "RequestEntityTooLarge", message: "Request entity too large: limit is 3145728")
        }
        guard FakeKubeProtobufBody.acceptsJSON(request.accept) else { throw FakeKubeProtobufBody.notAcceptable() }

        switch verb {
        case "get":
            return .json(code: 200, body: try store.get(kind, namespace: namespace, name: name!))
        case "list":
            return .json(code: 200, body: try list(kind, namespace: namespace, query: request.query))
        case "watch":
            return try watch(kind, namespace: namespace, query: request.query)
        case "create":
            let checked = try FakeKubeFieldValidation.check(
                try Self.decodeBody(request, kind: kind), kind: kind, query: request.query, operation: .create)
            if kind.plural == "selfsubjectaccessreviews" {
                let denied = runtime.withLock { $0.denied }
                return .json(
                    code: 201, body: try authorizer.review(checked.object, user: request.user, denyRules: denied),
                    headers: Self.warningHeaders(checked))
            }
            return .json(
                code: 201, body: try store.create(kind, namespace: namespace, object: checked.object),
                headers: Self.warningHeaders(checked))
        case "update":
            let checked = try FakeKubeFieldValidation.check(
                try Self.decodeBody(request, kind: kind), kind: kind, query: request.query, operation: .update)
            return .json(
                code: 200,
                body: try store.update(
                    kind, namespace: namespace, name: name!, object: checked.object, subresource: subresource),
                headers: Self.warningHeaders(checked))
        case "patch":
            let contentType = (request.contentType ?? "").split(separator: ";").first.map(String.init) ?? ""
            var patch = try Self.decodeBody(request)
            let strategic = contentType == "application/strategic-merge-patch+json"
            switch contentType {
            case "application/merge-patch+json":
                break
            case "application/strategic-merge-patch+json" where !kind.isCustomResource:
                patch = Self.removingDirectives(patch)
            default:
                throw .unsupportedMediaType(contentType)
            }
            let checked = try FakeKubeFieldValidation.check(
                patch, kind: kind, query: request.query, operation: .patch)
            return .json(
                code: 200,
                body: try store.patch(
                    kind, namespace: namespace, name: name!, patch: checked.object, subresource: subresource,
                    strategic: strategic),
                headers: Self.warningHeaders(checked))
        default:  // delete
            let (object, gone) = try store.delete(kind, namespace: namespace, name: name!)
            guard gone else { return .json(code: 200, body: object) }
            return .json(
                code: 200,
                body: [
                    "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success",
                    "details": [
                        "name": .string(name!), "group": .string(kind.group), "kind": .string(kind.plural),
                        "uid": object["metadata"]?["uid"] ?? .null,
                    ],
                ])
        }
    }

    /// `…/pods/{id}/proxy[/{path}]`: authorized as the verb of the method on `pods/proxy` with the name as sent
    /// (`x:9090`), then resolved by ``FakeKubePodProxy``; the HTTP layer forwards it.
    private func proxy(
        _ request: FakeKubeRequest, kind: FakeKubeResourceKind, namespace: String, id: String, path: [String]
    ) throws(FakeKubeFailure) -> FakeKubeResponse {
        try authorizer.authorize(
            FakeKubeAccessAttributes(
                user: request.user, verb: FakeKubePodProxy.verb(method: request.method), kind: kind,
                namespace: namespace, name: id, subresource: "proxy", query: [:]),
            denyRules: runtime.withLock { $0.denied })
        guard FakeKubePodProxy.methods.contains(request.method) else {
            throw .methodNotAllowed(request.method, request.path)
        }
        if request.bodyTooLarge {
            throw FakeKubeFailure(
                code: 413, reason: "RequestEntityTooLarge", message: "Request entity too large: limit is 3145728")
        }
        let pod = try store.get(kind, namespace: namespace, name: try FakeKubePodProxy.podName(in: id))
        let sent = request.path.split(separator: "/").map(String.init)
        let prefix = "/" + sent.prefix(sent.count - path.count).joined(separator: "/")
        switch try FakeKubePodProxy.decide(for: request, id: id, pod: pod, prefix: prefix, path: path) {
        case .redirect(let location):
            return .text(code: 301, contentType: "", body: "", headers: [("Location", location)])
        case .forward(let target):
            return .proxy(target)
        }
    }

    private func list(_ kind: FakeKubeResourceKind, namespace: String?, query: [String: String]) throws(FakeKubeFailure)
        -> JSONValue
    {
        let labels = try Self.selector(labels: query["labelSelector"])
        let fields = try Self.selector(fields: query["fieldSelector"])
        var limit: Int?
        if let text = query["limit"], !text.isEmpty {
            guard let value = Int(text), value >= 0 else { throw .badRequest("invalid limit \"\(text)\"") }
            limit = value == 0 ? nil : value
        }
        let result = try store.list(
            kind, namespace: namespace, labels: labels, fields: fields, limit: limit, continueToken: query["continue"])
        var metadata: [String: JSONValue] = ["resourceVersion": .string(String(result.resourceVersion))]
        if let token = result.continueToken { metadata["continue"] = .string(token) }
        if let remaining = result.remaining { metadata["remainingItemCount"] = .int(Int64(remaining)) }
        // Built-in kinds omit kind and apiVersion on items, as the real server does.
        let items =
            kind.group.isEmpty
            ? result.items.map { item -> JSONValue in
                var copy = item
                copy["kind"] = nil
                copy["apiVersion"] = nil
                return copy
            } : result.items
        return [
            "kind": .string("\(kind.kind)List"), "apiVersion": .string(kind.apiVersion), "metadata": .object(metadata),
            "items": .array(items),
        ]
    }

    private func watch(_ kind: FakeKubeResourceKind, namespace: String?, query: [String: String])
        throws(FakeKubeFailure)
        -> FakeKubeResponse
    {
        let labels = try Self.selector(labels: query["labelSelector"])
        let fields = try Self.selector(fields: query["fieldSelector"])
        var timeout: Int?
        if let text = query["timeoutSeconds"], !text.isEmpty {
            guard let value = Int(text), value >= 0 else { throw .badRequest("invalid timeoutSeconds \"\(text)\"") }
            timeout = value
        }
        // Some servers (and proxies) answer an expired watch with a plain 410 instead of an ERROR event.
        let compacted = store.compactedResourceVersion
        if runtime.withLock({ $0.expiredWatchAsHTTPStatus }), let version = query["resourceVersion"].flatMap(Int.init),
            version != 0, version < compacted
        {
            throw .expired("too old resource version: \(version) (\(compacted + 1))")
        }
        let (id, items) = try store.startWatch(
            kind, namespace: namespace, labels: labels, fields: fields, resourceVersion: query["resourceVersion"])
        return .watch(
            FakeKubeWatchStream(
                id: id, items: items, kind: kind, allowBookmarks: query["allowWatchBookmarks"] == "true",
                timeoutSeconds: timeout))
    }

    // MARK: - Helpers

    private static func selector(labels: String?) throws(FakeKubeFailure) -> FakeKubeSelector {
        guard let labels, !labels.isEmpty else { return FakeKubeSelector() }
        do {
            return try FakeKubeSelector(labels: labels)
        } catch {
            throw .badRequest("unable to parse requirement: \(error.message)")
        }
    }

    private static func selector(fields: String?) throws(FakeKubeFailure) -> FakeKubeSelector {
        guard let fields, !fields.isEmpty else { return FakeKubeSelector() }
        do {
            return try FakeKubeSelector(fields: fields)
        } catch {
            throw .badRequest(error.message)
        }
    }

    /// The body as JSON. With `kind` (POST and PUT of a built-in kind), a protobuf body is read as well, as the
    /// real server reads it; custom resources and patches take JSON only.
    static func decodeBody(_ request: FakeKubeRequest, kind: FakeKubeResourceKind? = nil) throws(FakeKubeFailure)
        -> JSONValue
    {
        let contentType = (request.contentType ?? "application/json").lowercased()
        if let kind, !kind.isCustomResource, contentType.hasPrefix("application/vnd.kubernetes.protobuf") {
            return try FakeKubeProtobufBody.decode(request.body, for: kind)
        }
        if contentType.contains("protobuf") || contentType.contains("cbor") {
            throw .unsupportedMediaType(contentType)
        }
        do {
            return try KubeJSON.decoder.decode(JSONValue.self, from: Data(request.body))
        } catch {
            throw .badRequest("couldn't get version/kind; json parse error: the request body is not valid JSON")
        }
    }

    /// One `299 - "…"` warning per unknown field dropped under `fieldValidation=Warn` (the server joins them into
    /// one `Warning` header).
    private static func warningHeaders(_ checked: FakeKubeFieldValidation.Result) -> [(String, String)] {
        checked.warnings.map { warning in
            ("Warning", "299 - \"" + warning.replacingOccurrences(of: "\"", with: "\\\"") + "\"")
        }
    }

    /// Strategic-merge directives (`$patch`, `$setElementOrder/…`, `$retainKeys`) dropped: the rest is a merge.
    static func removingDirectives(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for (key, member) in members where !key.hasPrefix("$") { result[key] = removingDirectives(member) }
            return .object(result)
        case .array(let elements):
            return .array(elements.map(removingDirectives))
        default:
            return value
        }
    }

    static func response(for error: any Error) -> FakeKubeResponse {
        if let failure = error as? FakeKubeFailure {
            var headers: [(String, String)] = []
            if let seconds = failure.retryAfterSeconds { headers.append(("Retry-After", String(seconds))) }
            // A real Status always carries `"metadata":{}`.
            var body = (try? JSONValue(encoding: failure.status)) ?? .object([:])
            body["metadata"] = .object([:])
            return .json(code: failure.httpStatus, body: body, headers: headers)
        }
        return response(for: FakeKubeFailure(code: 500, reason: "InternalError", message: "\(error)"))
    }

    static func response(for fault: FakeKubeFault) -> FakeKubeResponse {
        switch fault {
        case .tooManyRequests(let seconds):
            var failure = FakeKubeFailure(
                code: 429, reason: "TooManyRequests", message: "Too many requests, please try again later.")
            failure.status.details = KubeStatus.Details()
            failure.status.details?.retryAfterSeconds = seconds
            failure.retryAfterSeconds = seconds
            return response(for: failure)
        case .unauthorized:
            return response(for: FakeKubeFailure(code: 401, reason: "Unauthorized", message: "Unauthorized"))
        case .htmlBadGateway:
            return .text(
                code: 502, contentType: "text/html",
                body: "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
                    + "</center><hr><center>openresty</center></body></html>\n")
        case .status(let code, let reason, let message):
            return response(for: FakeKubeFailure(code: code, reason: reason, message: message))
        case .rawBody(let code, let contentType, let body):
            return .text(code: code, contentType: contentType, body: body)
        }
    }
}
