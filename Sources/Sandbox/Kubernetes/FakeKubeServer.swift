import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdCore
import KubeAPI
import Logging
import NIOCore
import NIOSSL
import Synchronization

/// Settings of a ``FakeKubeServer``.
public struct FakeKubeServerConfiguration: Sendable {
    /// Always loopback unless a caller really means otherwise.
    public var host: String
    /// 0 picks a free port; read it back from ``FakeKubeServer/port`` after ``FakeKubeServer/start()``.
    public var port: Int
    /// Bearer tokens accepted; nil accepts any request, even without a token.
    public var acceptedTokens: Set<String>?
    /// How often an open watch with `allowWatchBookmarks=true` gets a BOOKMARK (real servers: about 1 minute).
    public var bookmarkInterval: Duration
    public var kinds: [FakeKubeResourceKind]
    /// How many changes are kept for watches; older versions get 410.
    public var historyLimit: Int
    /// PEM certificate chain and private key to serve HTTPS; nil serves plain HTTP.
    public var tls: TLS?
    /// Namespaces created at start.
    public var namespaces: [String]
    /// Whether to create the KServe CRD objects (so "is KServe installed?" checks succeed).
    public var kserveInstalled: Bool
    /// Authorize as kube-apiserver's RBAC does (see ``FakeKubeAuthorizer``): ServiceAccount tokens the fake issues
    /// may do what their Roles and bindings grant; the admin (an accepted token, or no token when none is
    /// required) may do everything; unknown tokens get 401. Off: every request may do everything, as before.
    public var rbac: Bool

    /// Certificate chain and key, PEM.
    public struct TLS: Sendable {
        public var certificateChainPEM: [UInt8]
        public var privateKeyPEM: [UInt8]
        public init(certificateChainPEM: [UInt8], privateKeyPEM: [UInt8]) {
            self.certificateChainPEM = certificateChainPEM
            self.privateKeyPEM = privateKeyPEM
        }
    }

    public init(
        host: String = "127.0.0.1", port: Int = 0, acceptedTokens: Set<String>? = nil,
        bookmarkInterval: Duration = .seconds(60), kinds: [FakeKubeResourceKind] = FakeKubeResourceKind.standardKinds,
        historyLimit: Int = 1000, tls: TLS? = nil, namespaces: [String] = ["default", "kube-system"],
        kserveInstalled: Bool = true, rbac: Bool = false
    ) {
        self.host = host
        self.port = port
        self.acceptedTokens = acceptedTokens
        self.bookmarkInterval = bookmarkInterval
        self.kinds = kinds
        self.historyLimit = historyLimit
        self.tls = tls
        self.namespaces = namespaces
        self.kserveInstalled = kserveInstalled
        self.rbac = rbac
    }
}

/// A fake Kubernetes API server on loopback, good enough for this client, for `kubectl` (get, apply, delete,
/// get -w) and for end-to-end tests: discovery, resourceVersions, 409/404/422 with real `Status` bodies,
/// merge and strategic-merge patch, watch with bookmarks and simulated compaction (410), selectors, paging,
/// bearer tokens, RBAC (optional: ``FakeKubeServerConfiguration/rbac``), injected faults and optional TLS.
///
/// ```swift
/// let server = FakeKubeServer(configuration: .init(acceptedTokens: ["t0ken"]))
/// try await server.start()
/// defer { Task { await server.stop() } }   // or await server.stop() at the end of the test
/// let config = KubeConfig(server: server.url, credentials: .token("t0ken"))
/// ```
public final class FakeKubeServer: Sendable {
    /// The objects, versions and watches; seed and compact through it.
    public let store: FakeKubeStore
    public let configuration: FakeKubeServerConfiguration
    let handler: FakeKubeHandler
    /// Fills in ServiceAccount token Secrets (RBAC on only).
    let tokenController: FakeKubeTokenController?
    private let logger: Logger
    private let lifecycle = Mutex(Lifecycle())

