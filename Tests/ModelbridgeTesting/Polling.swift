import Foundation

/// A condition that did not hold before its deadline.
public struct DeadlinePassed: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) { self.description = description }
}

/// Polling with a deadline, never a fixed sleep as the wait itself.
public enum Poll {
    /// Checks `condition` every `interval` until it holds and returns how long that took; throws
    /// ``DeadlinePassed`` (naming `what` and, when given, `report`) once `timeout` has passed.
    ///
    /// An error thrown by `condition` ends the wait with that error, unless `retryingErrors` is set: then it only
    /// means "not yet".
    @discardableResult
    public static func until(
        _ what: String, timeout: Duration, every interval: Duration = .milliseconds(10), retryingErrors: Bool = false,
        report: @autoclosure () -> String = "", _ condition: () async throws -> Bool
    ) async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        while clock.now - start < timeout {
            if retryingErrors {
                if (try? await condition()) == true { return clock.now - start }
            } else if try await condition() {
                return clock.now - start
            }
            try await Task.sleep(for: interval)
        }
        let details = report()
        throw DeadlinePassed(
            description: "timed out after \(timeout) waiting until \(what)" + (details.isEmpty ? "" : "\n\(details)"))
    }
}
