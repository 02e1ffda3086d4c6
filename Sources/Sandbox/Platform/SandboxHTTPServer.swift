import Hummingbird
import Logging
import NIOCore
import Synchronization

/// Serves one Hummingbird router on a host and port (0 picks a free one) until stopped: the
/// sandbox's Backstage and admin endpoints.
///
/// ```swift
/// let server = SandboxHTTPServer(router: router, host: "127.0.0.1", port: 0)
/// try await server.start()
/// print(server.url)   // http://127.0.0.1:41234
/// await server.stop()
/// ```
public final class SandboxHTTPServer: Sendable {
    public let host: String
    private let requestedPort: Int
    private let responder: RouterResponder<BasicRequestContext>
    private let logger: Logger
    private let lifecycle = Mutex<(port: Int?, task: Task<Void, any Error>?)>((nil, nil))

    public init(router: Router<BasicRequestContext>, host: String, port: Int, logger: Logger? = nil) {
        self.responder = router.buildResponder()
        self.host = host
        self.requestedPort = port
        // Quiet by default: stopping cancels the server, which Hummingbird reports as an error.
        self.logger =
            logger
            ?? {
                var quiet = Logger(label: "modelbridge.sandbox.http")
                quiet.logLevel = .critical
                return quiet
            }()
    }

    /// The bound port, once started.
    public var port: Int? { lifecycle.withLock { $0.port } }

    /// `http://host:port`, once started.
    public var url: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "http://\(shownHost):\(port ?? requestedPort)"
    }

    /// Binds and returns once listening; throws when the address is unusable.
    public func start() async throws {
        let (ready, continuation) = AsyncStream<Int>.makeStream()
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(host, port: requestedPort), serverName: nil),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger)
        let task = Task {
            defer { continuation.finish() }
            try await application.run()
        }
        lifecycle.withLock { $0.task = task }
        for await port in ready {
            lifecycle.withLock { $0.port = port }
            return
        }
        try await task.value
        throw SandboxPlatformError("the HTTP server on \(host):\(requestedPort) stopped before it listened")
    }

    /// Stops listening and waits for the server task to end.
    public func stop() async {
        let task = lifecycle.withLock { state in
            defer { state.task = nil }
            return state.task
        }
        task?.cancel()
        _ = try? await task?.value
    }
}
