import Foundation

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

/// The outcome of a finished command.
struct CommandResult: Sendable {
    var status: Int32
    var output: String
    var errors: String
}

/// Runs a command to completion with a deadline, polling (never blocking a concurrency thread on `waitUntilExit`).
func runCommand(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
    timeout: Duration = .seconds(120)
) async throws -> CommandResult {
    let scratch = NSTemporaryDirectory() + "modelbridge-conformance-command-" + UUID().uuidString
    FileManager.default.createFile(atPath: scratch + ".out", contents: nil)
    FileManager.default.createFile(atPath: scratch + ".err", contents: nil)
    defer {
        try? FileManager.default.removeItem(atPath: scratch + ".out")
        try? FileManager.default.removeItem(atPath: scratch + ".err")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + ".out"))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + ".err"))
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let deadline = ContinuousClock.now + timeout
    while process.isRunning {
        if ContinuousClock.now > deadline {
            process.terminate()
            process.waitUntilExit()
            throw ChildProcess.Failure(
                description: "\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout)")
        }
        try await Task.sleep(for: .milliseconds(20))
    }
    try? out.close()
    try? err.close()
    return CommandResult(
        status: process.terminationStatus,
        output: (try? String(contentsOfFile: scratch + ".out", encoding: .utf8)) ?? "",
        errors: (try? String(contentsOfFile: scratch + ".err", encoding: .utf8)) ?? "")
}

/// Polls until `condition` holds or the deadline passes; the failure says what was awaited and, from `report`,
/// what the processes involved printed.
func eventually(
    _ what: String, timeout: Duration = .seconds(60), report: @autoclosure @Sendable () -> String = "",
    _ condition: @Sendable () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if (try? await condition()) == true { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw ChildProcess.Failure(description: "timed out after \(timeout) waiting until \(what)\n\(report())")
}
