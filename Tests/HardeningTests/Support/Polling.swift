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

/// The upstream fixtures copied into the repository (`<repo>/Tests/Fixtures/upstream`).
enum UpstreamFixtures {
    static var root: URL { repositoryRoot.appendingPathComponent("Tests/Fixtures/upstream") }

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The bytes of `Tests/Fixtures/upstream/<relative>`.
    static func upstream(_ relative: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent(relative))
    }
}
