import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Runs a Hummingbird router on loopback with an ephemeral port, startable and stoppable from
/// tests (and from a long-running `modelbridge sandbox`).
final class FakeRegistryHTTPRunner: Sendable {
    private struct Running: Sendable {
        var port: Int
        var group: ServiceGroup
        var task: Task<Void, Never>
    }

    private let running = Mutex<Running?>(nil)

    var port: Int? { running.withLock { $0?.port } }

    /// The default logger of the fakes: warnings and worse only, so test output stays readable.
    static func quietLogger(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = .warning
        return logger
    }

    /// Starts serving and returns the bound port once the socket listens.
    func start(router: Router<BasicRequestContext>, host: String, port: Int, logger: Logger) async throws -> Int {
        if let existing = self.port { return existing }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let failure = Mutex<(any Error)?>(nil)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger
        )
        // A service group of its own, so stop() can shut the server down gracefully
        // (in-flight requests finish) instead of cancelling it.
        let group = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger)
        )
        let task = Task {
            do {
                try await group.run()
            } catch {
                failure.withLock { $0 = error }
            }
            continuation.finish()
        }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next(), bound > 0 else {
            task.cancel()
            await task.value
            throw failure.withLock { $0 } ?? FakeRegistryError(status: 500, message: "the fake server did not start")
        }
        running.withLock { $0 = Running(port: bound, group: group, task: task) }
        return bound
    }

    /// Stops serving and waits until the socket is closed.
    func stop() async {
        guard
            let current = running.withLock({ state -> Running? in
                defer { state = nil }
                return state
            })
        else { return }
        await current.group.triggerGracefulShutdown()
        await current.task.value
    }
}

/// Request logging, optional bearer-token check and fault injection in front of the API
/// routes; also turns ``FakeRegistryError`` and unknown routes into `{code, message}` answers.
struct FakeRegistryMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    let log: FakeRegistryRequestLog
    let faults: FakeRegistryFaults
    let requiredToken: String?

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let authorization = request.headers[.authorization]
        let token = authorization.flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        log.append(
            FakeRegistryRequestRecord(
                method: request.method.rawValue, path: request.uri.path, query: request.uri.query, bearerToken: token
            )
        )
        let (fault, latency) = faults.takeNext()
        if let latency {
            try await Task.sleep(for: latency)
        }
        switch fault {
        case .apiError(let status):
            return FakeRegistryResponses.error(FakeRegistryError(status: status, message: "injected failure"))
        case .proxyPage(let status):
            return FakeRegistryResponses.proxyErrorPage(status: status)
        case .emptyBody:
            return Response(status: .ok)
        case nil:
            break
        }
        if let requiredToken, token != requiredToken {
            // What oauth-proxy answers: not the API's JSON.
            return FakeRegistryResponses.text("Unauthorized\n", status: 401)
        }
        do {
            return try await next(request, context)
        } catch let error as FakeRegistryError {
            return FakeRegistryResponses.error(error)
        } catch let error as HTTPError where error.status == .notFound {
            return FakeRegistryResponses.error(.notFound("no route for \(request.method) \(request.uri.path)"))
        } catch let error as HTTPError {
            return FakeRegistryResponses.error(FakeRegistryError(status: Int(error.status.code), message: "\(error)"))
        }
    }
}

/// Response builders shared by the fake registry and catalog.
enum FakeRegistryResponses {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }()

    static func json<T: Encodable>(_ value: T, status: Int = 200) throws -> Response {
        let data = try encoder.encode(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(
            status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    static func error(_ error: FakeRegistryError) -> Response {
        (try? json(error.body, status: error.status)) ?? text(error.message, status: error.status)
    }

    static func text(_ text: String, status: Int, contentType: String = "text/plain; charset=utf-8") -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(
            status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }

    static func proxyErrorPage(status: Int) -> Response {
        let page = """
            <html>
              <head><title>\(status) Bad Gateway</title></head>
              <body><h1>\(status) Bad Gateway</h1>
              <p>The server returned an invalid or incomplete response.</p></body>
            </html>

            """
        return text(page, status: status, contentType: "text/html")
    }

    /// Decodes a JSON request body with the API's tolerant rules; 400 when it is not JSON.
    static func decodeBody<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        var request = request
        let buffer = try await request.collectBody(upTo: 16 << 20)
        do {
            return try JSONDecoder().decode(type, from: Data(buffer.readableBytesView))
        } catch {
            throw FakeRegistryError.badRequest("invalid JSON body: \(error)")
        }
    }
}
