import Bridge
import Foundation

/// A `modelbridge` role started as a child process, its output in a log file for post-mortems.
///
/// ```swift
/// let child = try ChildProcess(binary: path, arguments: ["location", "--address", "127.0.0.1:9090"],
///                              environment: ["STORAGE_URL": "http://127.0.0.1:7070"], logDirectory: dir)
/// print(ProcessProbe.peakResidentMiB(pid: child.pid) ?? 0)
/// child.stop()
/// ```
final class ChildProcess: Sendable {
    let name: String
    let process: Process
    let logPath: String

    /// Variables that would point a child at something other than the bench's own servers.
    static let scrubbedVariables = [
        "KUBECONFIG", "POD_IP", "POD_NAMESPACE", "STORAGE_URL", "BRIDGE_URL", "MR_ROUTE", "KUBERNETES_SERVICE_HOST",
        "BRIDGE_TOKEN", "STORAGE_TYPE", "PUSH_TO_RHDH",
    ]

    init(binary: String, arguments: [String], environment: [String: String], logDirectory: String) throws {
        name = arguments.first ?? "modelbridge"
        logPath = logDirectory + "/\(name)-\(UUID().uuidString.prefix(8)).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for variable in Self.scrubbedVariables { merged[variable] = nil }
        merged.merge(environment) { $1 }
        process.environment = merged
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// The last lines the child wrote, for error messages.
    var logTail: String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(8).joined(separator: "\n")
    }

    /// SIGTERM, then waits for the exit.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}

/// Reads a process's CPU time and memory from /proc.
enum ProcessProbe {
    /// utime + stime of `pid`, in seconds (clock-tick resolution, usually 10 ms).
    static func cpuSeconds(pid: Int32) -> Double? {
        ProcessStat(pid: pid)?.cpuSeconds
    }

    /// `VmHWM` (peak resident set) of `pid`, in MiB.
    static func peakResidentMiB(pid: Int32) -> Double? {
        statusField("VmHWM", pid: pid).map { $0 / 1024 }
    }

    /// `VmRSS` (current resident set) of `pid`, in MiB.
    static func residentMiB(pid: Int32) -> Double? {
        statusField("VmRSS", pid: pid).map { $0 / 1024 }
    }

    private static func statusField(_ name: String, pid: Int32) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        let line = status.split(separator: "\n").first { $0.hasPrefix(name + ":") }
        return line?.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Double($0) }
    }
}

/// A benchmark could not run; the message says what to do.
struct BenchError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
