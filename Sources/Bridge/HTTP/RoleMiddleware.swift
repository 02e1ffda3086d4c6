import Hummingbird
import Synchronization

/// Turns what a route throws into the roles' JSON error bodies: an ``HTTPFailure`` into its
/// status and message, and Hummingbird's "no route" into 405 when the path is known under other
/// methods (saying which), else 404.
struct ErrorReplyMiddleware: RouterMiddleware {
    typealias Context = BridgeRequestContext
    let table: RouteMethodTable

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let failure as HTTPFailure {
            return failure.response
        } catch let error as HTTPError where error.status == .notFound {
            let path = request.uri.path
            if let allowed = table.methods(matching: path) {
                let names = allowed.map(\.rawValue).sorted().joined(separator: ", ")
                return Reply.error(.methodNotAllowed, "\(path.prefix(200)) accepts \(names) only")
            }
            return Reply.error(.notFound, "no route for \(request.method) \(path.prefix(200))")
        }
    }
}

/// Gives every route of a role its request-body cap (``Request/collectedBody(context:)`` reads
/// within it, and refuses a larger declared `Content-Length` before reading).
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = BridgeRequestContext
    let limit: Int

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.maximumBodySize = limit
        return try await next(request, context)
    }
}

/// Lets through only callers that may mutate (``MutationGuard``); answers 401 or 403 otherwise.
struct MutationGuardMiddleware: RouterMiddleware {
    typealias Context = BridgeRequestContext
    let guardian: MutationGuard

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let refusal = await guardian.refusal(request, remoteAddress: context.remoteAddress) { return refusal }
        return try await next(request, context)
    }
}

/// The paths a role routes and the methods of each, to tell 405 from 404. Filled while the
/// routes are built, read only on the error path.
final class RouteMethodTable: Sendable {
    private let routes = Mutex<[(pattern: [Substring], methods: Set<HTTPRequest.Method>)]>([])

    func add(_ path: String, _ method: HTTPRequest.Method) {
        let pattern = path.split(separator: "/")
        routes.withLock { routes in
            if let index = routes.firstIndex(where: { $0.pattern == pattern }) {
                routes[index].methods.insert(method)
            } else {
                routes.append((pattern, [method]))
            }
        }
    }

    /// The methods of the route whose pattern (`:name` matches any one segment) fits `path`.
    func methods(matching path: String) -> Set<HTTPRequest.Method>? {
        let segments = path.split(separator: "/")
        return routes.withLock { routes in
            routes.first { route in
                route.pattern.count == segments.count
                    && zip(route.pattern, segments).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
            }?.methods
        }
    }
}
