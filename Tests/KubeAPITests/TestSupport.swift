import Foundation
import KubeAPI
import Logging
import ModelbridgeTesting
import Sandbox
import Synchronization
import Testing

/// Records the delays a client asked to sleep, instead of sleeping.
final class SleepRecorder: Sendable {
    private let delays = Mutex<[Duration]>([])
    var recorded: [Duration] { delays.withLock { $0 } }
    var sleep: @Sendable (Duration) async throws -> Void {
        { duration in self.delays.withLock { $0.append(duration) } }
    }
}

func quietLogger() -> Logger { .quiet("kubeapi-tests") }

/// Waits for `condition` with a deadline, polling every 20 ms (never a fixed sleep as the wait itself).
func eventually(timeout: Duration = .seconds(10), _ what: String, _ condition: () async throws -> Bool) async throws {
    try await Poll.until(what, timeout: timeout, every: .milliseconds(20), condition)
}

/// Takes events from an async iterator until one satisfies `match`, with a deadline.
func awaitEvent<Element: Sendable>(
    from stream: AsyncStream<Element>, timeout: Duration = .seconds(10), _ what: String,
    where match: @escaping @Sendable (Element) -> Bool
) async throws -> Element {
    try await withThrowingTaskGroup(of: Element?.self) { group in
        group.addTask {
            for await element in stream where match(element) { return element }
            return nil
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        let first = try await group.next() ?? nil
        group.cancelAll()
        guard let first else {
            Issue.record("timed out or stream ended waiting for: \(what)")
            throw CancellationError()
        }
        return first
    }
}

func configMap(
    _ name: String, namespace: String = "default", labels: [String: String]? = nil, data: [String: String] = [:]
)
    -> ConfigMap
{
    ConfigMap(metadata: ObjectMeta(name: name, namespace: namespace, labels: labels), data: data)
}
