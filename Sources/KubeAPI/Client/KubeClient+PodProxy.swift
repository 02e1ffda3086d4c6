import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// What a pod answered through the API server's `pods/proxy` subresource: its status, headers and body as they came.
public struct PodProxyResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The first header called `name` (any letter case).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Why a `pods/proxy` request got no answer from the pod: the API server refused it (with its `Status`), or could not
/// reach the pod. An answer from the pod itself, whatever its status, is a ``PodProxyResponse``, not an error.
///
/// ```swift
/// do { _ = try await client.proxy(.GET, namespace: "ai-rhdh", pod: name, port: 9090, path: "/list") }
/// catch let error as PodProxyError { print(error) }   // "… needs `get` on pods/proxy in namespace ai-rhdh …"
/// ```
public enum PodProxyError: Error, Sendable, CustomStringConvertible {
    /// 403: the user may not use `pods/proxy` (``missingPermission`` says which verb, resource and namespace).
    case forbidden(missingPermission: String, status: KubeStatus, context: KubeRequestContext)
    /// 404 from the API server: no such pod (or namespace).
    case podNotFound(namespace: String, pod: String, status: KubeStatus, context: KubeRequestContext)
    /// 503 `error trying to reach service: …`: the API server could not connect to the pod's port.
    case portRefused(namespace: String, pod: String, port: String, status: KubeStatus, context: KubeRequestContext)
    /// 400: the pod has no usable IP yet (`address not allowed`), or the pod reference is malformed.
    case badRequest(status: KubeStatus, context: KubeRequestContext)
    /// Any other failure on the way (transport, 401, 5xx from the API server, …).
    case api(KubeAPIError)

    public var description: String {
        switch self {
        case .forbidden(let permission, let status, let context):
            return "\(context): forbidden: the user needs \(permission) (\(status.message ?? "403 Forbidden"))"
        case .podNotFound(let namespace, let pod, let status, let context):
            return "\(context): pod not found: \(namespace)/\(pod) (\(status.message ?? "404 NotFound"))"
        case .portRefused(let namespace, let pod, let port, let status, let context):
            return "\(context): the pod's port refused: \(namespace)/\(pod) port \(port) cannot be reached "
                + "(\(status.message ?? "503 ServiceUnavailable"))"
        case .badRequest(let status, let context):
            return "\(context): the API server refused to proxy: \(status.message ?? "400 BadRequest")"
        case .api(let error):
            return error.description
        }
    }
}

extension KubeClient {
    /// The pods in `namespace` that match `labelSelector` (all pages).
    ///
    /// ```swift
    /// let pods = try await client.listPods(namespace: "ai-rhdh", labelSelector: "rhdh.redhat.com/app=backstage-developer-hub")
    /// ```
    public func listPods(namespace: String? = nil, labelSelector: String? = nil) async throws -> [Pod] {
        try await listAll(Pod.self, namespace: namespace, options: ListOptions(labelSelector: labelSelector)).items
    }

