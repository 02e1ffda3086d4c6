import Foundation
import ModelbridgeTesting

/// Polls `condition` every 10 ms until it holds (a thrown error means "not yet"); throws ``DeadlinePassed`` after
/// `timeout`.
func poll(
    until what: String, timeout: Duration = .seconds(60), _ condition: @Sendable () async throws -> Bool
) async throws {
    try await Poll.until(what, timeout: timeout, retryingErrors: true, condition)
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
