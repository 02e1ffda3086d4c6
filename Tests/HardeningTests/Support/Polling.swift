import Foundation

/// A condition that did not hold before its deadline.
struct DeadlinePassed: Error, CustomStringConvertible {
    var description: String
}

/// Polls `condition` every 10 ms until it holds; throws ``DeadlinePassed`` after `timeout`.
func poll(
    until what: String, timeout: Duration = .seconds(60), _ condition: @Sendable () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if (try? await condition()) == true { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    throw DeadlinePassed(description: "timed out after \(timeout) waiting until \(what)")
}

/// Where the shared fixtures live: `MODELBRIDGE_SHARED`, else `<repo>/../shared`.
enum SharedFixtures {
    static var root: URL {
        if let explicit = ProcessInfo.processInfo.environment["MODELBRIDGE_SHARED"] {
            return URL(fileURLWithPath: explicit)
        }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The bytes of `fixtures/upstream/<relative>`.
    static func upstream(_ relative: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent("fixtures/upstream").appendingPathComponent(relative))
    }
}
