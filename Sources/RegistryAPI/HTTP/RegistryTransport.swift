import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import WireValues

/// Connection settings shared by every registry and catalog client.
///
/// ```swift
/// var settings = RegistryHTTPConfiguration()
/// settings.tls = .customCA(pem: serviceCA)
/// settings.requestTimeout = .seconds(20)
/// ```
public struct RegistryHTTPConfiguration: Sendable {
    /// TLS verification; verified by default.
    public var tls: RegistryTLS
    /// Time allowed to open a connection.
    public var connectTimeout: Duration
    /// Time allowed for one whole request, body included.
    public var requestTimeout: Duration
    /// Largest response body accepted.
    public var maxResponseBytes: Int

    public init(
        tls: RegistryTLS = .verified, connectTimeout: Duration = .seconds(5), requestTimeout: Duration = .seconds(30),
        maxResponseBytes: Int = 64 << 20
    ) {
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maxResponseBytes = maxResponseBytes
    }
}

/// A raw answer from a registry or catalog.
struct RegistryHTTPResponse: Sendable {
    var status: Int
    var contentType: String?
    var body: ByteBuffer

    var isJSON: Bool {
        guard let type = contentType?.lowercased() else { return false }
        return type.hasPrefix("application/json") || type.contains("+json")
    }
}

/// The HTTP connection pool behind every ``RegistryClient`` and ``CatalogClient``: TLS,
/// timeouts, the bearer token on every request, and a count of requests made per registry so
/// callers and benchmarks can report request cost. Redirects are not followed (an OAuth
/// redirect is an error, not a page to parse). Tokens are never logged.
///
/// ```swift
/// let transport = try RegistryTransport(configuration: .init(tls: .verified))
/// defer { Task { try await transport.shutdown() } }
/// let client = RegistryClient(endpoint: endpoint, token: token, transport: transport)
/// print(transport.requestCount(registry: endpoint.key))
/// ```
public final class RegistryTransport: Sendable {
    private let httpClient: HTTPClient
    private let configuration: RegistryHTTPConfiguration
    private let logger: Logger
    private let counts = Mutex<[String: Int]>([:])
    private let requestObserver: HTTPRequestObserver?

    /// Creates the connection pool. Call ``shutdown()`` when done.
    /// - Parameter requestObserver: told how every request ended (request metrics).
    public init(
        configuration: RegistryHTTPConfiguration = RegistryHTTPConfiguration(),
        logger: Logger = Logger(label: "modelbridge.registry"),
        requestObserver: HTTPRequestObserver? = nil
    ) throws {
        var clientConfiguration = HTTPClient.Configuration(
            tlsConfiguration: try configuration.tls.makeTLSConfiguration(),
            redirectConfiguration: .disallow,
            timeout: .init(
                connect: configuration.connectTimeout.timeAmount, read: configuration.requestTimeout.timeAmount)
        )
        clientConfiguration.httpVersion = .http1Only
        self.httpClient = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfiguration)
        self.configuration = configuration
        self.logger = logger
        self.requestObserver = requestObserver
    }

    /// Closes every connection.
    public func shutdown() async throws {
        try await httpClient.shutdown()
    }

    /// Requests made so far for one registry (or catalog) key, failed ones included.
    public func requestCount(registry: String) -> Int {
        counts.withLock { $0[registry, default: 0] }
    }

    /// Requests made so far, per registry (or catalog) key.
    public func requestCounts() -> [String: Int] {
        counts.withLock { $0 }
    }

    /// Sends `GET url` with the bearer token and returns the answer, whatever its status.
    /// Throws ``RegistryError`` for timeouts and connection failures, and `CancellationError`
    /// when the calling task is cancelled.
    func get(_ url: String, registry: String, token: String?) async throws -> RegistryHTTPResponse {
        try Task.checkCancellation()
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "modelbridge")
        if let token, !token.isEmpty {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        counts.withLock { $0[registry, default: 0] += 1 }
        let started = ContinuousClock.now
        var status: Int?
        do {
            let deadline = NIODeadline.now() + configuration.requestTimeout.timeAmount
            let response = try await httpClient.execute(request, deadline: deadline, logger: nil)
            status = Int(response.status.code)
            let body = try await response.body.collect(upTo: configuration.maxResponseBytes)
            report(url, statusCode: status, since: started)
            let answer = RegistryHTTPResponse(
                status: Int(response.status.code),
                contentType: response.headers.first(name: "Content-Type"),
                body: body
            )
            logger.debug(
                "registry request",
                metadata: [
                    "registry": "\(registry)", "url": "\(url)", "status": "\(answer.status)",
                    "elapsed": "\(ContinuousClock.now - started)",
                ]
            )
            return answer
        } catch {
            if Task.isCancelled { throw CancellationError() }
            // A body that failed after its head still counts under the status the server sent.
            report(url, statusCode: status, since: started)
            let failure = RegistryError(registry: registry, url: url, reason: Self.reason(for: error))
            logger.debug("registry request failed", metadata: ["registry": "\(registry)", "error": "\(failure)"])
            throw failure
        }
    }

    private func report(_ url: String, statusCode: Int?, since started: ContinuousClock.Instant) {
        guard let requestObserver else { return }
        requestObserver(
            HTTPRequestOutcome(
                method: "GET", host: BaseURL(url).hostAndPort, statusCode: statusCode,
                duration: ContinuousClock.now - started))
    }

    private static func reason(for error: any Error) -> RegistryError.Reason {
        if let clientError = error as? HTTPClientError {
            let timeouts: [HTTPClientError] = [
                .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout,
                .getConnectionFromPoolTimeout,
            ]
            if timeouts.contains(clientError) {
                return .timeout
            }
            if clientError == .invalidURL || clientError == .emptyHost || clientError == .emptyScheme {
                return .invalidConfiguration(String(describing: clientError))
            }
        }
        if error is NIOTooManyBytesError {
            return .connectionFailed("the response was larger than the configured limit")
        }
        return .connectionFailed(String(describing: error))
    }
}

extension Duration {
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