    /// Sends one HTTP request to a pod's port through the API server
    /// (`/api/v1/namespaces/{ns}/pods/{pod}:{port}/proxy{path}`), with the query and body as given, and returns the
    /// pod's answer, whatever its status. The API server authorizes it as the method's verb on `pods/proxy` (`get`
    /// for GET and HEAD, `create` for POST, `update` for PUT, `patch`, `delete`).
    ///
    /// Throws ``PodProxyError`` when the API server answers instead of the pod (403, 404, 503, 400, …).
    ///
    /// ```swift
    /// let reply = try await client.proxy(.GET, namespace: "ai-rhdh", pod: "backstage-developer-hub-x", port: 9090,
    ///                                    path: "/list", query: [("limit", "10")])
    /// ```
    public func proxy(
        _ method: HTTPMethod, namespace: String? = nil, pod: String, port: Int? = nil, scheme: String? = nil,
        path: String = "/", query: [(String, String)] = [], body: [UInt8]? = nil, contentType: String? = nil,
        headers: [(String, String)] = []
    ) async throws -> PodProxyResponse {
        let namespace = namespace ?? config.namespace
        var reference = KubePath.escape(pod)
        if let port { reference += ":\(port)" }
        if let scheme { reference = "\(scheme):\(reference)" }
        let escapedPath = path.split(separator: "/", omittingEmptySubsequences: false).map {
            String($0).addingKubePercentEncoding()
        }.joined(separator: "/")
        let proxyPath =
            "\(Pod.resource.collectionPath(namespace: namespace))/\(reference)/proxy"
            + (escapedPath.hasPrefix("/") ? escapedPath : "/" + escapedPath)
        let call = Call(
            method: method, path: proxyPath, query: query, body: body.map { ByteBuffer(bytes: $0) },
            contentType: contentType, resource: "pods/proxy \(namespace)/\(pod)")
        let context = KubeRequestContext(method: method.rawValue, url: url(for: call), resource: call.resource)

        var request = HTTPClientRequest(url: context.url)
        request.method = method
        request.headers.add(name: "User-Agent", value: options.userAgent)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let token = try await tokens.token() { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body = call.body {
            request.headers.add(name: "Content-Type", value: contentType ?? "application/json")
            request.body = .bytes(body)
        }
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await httpClient.execute(request, timeout: TimeAmount(options.requestTimeout), logger: nil)
            bytes = try await response.body.collect(upTo: options.maxBodyBytes)
        } catch let error as HTTPClientError where error == .cancelled {
            throw CancellationError()
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw PodProxyError.api(.transport(reason: "\(error)", context: context))
        }
        let code = Int(response.status.code)
        if !(200..<300).contains(code),
            let status = try? KubeJSON.decoder.decode(KubeStatus.self, from: Data(bytes.readableBytesView)),
            let refusal = Self.apiServerRefusal(
                status, httpStatus: code, method: method, namespace: namespace, pod: pod, port: port, context: context)
        {
            throw refusal
        }
        return PodProxyResponse(
            status: code, headers: response.headers.map { (name: $0.name, value: $0.value) },
            body: Array(bytes.readableBytesView))
    }

    /// The typed error when `status` is the API server's own answer, not the pod's: the pod's server may answer with
    /// a `Status` too (a 404 for one of its own paths), so only the API server's proxy errors are recognised — a 403 or
    /// 404 about this pod, the 503 of an unreachable pod, the 400s of the proxy, a 401 before authentication.
    static func apiServerRefusal(
        _ status: KubeStatus, httpStatus: Int, method: HTTPMethod, namespace: String, pod: String, port: Int?,
        context: KubeRequestContext
    ) -> PodProxyError? {
        guard status.kind == "Status", status.code == httpStatus else { return nil }
        let aboutThisPod = status.details?.kind == "pods" && status.details?.name.map { $0.hasPrefix(pod) } != false
        let message = status.message ?? ""
        switch httpStatus {
        case 403 where aboutThisPod:
            let verb: String
            switch method {
            case .GET, .HEAD: verb = "get"
            case .POST: verb = "create"
            case .PUT: verb = "update"
            case .PATCH: verb = "patch"
            case .DELETE: verb = "delete"
            default: verb = method.rawValue.lowercased()
            }
            return .forbidden(
                missingPermission: "`\(verb)` on pods/proxy in namespace \(namespace)", status: status,
                context: context)
        case 404 where aboutThisPod || status.details?.kind == "namespaces":
            return .podNotFound(namespace: namespace, pod: pod, status: status, context: context)
        case 503 where message.hasPrefix("error trying to reach service: "):
            return .portRefused(
                namespace: namespace, pod: pod, port: port.map(String.init) ?? "(default)", status: status,
                context: context)
        case 400 where message == "address not allowed" || message.hasPrefix("invalid pod request "):
            return .badRequest(status: status, context: context)
        case 401 where status.reason == "Unauthorized", 429 where status.reason == "TooManyRequests":
            return .api(.status(status, httpStatus: httpStatus, context: context))
        default:
            return nil
        }
    }
}
