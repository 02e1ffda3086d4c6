import Foundation
import Synchronization

/// Hands every finished sync cycle to each current subscriber, so tests and the console await
/// "the next cycle" instead of sleeping.
///
/// ```swift
/// let cycles = broadcaster.subscribe()
/// broadcaster.publish(cycle)
/// for await cycle in cycles { … }
/// ```
final class SyncCycleBroadcaster: Sendable {
    private let subscribers = Mutex<[UUID: AsyncStream<BackstageSyncCycle>.Continuation]>([:])

    /// A stream of every cycle published from now on; it ends when the broadcaster finishes.
    func subscribe() -> AsyncStream<BackstageSyncCycle> {
        let (stream, continuation) = AsyncStream<BackstageSyncCycle>.makeStream(bufferingPolicy: .bufferingNewest(256))
        let id = UUID()
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLock { _ = $0.removeValue(forKey: id) }
        }
        return stream
    }

    func publish(_ cycle: BackstageSyncCycle) {
        for continuation in subscribers.withLock({ Array($0.values) }) {
            continuation.yield(cycle)
        }
    }

    /// Ends every subscription.
    func finish() {
        let continuations = subscribers.withLock { state in
            defer { state.removeAll() }
            return Array(state.values)
        }
        for continuation in continuations { continuation.finish() }
    }
}