    private struct Lifecycle {
        var port: Int?
        var task: Task<Void, any Error>?
        var tokenTask: Task<Void, Never>?
        /// Forwards `pods/proxy` requests; made by start(), shut down by stop().
        var proxyClient: HTTPClient?
    }

    public init(configuration: FakeKubeServerConfiguration = FakeKubeServerConfiguration(), logger: Logger? = nil) {
        self.configuration = configuration
        self.store = FakeKubeStore(kinds: configuration.kinds, historyLimit: configuration.historyLimit)
        let version: JSONValue = [
            "major": "1", "minor": "32", "gitVersion": "v1.32.0-modelbridge-sandbox", "gitCommit": "sandbox",
            "gitTreeState": "clean", "buildDate": "2025-01-01T00:00:00Z", "goVersion": "go1.23",
            "compiler": "gc", "platform": "linux/amd64",
        ]
        let handler = FakeKubeHandler(
            store: store, acceptedTokens: configuration.acceptedTokens, version: version, rbac: configuration.rbac)
        self.handler = handler
        self.tokenController =
            configuration.rbac
            ? FakeKubeTokenController(
                store: store, authorizer: handler.authorizer, caPEM: configuration.tls?.certificateChainPEM) : nil
        self.logger =
            logger
            ?? {
                // Quiet by default: stopping cancels the server, which Hummingbird reports at error level.
                // Start failures still surface as errors thrown from start().
                var quiet = Logger(label: "modelbridge.sandbox.kube")
                quiet.logLevel = .critical
                return quiet
            }()
        for namespace in configuration.namespaces {
            _ = try? store.seed(kind: "v1/namespaces", object: ["metadata": ["name": .string(namespace)]])
        }
        if configuration.kserveInstalled {
            for (plural, kind, singular) in [
                ("inferenceservices", "InferenceService", "inferenceservice"),
                ("llminferenceservices", "LLMInferenceService", "llminferenceservice"),
            ] {
                _ = try? store.seed(
                    kind: "apiextensions.k8s.io/v1/customresourcedefinitions",
                    object: [
                        "metadata": ["name": .string("\(plural).serving.kserve.io")],
                        "spec": [
                            "group": "serving.kserve.io", "scope": "Namespaced",
                            "names": ["plural": .string(plural), "singular": .string(singular), "kind": .string(kind)],
                        ],
                        "status": ["conditions": [["type": "Established", "status": "True"]]],
                    ])
            }
        }
        if configuration.rbac { handler.authorizer.seedBootstrapPolicy() }
    }

    /// The bound port, once started.
    public var port: Int? { lifecycle.withLock { $0.port } }

    /// `http://127.0.0.1:PORT` (or `https://…` in TLS mode), once started.
    public var url: String {
        let scheme = configuration.tls == nil ? "http" : "https"
        return "\(scheme)://\(configuration.host):\(port ?? configuration.port)"
    }

