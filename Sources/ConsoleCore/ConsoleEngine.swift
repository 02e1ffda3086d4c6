/// What the console needs from the engine: a stream of snapshots and the three writes.
/// The lead's engine adapter implements it; `StaticConsoleEngine` serves a fixed snapshot.
///
/// ```swift
/// struct BridgeConsoleEngine: ConsoleEngine {
///     func snapshots() -> AsyncStream<EngineSnapshot> { observer.stream() }
///     func resyncAll() async throws -> String { try await controller.resyncAll().summary }
///     …
/// }
/// ```
///
/// Writes return a one-line summary for the flash line, or throw an error whose description
/// says what went wrong. The console never calls them in read-only mode.
public protocol ConsoleEngine: Sendable {
    /// Snapshots, the current one first, then one per change. Ends when the engine stops.
    func snapshots() -> AsyncStream<EngineSnapshot>
    /// Re-reads every source and rewrites what changed.
    func resyncAll() async throws -> String
    /// Re-reads one model by storage key and rewrites it.
    func resync(key: String) async throws -> String
    /// Pushes one cache entry by storage key to `location` again.
    func repush(key: String) async throws -> String
}

extension ConsoleEngine {
    /// Runs a write and wraps its outcome for `Msg.actionFinished`.
    public func perform(_ action: WriteAction) async -> ActionResult {
        do {
            let message: String
            switch action {
            case .resyncAll: message = try await resyncAll()
            case .resyncModel(let key): message = try await resync(key: key)
            case .repushCacheEntry(let key): message = try await repush(key: key)
            }
            return ActionResult(action: action, succeeded: true, message: message)
        } catch {
            return ActionResult(action: action, succeeded: false, message: "\(error)")
        }
    }
}

/// An engine that serves one fixed snapshot and answers writes without doing anything, for
/// demos (`modelbridge console --demo-data`) and tests.
public struct StaticConsoleEngine: ConsoleEngine {
    /// The snapshot it serves.
    public let snapshot: EngineSnapshot

    /// Creates an engine serving `snapshot`.
    public init(snapshot: EngineSnapshot) {
        self.snapshot = snapshot
    }

    public func snapshots() -> AsyncStream<EngineSnapshot> {
        let (stream, continuation) = AsyncStream.makeStream(of: EngineSnapshot.self)
        continuation.yield(snapshot)
        continuation.finish()
        return stream
    }

    public func resyncAll() async throws -> String {
        "sample data: would resync \(snapshot.models.count) models (nothing changed)"
    }

    public func resync(key: String) async throws -> String {
        guard snapshot.models.contains(where: { $0.key == key }) else { throw StaticEngineError.unknownKey(key) }
        return "sample data: would resync \(key) (nothing changed)"
    }

    public func repush(key: String) async throws -> String {
        let known = snapshot.cache.shards.contains { $0.entries.contains { $0.key == key } }
        guard known else { throw StaticEngineError.unknownKey(key) }
        return "sample data: would re-push \(key) to location"
    }
}

/// Why `StaticConsoleEngine` refused a write.
public enum StaticEngineError: Error, CustomStringConvertible {
    case unknownKey(String)

    public var description: String {
        switch self {
        case .unknownKey(let key): "no document with key \(key) in the sample data"
        }
    }
}
