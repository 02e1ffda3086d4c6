import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
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
    private let lifecycle = Mutex(Lifecycle())

    private struct Lifecycle {
        var port: Int?
        var task: Task<Void, any Error>?
        var group: ServiceGroup?
    }

    public init(router: Router<BasicRequestContext>, host: String, port: Int, logger: Logger? = nil) {
        self.responder = router.buildResponder()
        self.host = host
        self.requestedPort = port
        // Quiet by default: these servers serve tests and the sandbox, not operators.
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
        // Run under a service group so stop() shuts down gracefully: cancelling the server task
        // instead can drop an accepted connection mid-setup, which traps in NIO's debug builds.
        let group = ServiceGroup(
            configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger))
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        lifecycle.withLock {
            $0.task = task
            $0.group = group
        }
        for await port in ready {
            lifecycle.withLock { $0.port = port }
            return
        }
        try await task.value
        throw SandboxPlatformError("the HTTP server on \(host):\(requestedPort) stopped before it listened")
    }

    /// Stops listening and waits for the server task to end.
    public func stop() async {
        let (task, group) = lifecycle.withLock { state in
            defer {
                state.task = nil
                state.group = nil
            }
            return (state.task, state.group)
        }
        await group?.triggerGracefulShutdown()
        _ = try? await task?.value
    }
}
