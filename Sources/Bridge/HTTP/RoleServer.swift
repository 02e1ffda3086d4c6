import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import UnixSignals

/// Runs one role's responder on an address until stopped. Binding failures (a busy port)
/// surface at once as ``RoleServerError`` instead of a retry loop (B32). An answer sent before
/// the request's body arrived closes the connection after a bounded drain (``EarlyAnswerHandler``).
///
/// ```swift
/// let server = RoleServer(name: "location", address: .init(host: "127.0.0.1", port: 0), responder: responder)
/// try await server.start()
/// print(server.port!)
/// await server.stop()
/// ```
public final class RoleServer<Responder: HTTPResponder>: Sendable where Responder.Context == BridgeRequestContext {
    public let name: String
    public let address: ListenAddress
    let responder: Responder
    let logger: Logger
    let shutdownSignals: [UnixSignal]
    private let lifecycle = Mutex(Lifecycle())

    private struct Lifecycle {
        var port: Int?
        var task: Task<Void, any Error>?
        var group: ServiceGroup?
    }

    /// - Parameter shutdownSignals: signals that stop the server gracefully (commands pass SIGTERM and SIGINT).
    public init(
        name: String, address: ListenAddress, responder: Responder, logger: Logger, shutdownSignals: [UnixSignal] = []
    ) {
        self.shutdownSignals = shutdownSignals
        self.name = name
        self.address = address
        self.responder = responder
        self.logger = logger
    }

    /// The bound port once started.
    public var port: Int? { lifecycle.withLock { $0.port } }

    /// `http://host:port` once started.
    public var url: String { "http://\(address.urlHost):\(port ?? address.port)" }

    /// Binds and returns once listening; throws ``RoleServerError`` when the address is unusable.
    public func start() async throws {
        let (ready, continuation) = AsyncStream<Int>.makeStream()
        let application = Application(
            responder: responder,
            server: .http1(configuration: .init(additionalChannelHandlers: [EarlyAnswerHandler()])),
            configuration: ApplicationConfiguration(
                address: .hostname(address.host, port: address.port), serverName: nil),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger)
        let group = ServiceGroup(
            configuration: .init(services: [application], gracefulShutdownSignals: shutdownSignals, logger: logger))
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
            logger.info("\(name) listening", metadata: ["url": "\(url)"])
            return
        }
        do {
            try await task.value
        } catch {
            throw RoleServerError(role: name, address: address, underlying: "\(error)")
        }
        throw RoleServerError(role: name, address: address, underlying: "the server stopped before it listened")
    }

    /// Stops listening gracefully (open requests finish) and waits for the server to end.
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

    /// Waits until the server stops (for commands that run until interrupted).
    public func wait() async throws {
        let task = lifecycle.withLock { $0.task }
        try await task?.value
    }
}

/// A host and port to listen on; `--address` takes `PORT`, `:PORT` or `HOST:PORT` (`[v6]:PORT`).
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `--address`; `nil` when it is not a valid address.
    public init?(parsing text: String, defaultHost: String = "0.0.0.0") {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var host = defaultHost
        var portText = trimmed
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]") else { return nil }
            host = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
            let rest = trimmed[trimmed.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = String(rest.dropFirst())
        } else if let colon = trimmed.lastIndex(of: ":") {
            let hostPart = String(trimmed[..<colon])
            if !hostPart.isEmpty { host = hostPart }
            portText = String(trimmed[trimmed.index(after: colon)...])
        }
        guard let port = Int(portText), (0...65535).contains(port), !host.isEmpty else { return nil }
        self.init(host: host, port: port)
    }

    var urlHost: String {
        let shown = host == "0.0.0.0" ? "127.0.0.1" : (host == "::" ? "::1" : host)
        return shown.contains(":") ? "[\(shown)]" : shown
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// A role could not listen where it was told to.
public struct RoleServerError: Error, CustomStringConvertible {
    public var role: String
    public var address: ListenAddress
    public var underlying: String

    public var description: String {
        "\(role) cannot listen on \(address): \(underlying). Is another process using the port? "
            + "Choose another with --address."
    }
}
