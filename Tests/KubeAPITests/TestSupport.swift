import Foundation
import KubeAPI
import Logging
import Sandbox
import Synchronization
import Testing

/// A temporary folder removed when the test is done.
struct TemporaryDirectory: ~Copyable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "kubeapi-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let file = "\(path)/\(name)"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Records the delays a client asked to sleep, instead of sleeping.
final class SleepRecorder: Sendable {
    private let delays = Mutex<[Duration]>([])
    var recorded: [Duration] { delays.withLock { $0 } }
    var sleep: @Sendable (Duration) async throws -> Void {
        { duration in self.delays.withLock { $0.append(duration) } }
    }
}

/// Starts a fake API server and a client for it, runs `body`, and always stops both.
func withFakeKube<T>(
    _ configuration: FakeKubeServerConfiguration = FakeKubeServerConfiguration(),
    credentials: KubeCredentials = .none,
    tls: KubeTLSSettings = KubeTLSSettings(),
    options: KubeClientOptions = KubeClientOptions(),
    _ body: (FakeKubeServer, KubeClient) async throws -> T
) async throws -> T {
    let server = FakeKubeServer(configuration: configuration)
    try await server.start()
    let client: KubeClient
    do {
        client = try KubeClient(
            config: KubeConfig(server: server.url, namespace: "default", credentials: credentials, tls: tls),
            options: options,
            logger: quietLogger())
    } catch {
        await server.stop()
        throw error
    }
    do {
        let result = try await body(server, client)
        try await client.shutdown()
        await server.stop()
        return result
    } catch {
        try? await client.shutdown()
        await server.stop()
        throw error
    }
}

func quietLogger() -> Logger {
    var logger = Logger(label: "kubeapi-tests")
    logger.logLevel = .critical
    return logger
}

/// Waits for `condition` with a deadline, polling (never a fixed sleep as the wait itself).
func eventually(
    timeout: Duration = .seconds(10), _ what: String, _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("timed out waiting for: \(what)")
    throw CancellationError()
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
