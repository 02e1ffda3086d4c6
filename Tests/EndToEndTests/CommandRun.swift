import Foundation
import Synchronization

/// A finished run of the built `modelbridge` binary (or any program): exit status and both outputs.
struct CommandRun: CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    var stdout: String
    var stderr: String
    /// True when the deadline passed and the process was killed.
    var timedOut: Bool

    var description: String {
        "\(arguments.joined(separator: " ")) → exit \(status)\(timedOut ? " (killed at the deadline)" : "")\n"
            + "stdout: \(stdout.prefix(2000))\nstderr: \(stderr.prefix(2000))"
    }

    /// Runs `executable` (default: the built modelbridge) to completion, or kills it at `timeout`.
    ///
    /// `environment` is laid over the test's own environment with the variables that point roles somewhere removed,
    /// so a developer's shell never changes what a test sees.
    static func run(
        _ arguments: [String], executable: String? = nil, environment: [String: String] = [:],
        timeout: Duration = .seconds(60)
    ) async throws -> CommandRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable ?? RoleProcess.binary())
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for key in [
            "KUBECONFIG", "POD_IP", "STORAGE_URL", "BRIDGE_URL", "MR_ROUTE", "KUBERNETES_SERVICE_HOST",
            "NORMALIZER_FORMAT", "STORAGE_TYPE", "POD_NAMESPACE",
        ] {
            merged[key] = nil
        }
        merged.merge(environment) { $1 }
        process.environment = merged
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let outData = LockedBox(Data())
        let errData = LockedBox(Data())
        out.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            outData.value.withLock { $0.append(data) }
        }
        err.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            errData.value.withLock { $0.append(data) }
        }
        let finished = LockedBox(false)
        process.terminationHandler = { _ in finished.value.withLock { $0 = true } }
        try process.run()
        var timedOut = false
        do {
            try await eventually("\(arguments.first ?? "") exits", timeout: timeout) { finished.value.withLock { $0 } }
        } catch {
            timedOut = true
            process.interrupt()
            if !(try await waitForExit(finished, within: .seconds(5))) { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        out.fileHandleForReading.readabilityHandler = nil
        err.fileHandleForReading.readabilityHandler = nil
        let restOut = (try? out.fileHandleForReading.readToEnd()) ?? nil
        let restErr = (try? err.fileHandleForReading.readToEnd()) ?? nil
        return CommandRun(
            arguments: arguments, status: process.terminationStatus,
            stdout: String(decoding: outData.value.withLock { $0 } + (restOut ?? Data()), as: UTF8.self),
            stderr: String(decoding: errData.value.withLock { $0 } + (restErr ?? Data()), as: UTF8.self),
            timedOut: timedOut)
    }

    private static func waitForExit(_ finished: LockedBox<Bool>, within timeout: Duration) async throws -> Bool {
        do {
            try await eventually("exit after SIGINT", timeout: timeout) { finished.value.withLock { $0 } }
            return true
        } catch {
            return false
        }
    }
}

/// The repository root (three folders above this file).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A value behind a lock that escaping closures (pipe and termination handlers) can share.
final class LockedBox<Value: Sendable>: Sendable {
    let value: Mutex<Value>
    init(_ initial: Value) { value = Mutex(initial) }
}
