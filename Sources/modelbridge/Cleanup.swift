/// Shutdown steps registered as resources are created, run in reverse order on every exit
/// path (a failed bind included), so no HTTP client is dropped without its shutdown.
final class Cleanup: @unchecked Sendable {
    private var actions: [@Sendable () async -> Void] = []

    func add(_ action: @escaping @Sendable () async -> Void) {
        actions.append(action)
    }

    func run() async {
        for action in actions.reversed() { await action() }
        actions.removeAll()
    }

    /// Runs `body`, then the cleanup, also when `body` throws.
    static func around(_ body: (Cleanup) async throws -> Void) async throws {
        let cleanup = Cleanup()
        do {
            try await body(cleanup)
        } catch {
            await cleanup.run()
            throw error
        }
        await cleanup.run()
    }
}
