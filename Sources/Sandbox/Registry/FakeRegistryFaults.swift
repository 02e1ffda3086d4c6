import Synchronization

/// Faults a test can inject into a fake registry or catalog server.
///
/// ```swift
/// server.faults.failNextRequests(2, status: 503)     // {code,message} 503 twice
/// server.faults.answerWithProxyErrorPage(1)          // an HTML 502 like a router's
/// server.faults.failPage(2, pathContaining: "registered_models")
/// server.faults.answerWithEmptyBody(1)              // 200 with no body at all
/// server.faults.setLatency(.milliseconds(200))
/// ```
public final class FakeRegistryFaults: Sendable {
    enum Injected: Sendable, Equatable {
        case apiError(status: Int)
        case proxyPage(status: Int)
        case emptyBody
    }

    struct PageFault: Sendable {
        var page: Int
        var status: Int
        var pathContaining: String?
    }

    private struct State: Sendable {
        var queue: [Injected] = []
        var latency: Duration?
        var pageFaults: [PageFault] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// The next `count` API requests answer `status` with the API's `{code, message}` body.
    public func failNextRequests(_ count: Int = 1, status: Int = 503) {
        state.withLock { $0.queue.append(contentsOf: Array(repeating: .apiError(status: status), count: count)) }
    }

    /// The next `count` API requests answer `status` with an HTML page, as an OpenShift
    /// router or oauth-proxy does when the registry is down.
    public func answerWithProxyErrorPage(_ count: Int = 1, status: Int = 502) {
        state.withLock { $0.queue.append(contentsOf: Array(repeating: .proxyPage(status: status), count: count)) }
    }

    /// The next `count` API requests answer 200 with an empty body (what upstream's test stubs
    /// answer for paths they do not know; a list client must read it as no items).
    public func answerWithEmptyBody(_ count: Int = 1) {
        state.withLock { $0.queue.append(contentsOf: Array(repeating: .emptyBody, count: count)) }
    }

    /// Every API request waits this long before it is answered (`nil` for none).
    public func setLatency(_ latency: Duration?) {
        state.withLock { $0.latency = latency }
    }

    /// Page `number` (1-based) of any paged list whose path contains `pathContaining` (any
    /// list when `nil`) answers `status`, every time, until ``reset()``.
    public func failPage(_ number: Int, status: Int = 500, pathContaining: String? = nil) {
        state.withLock { $0.pageFaults.append(PageFault(page: number, status: status, pathContaining: pathContaining)) }
    }

    /// Removes every injected fault.
    public func reset() {
        state.withLock { $0 = State() }
    }

    func takeNext() -> (fault: Injected?, latency: Duration?) {
        state.withLock { state in
            let fault = state.queue.isEmpty ? nil : state.queue.removeFirst()
            return (fault, state.latency)
        }
    }

    func pageFault(page: Int, path: String) -> Int? {
        state.withLock { state in
            state.pageFaults.first { $0.page == page && ($0.pathContaining.map(path.contains) ?? true) }?.status
        }
    }
}
