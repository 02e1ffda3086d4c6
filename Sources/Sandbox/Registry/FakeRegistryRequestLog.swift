import Synchronization

/// One request a fake server received.
public struct FakeRegistryRequestRecord: Sendable, Hashable, CustomStringConvertible {
    public var method: String
    /// Path as sent (still percent-encoded).
    public var path: String
    /// Raw query string, if any.
    public var query: String?
    /// The bearer token sent, if any (this is a test fake: it keeps it so tests can check it).
    public var bearerToken: String?

    public init(method: String, path: String, query: String?, bearerToken: String?) {
        self.method = method
        self.path = path
        self.query = query
        self.bearerToken = bearerToken
    }

    /// The query parameters, decoded.
    public func parameter(_ name: String) -> String? {
        FakeRegistryQuery(rawQuery: query)[name]
    }

    public var description: String { "\(method) \(path)" + (query.map { "?\($0)" } ?? "") }
}

/// Every request a fake server received, in order, for tests that count or inspect traffic.
///
/// ```swift
/// let lists = server.requestLog.records.filter { $0.path.hasSuffix("/registered_models") }
/// #expect(lists.allSatisfy { $0.parameter("pageSize") != nil })
/// ```
public final class FakeRegistryRequestLog: Sendable {
    private let entries = Mutex<[FakeRegistryRequestRecord]>([])

    public init() {}

    /// All requests so far.
    public var records: [FakeRegistryRequestRecord] { entries.withLock { $0 } }

    /// How many requests so far.
    public var count: Int { entries.withLock { $0.count } }

    /// How many requests so far satisfy `predicate` (without copying the log).
    public func count(where predicate: (FakeRegistryRequestRecord) -> Bool) -> Int {
        entries.withLock { $0.reduce(0) { predicate($1) ? $0 + 1 : $0 } }
    }

    /// Forgets every request.
    public func clear() {
        entries.withLock { $0.removeAll() }
    }

    func append(_ record: FakeRegistryRequestRecord) {
        entries.withLock { $0.append(record) }
    }
}
