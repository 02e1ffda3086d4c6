import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import WireValues

/// A small typed Kubernetes client on AsyncHTTPClient: get, list (with paging), watch, create, update (with
/// conflict retry), merge patch and delete, for any ``KubeResource``.
///
/// Every request sends `Accept: application/json` and the bearer token; a 401 re-reads a token file once and
/// retries, a 429 waits for `Retry-After` (bounded), and every failure is a ``KubeAPIError`` naming the request.
///
/// ```swift
/// let client = try KubeClient(config: try KubeConfig.resolve(environment: env))
/// defer { Task { try await client.shutdown() } }  // or call shutdown() from your service's teardown
/// let isvcs = try await client.listAll(InferenceService.self)
/// ```
public final class KubeClient: Sendable {
    public let config: KubeConfig
    public let options: KubeClientOptions
    let httpClient: HTTPClient
    let tokens: BearerTokenProvider
    let logger: Logger
    private let baseURL: String
    /// `host:port` of the API server, as request metrics label it.
    private let host: String

    /// Creates the client and its HTTP connection pool; call ``shutdown()`` when done.
    public init(
        config: KubeConfig, options: KubeClientOptions = KubeClientOptions(),
        logger: Logger = Logger(label: "modelbridge.kubeapi")
    ) throws {
        self.config = config
        self.options = options
        self.logger = logger
        self.tokens = BearerTokenProvider(
            credentials: config.credentials, refreshInterval: options.tokenRefreshInterval)
        var base = BaseURL(config.server).text
        if !base.hasPrefix("http://") && !base.hasPrefix("https://") { base = "https://\(base)" }
        self.baseURL = base
        self.host = BaseURL(base).hostAndPort

        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            if let roots = config.tls.trustRootsPEM {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(roots))
            }
            if let certificate = config.tls.clientCertificatePEM, let key = config.tls.clientKeyPEM {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(certificate).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: key, format: .pem))
            }
        } catch {
            throw KubeConfigError("TLS material from \(config.origin) cannot be loaded: \(error)")
        }
        if config.tls.insecureSkipVerify {
            tls.certificateVerification = .none
            logger.warning(
                "TLS verification is OFF for the Kubernetes API (explicitly requested)",
                metadata: ["server": "\(config.server)", "origin": "\(config.origin)"])
        }
        let configuration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            timeout: .init(connect: TimeAmount(options.connectTimeout), read: TimeAmount(options.idleReadTimeout)),
            proxy: nil,
            ignoreUncleanSSLShutdown: false,
            decompression: .disabled)
        self.httpClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        logger.debug("Kubernetes client ready", metadata: ["config": "\(config)"])
    }

    /// Closes the connection pool. Outstanding requests fail.
    public func shutdown() async throws {
        try await httpClient.shutdown()
    }

    // MARK: - The request path shared by every operation

    struct Call {
        var method: HTTPMethod
        var path: String
        var query: [(String, String)] = []
        var body: ByteBuffer?
        var contentType: String?
        var resource: String
        var timeout: Duration?
    }

    func url(for call: Call) -> String {
        guard !call.query.isEmpty else { return baseURL + call.path }
        let query = call.query.map { "\($0.0)=\($0.1.addingKubePercentEncoding())" }.joined(separator: "&")
        return "\(baseURL)\(call.path)?\(query)"
    }

    /// Sends `call` and returns a 2xx response whose body is still unread, retrying 401 (once, after a token
    /// re-read) and 429 (after `Retry-After`).
    func send(_ call: Call) async throws -> (HTTPClientResponse, KubeRequestContext) {
        let url = url(for: call)
        let context = KubeRequestContext(method: call.method.rawValue, url: url, resource: call.resource)
        var reReadToken = false
        var tooManyRequests = 0
        while true {
            try Task.checkCancellation()
            var request = HTTPClientRequest(url: url)
            request.method = call.method
            request.headers.add(name: "Accept", value: "application/json")
            request.headers.add(name: "User-Agent", value: options.userAgent)
            if let token = try await tokens.token() {
                request.headers.add(name: "Authorization", value: "Bearer \(token)")
            }
            if let body = call.body {
                request.headers.add(name: "Content-Type", value: call.contentType ?? "application/json")
                request.body = .bytes(body)
            }
            let response: HTTPClientResponse
            let started = ContinuousClock.now
            do {
                response = try await httpClient.execute(
                    request, timeout: TimeAmount(call.timeout ?? options.requestTimeout), logger: nil)
            } catch let error as HTTPClientError where error == .cancelled {
                throw CancellationError()
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // A cancelled caller is not a failed request; anything else that got no answer is.
                if !Task.isCancelled { report(call.method, statusCode: nil, since: started) }
                throw KubeAPIError.transport(reason: "\(error)", context: context)
            }
            let code = Int(response.status.code)
            report(call.method, statusCode: code, since: started)
            if (200..<300).contains(code) { return (response, context) }

            let body = try? await response.body.collect(upTo: 1 << 20)
            if code == 401, !reReadToken, await tokens.invalidate() {
                reReadToken = true
                logger.info(
                    "Kubernetes API answered 401; re-reading the token file and retrying once",
                    metadata: ["request": "\(context)"])
                continue
            }
            if code == 429, tooManyRequests < options.maxTooManyRequestsRetries {
                tooManyRequests += 1
                let delay = retryAfter(response.headers, body: body)
                logger.warning(
                    "Kubernetes API throttled the request (429); will retry in \(delay)",
                    metadata: ["request": "\(context)", "attempt": "\(tooManyRequests)"])
                try await options.sleep(delay)
                continue
            }
            throw Self.error(httpStatus: code, headers: response.headers, body: body, context: context)
        }
    }

    private func report(_ method: HTTPMethod, statusCode: Int?, since started: ContinuousClock.Instant) {
        guard let observer = options.requestObserver else { return }
        observer(
            HTTPRequestOutcome(
                method: method.rawValue, host: host, statusCode: statusCode, duration: ContinuousClock.now - started))
    }

    /// `Retry-After` in seconds (or the Status's `retryAfterSeconds`), at least 1 s, capped by the options.
    private func retryAfter(_ headers: HTTPHeaders, body: ByteBuffer?) -> Duration {
        var seconds = headers.first(name: "Retry-After").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        if seconds == nil, let body,
            let status = try? KubeJSON.decoder.decode(KubeStatus.self, from: Data(body.readableBytesView))
        {
            seconds = status.details?.retryAfterSeconds
        }
        let delay = Duration.seconds(max(1, seconds ?? 1))
        return min(delay, options.maxRetryAfter)
    }

    /// Turns a non-2xx answer into a typed error: a `Status` body keeps its reason, anything else keeps the
    /// status code and a short excerpt.
    static func error(httpStatus: Int, headers: HTTPHeaders, body: ByteBuffer?, context: KubeRequestContext)
        -> KubeAPIError
    {
        if let body, let status = try? KubeJSON.decoder.decode(KubeStatus.self, from: Data(body.readableBytesView)),
            status.isStatusObject
        {
            if httpStatus == 410 || status.code == 410 { return .expired(status, context: context) }
            return .status(status, httpStatus: httpStatus, context: context)
        }
        let excerpt = body.map { excerptOf($0) } ?? ""
        if httpStatus == 410 {
            return .expired(
                KubeStatus(message: excerpt, reason: "Expired", code: 410), context: context)
        }
        return .unexpectedResponse(
            httpStatus: httpStatus, contentType: headers.first(name: "Content-Type"), excerpt: excerpt,
            context: context)
    }

    /// The first 200 characters of a body, whitespace collapsed, for error messages.
    static func excerptOf(_ buffer: ByteBuffer) -> String {
        let text = String(decoding: buffer.readableBytesView.prefix(400), as: UTF8.self)
        let collapsed = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return collapsed.count > 200 ? String(collapsed.prefix(200)) + "…" : collapsed
    }

    /// Reads and decodes a whole 2xx body.
    func decode<T: Decodable>(_ type: T.Type, from response: HTTPClientResponse, context: KubeRequestContext)
        async throws -> T
    {
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: options.maxBodyBytes)
        } catch {
            throw KubeAPIError.transport(reason: "reading the body failed: \(error)", context: context)
        }
        return try Self.decode(type, from: body, context: context)
    }

    static func decode<T: Decodable>(_ type: T.Type, from body: ByteBuffer, context: KubeRequestContext) throws -> T {
        do {
            return try KubeJSON.decoder.decode(T.self, from: Data(body.readableBytesView))
        } catch {
            throw KubeAPIError.undecodableBody(
                type: "\(T.self)", reason: "\(error)", excerpt: excerptOf(body), context: context)
        }
    }

    func encode(_ value: some Encodable) throws -> ByteBuffer {
        ByteBuffer(bytes: try KubeJSON.encoder.encode(value))
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
