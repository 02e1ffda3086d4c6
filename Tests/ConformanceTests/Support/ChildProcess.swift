import Foundation
import ModelbridgeTesting

/// A program running in the background, its standard output and error kept in files so that nothing is lost
/// when it exits and a failure can show what it printed.
final class ChildProcess: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let name: String
    let process: Process
    private let outputPath: String

    init(name: String, executable: String, arguments: [String], environment: [String: String]) throws {
        self.name = name
        outputPath = NSTemporaryDirectory() + "modelbridge-conformance-\(name)-" + UUID().uuidString + ".log"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? output.close()
    }

    var isRunning: Bool { process.isRunning }

    /// Everything the process printed so far.
    var log: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    /// The last 3 KiB of the log, for failure messages.
    var logTail: String { "--- \(name) ---\n" + String(log.suffix(3072)) }

    /// Stops the process with SIGTERM (a graceful stop) and waits for it.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// Kills the process with SIGKILL, as a node failure or an OOM kill would: nothing is released.
    func killAbruptly() {
        guard process.isRunning else { return }
        _ = kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Stops the process if it still runs and removes its log.
    func discard() {
        stop()
        try? FileManager.default.removeItem(atPath: outputPath)
    }
}

/// Polls every 100 ms until `condition` holds (a thrown error means "not yet") or the deadline passes; the
/// failure says what was awaited and, from `report`, what the processes involved printed.
func eventually(
    _ what: String, timeout: Duration = .seconds(60), report: @autoclosure @Sendable () -> String = "",
    _ condition: @Sendable () async throws -> Bool
) async throws {
    try await Poll.until(
        what, timeout: timeout, every: .milliseconds(100), retryingErrors: true, report: report(), condition)
}
