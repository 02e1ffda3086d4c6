import Foundation

/// The outcome of a finished command.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// A command that did not finish within its deadline (it was stopped with SIGTERM).
public struct CommandTimedOut: Error, CustomStringConvertible {
    public var description: String
}

/// Runs a command to completion with a deadline, polling (never blocking a concurrency thread on `waitUntilExit`).
/// Output goes through files so that nothing is lost at exit; standard input is `/dev/null`. Throws
/// ``CommandTimedOut`` when `timeout` passes first.
public func runCommand(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: URL? = nil,
    timeout: Duration = .seconds(120)
) async throws -> CommandResult {
    let scratch = NSTemporaryDirectory() + "modelbridge-command-" + UUID().uuidString
    _ = FileManager.default.createFile(atPath: scratch + ".out", contents: nil)
    _ = FileManager.default.createFile(atPath: scratch + ".err", contents: nil)
    defer {
        try? FileManager.default.removeItem(atPath: scratch + ".out")
        try? FileManager.default.removeItem(atPath: scratch + ".err")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let directory { process.currentDirectoryURL = directory }
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
            try? out.close()
            try? err.close()
            let stderr = (try? String(contentsOfFile: scratch + ".err", encoding: .utf8)) ?? ""
            throw CommandTimedOut(
                description: "\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout)"
                    + (stderr.isEmpty ? "" : "; it printed to stderr:\n\(stderr.suffix(3072))"))
        }
        try await Task.sleep(for: .milliseconds(20))
    }
    try? out.close()
    try? err.close()
    return CommandResult(
        status: process.terminationStatus,
        stdout: (try? String(contentsOfFile: scratch + ".out", encoding: .utf8)) ?? "",
        stderr: (try? String(contentsOfFile: scratch + ".err", encoding: .utf8)) ?? "")
}