    /// Starts listening and returns once the port is bound. Throws if it cannot bind.
    public func start() async throws {
        let (ready, readyContinuation) = AsyncStream<Int>.makeStream()
        let handler = self.handler
        let bookmarkInterval = configuration.bookmarkInterval
        let store = self.store
        let proxyClient = Self.makeProxyClient()
        lifecycle.withLock { $0.proxyClient = proxyClient }
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            try await Self.respond(
                to: request, handler: handler, store: store, bookmarkInterval: bookmarkInterval,
                proxyClient: proxyClient)
        }
        let server: HTTPServerBuilder
        if let tls = configuration.tls {
            var tlsConfiguration = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMBytes(tls.certificateChainPEM).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: tls.privateKeyPEM, format: .pem)))
            tlsConfiguration.applicationProtocols = ["http/1.1"]
            let context = try NIOSSLContext(configuration: tlsConfiguration)
            server = HTTPServerBuilder { responder in
                FakeKubeTLSChannel(base: HTTP1Channel(responder: responder), context: context)
            }
        } else {
            server = .http1()
        }
        let application = Application(
            responder: responder,
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in
                readyContinuation.yield(channel.localAddress?.port ?? 0)
                readyContinuation.finish()
            },
            logger: logger)
        let task = Task {
            defer { readyContinuation.finish() }
            try await application.run()
        }
        lifecycle.withLock { $0.task = task }
        if let tokenController {
            tokenController.reconcileAll()
            let tokenTask = Task { await tokenController.run() }
            lifecycle.withLock { $0.tokenTask = tokenTask }
        }
        for await port in ready {
            lifecycle.withLock { $0.port = port }
            logger.info("fake Kubernetes API listening", metadata: ["url": "\(url)"])
            handler.runtime.withLock { $0.baseURL = url }
            return
        }
        // It never listened: nothing will call stop(), so release the proxy client here.
        lifecycle.withLock { $0.proxyClient = nil }
        try? await proxyClient.shutdown()
        try await task.value
        throw FakeKubeServerError(message: "the fake Kubernetes API stopped before it listened")
    }

    /// Ends open watches, stops listening and waits for the server task to finish.
    public func stop() async {
        let tokenTask = lifecycle.withLock { lifecycle in
            defer { lifecycle.tokenTask = nil }
            return lifecycle.tokenTask
        }
        tokenTask?.cancel()
        await tokenTask?.value
        store.dropAllWatches()
        let task = lifecycle.withLock { lifecycle in
            defer { lifecycle.task = nil }
            return lifecycle.task
        }
        task?.cancel()
        _ = try? await task?.value
        let proxyClient = lifecycle.withLock { lifecycle in
            defer { lifecycle.proxyClient = nil }
            return lifecycle.proxyClient
        }
        try? await proxyClient?.shutdown()
    }

    // MARK: - Test and scenario hooks

    /// Makes the next `times` matching requests fail with `fault`.
    public func injectFault(_ fault: FakeKubeFault, times: Int = 1, method: String? = nil, pathContains: String? = nil)
    {
        handler.runtime.withLock {
            $0.faults.append(
                FakeKubeFaultRule(fault: fault, remaining: times, method: method, pathContains: pathContains))
        }
    }

    /// Removes all pending faults.
    public func clearFaults() { handler.runtime.withLock { $0.faults.removeAll() } }

    /// Replaces the accepted bearer tokens (nil: accept everything).
    public func setAcceptedTokens(_ tokens: Set<String>?) { handler.runtime.withLock { $0.acceptedTokens = tokens } }

    /// Refuses an access with 403.
    public func deny(_ rule: FakeKubeAccessRule) { handler.runtime.withLock { $0.denied.append(rule) } }

    /// A new token for an existing ServiceAccount, as the TokenRequest API gives one: with RBAC on, requests
    /// that send it are `system:serviceaccount:<namespace>:<name>` for as long as the account exists.
    public func issueToken(serviceAccount name: String, namespace: String) throws -> String {
        try handler.authorizer.issueToken(namespace: namespace, serviceAccount: name)
    }

    /// The ServiceAccount's token: the one the token controller put in its `kubernetes.io/service-account-token`
    /// Secret when there is one (filled in now if needed), else a new one (``issueToken(serviceAccount:namespace:)``).
    /// RBAC on only.
    public func serviceAccountToken(serviceAccount name: String, namespace: String) throws -> String {
        guard let tokenController else {
            throw FakeKubeServerError(message: "ServiceAccount tokens need RBAC on (FakeKubeServerConfiguration.rbac)")
        }
        tokenController.reconcileAll(namespace: namespace)
        if let token = tokenController.storedToken(namespace: namespace, serviceAccount: name) { return token }
        return try issueToken(serviceAccount: name, namespace: namespace)
    }

    /// Who a request with this `Authorization` header value is (nil: 401), e.g. `"Bearer \(token)"`.
    public func user(authorization: String?) -> FakeKubeUser? {
        let accepted = handler.runtime.withLock { $0.acceptedTokens }
        return try? handler.authorizer.authenticate(authorization: authorization, acceptedTokens: accepted).get()
    }

    /// Whether `user` may do what `attributes` ask, with the reason the RBAC authorizer gives (`RBAC: allowed by
    /// ClusterRoleBinding …`), exactly as a request or a SelfSubjectAccessReview would be decided.
    public func decide(_ attributes: FakeKubeAccessAttributes) -> (allowed: Bool, reason: String) {
        let denied = handler.runtime.withLock { $0.denied }
        switch handler.authorizer.decide(attributes, denyRules: denied) {
        case .allowed(let reason): return (true, reason)
        case .denied(let reason, _): return (false, reason)
        }
    }

    /// Forgets every ``deny(_:)`` rule: everything is allowed again.
    public func clearDenials() { handler.runtime.withLock { $0.denied.removeAll() } }

    /// Writes every watch event line in two network chunks, split mid-line.
    public func setSplitWatchEvents(_ split: Bool) { handler.runtime.withLock { $0.splitWatchEvents = split } }

    /// Answers watches from compacted versions with a plain HTTP 410 instead of an `ERROR` event.
    public func setExpiredWatchAsHTTPStatus(_ enabled: Bool) {
        handler.runtime.withLock { $0.expiredWatchAsHTTPStatus = enabled }
    }

    /// The requests seen so far (the most recent few thousand).
    public var recordedRequests: [FakeKubeRecordedRequest] { handler.runtime.withLock { $0.requests } }

    /// Seeds an `Encodable` object (e.g. a `KubeAPI` type) of the kind `R` describes.
    @discardableResult
    public func seed<R: KubeResource>(_ object: R) throws -> JSONValue {
        try store.seed(kind: R.resource.fakeKindID, object: JSONValue(encoding: object))
    }

    // MARK: - HTTP adaptation

    private static func respond(
        to request: Request, handler: FakeKubeHandler, store: FakeKubeStore, bookmarkInterval: Duration,
        proxyClient: HTTPClient
    ) async throws -> Response {
        var request = request
        let limit = 3 * 1024 * 1024
        var bodyBytes: [UInt8] = []
        var tooLarge = false
        do {
            let buffer = try await request.collectBody(upTo: limit)
            bodyBytes = Array(buffer.readableBytesView)
        } catch {
            tooLarge = true
        }
        let fakeRequest = FakeKubeRequest(
            method: request.method.rawValue,
            path: request.uri.path,
            query: FakeKubeRequest.parseQuery(request.uri.query),
            contentType: request.headers[.contentType],
            authorization: request.headers[.authorization],
            body: bodyBytes,
            bodyTooLarge: tooLarge,
            accept: request.headers[.accept],
            rawQuery: request.uri.query,
            headers: request.headers.map { ($0.name.rawName, $0.value) })
        switch handler.handle(fakeRequest) {
        case .json(let code, let body, let extraHeaders):
            let data = (try? KubeJSON.encoder.encode(body)) ?? Data("{}".utf8)
            return Self.response(
                code: code, contentType: "application/json", body: ByteBuffer(bytes: data), extraHeaders)
        case .text(let code, let contentType, let body, let extraHeaders):
            return Self.response(code: code, contentType: contentType, body: ByteBuffer(string: body), extraHeaders)
        case .watch(let watch):
            let split = handler.runtime.withLock { $0.splitWatchEvents }
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[.cacheControl] = "no-cache, private"
            let body = ResponseBody { writer in
                try await Self.stream(
                    watch, to: &writer, store: store, bookmarkInterval: bookmarkInterval, split: split)
            }
            return Response(status: .ok, headers: headers, body: body)
        case .proxy(let target):
            return await FakeKubePodProxyForwarder(client: proxyClient).forward(target)
        }
    }

    /// The `pods/proxy` transport: one connection attempt, no redirects followed (the pod's 3xx goes back to the
    /// client), no decompression, and, like kube-apiserver's proxy transport, no verification of a pod's TLS certificate (pods are dialled by IP).
    private static func makeProxyClient() -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(30)), proxy: nil, ignoreUncleanSSLShutdown: false, decompression: .disabled
        )
        // Go's dialer tries once: a refused port is an immediate 503, not a retry until the deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    private static func response(code: Int, contentType: String, body: ByteBuffer, _ extra: [(String, String)])
        -> Response
    {
        var headers = HTTPFields()
        if !contentType.isEmpty { headers[.contentType] = contentType }
        for (name, value) in extra {
            switch name {
            case "Retry-After": headers[.retryAfter] = value
            case "Location": headers[.location] = value
            default: break
            }
        }
        // Several warnings share one header, comma-separated, as RFC 9111 and client-go's parser allow.
        let warnings = extra.filter { $0.0 == "Warning" }.map(\.1)
        if !warnings.isEmpty, let warning = HTTPFields.warning {
            headers[warning] = warnings.joined(separator: ", ")
        }
        return Response(status: HTTPResponse.Status(code: code), headers: headers, body: ResponseBody(byteBuffer: body))
    }

    /// Writes one watch: events as they come, bookmarks on a timer, and a clean end at `timeoutSeconds`.
    private static func stream(
        _ watch: FakeKubeWatchStream, to writer: inout any ResponseBodyWriter, store: FakeKubeStore,
        bookmarkInterval: Duration, split: Bool
    ) async throws {
        defer { store.finishWatcher(watch.id, withBookmark: false) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            if watch.allowBookmarks {
                group.addTask {
                    while true {
                        try await Task.sleep(for: bookmarkInterval)
                        store.bookmark(watcher: watch.id)
                    }
                }
            }
            if let seconds = watch.timeoutSeconds, seconds > 0 {
                group.addTask {
                    try await Task.sleep(for: .seconds(seconds))
                    store.finishWatcher(watch.id, withBookmark: watch.allowBookmarks)
                }
            }
            for await item in watch.items {
                let event: JSONValue
                var last = false
                switch item {
                case .event(let type, let object):
                    event = ["type": .string(type), "object": object]
                case .bookmark(let version):
                    event = [
                        "type": "BOOKMARK",
                        "object": [
                            "kind": .string(watch.kind.kind), "apiVersion": .string(watch.kind.apiVersion),
                            "metadata": ["resourceVersion": .string(String(version))],
                        ],
                    ]
                case .expired(let message):
                    let status = KubeStatus(message: message, reason: "Expired", code: 410)
                    var object = (try? JSONValue(encoding: status)) ?? .object([:])
                    object["metadata"] = .object([:])
                    event = ["type": "ERROR", "object": object]
                    last = true
                }
                var line = (try? KubeJSON.encoder.encode(event)) ?? Data()
                line.append(UInt8(ascii: "\n"))
                if split && line.count > 2 {
                    let middle = line.count / 2
                    try await writer.write(ByteBuffer(bytes: line.prefix(middle)))
                    // Give the first half time to leave as its own chunk.
                    try await Task.sleep(for: .milliseconds(20))
                    try await writer.write(ByteBuffer(bytes: line.suffix(from: middle)))
                } else {
                    try await writer.write(ByteBuffer(bytes: line))
                }
                if last { break }
            }
            group.cancelAll()
        }
        try await writer.finish(nil)
    }
}

/// The fake server could not start.
public struct FakeKubeServerError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension ResourceDescriptor {
    /// The fake store's kind id for this descriptor.
    public var fakeKindID: String { "\(apiVersion)/\(plural)" }
}

extension HTTPFields {
    /// `Warning`, for which the HTTP types package has no constant.
    fileprivate static let warning = HTTPFields.Element.Name("Warning")
}
