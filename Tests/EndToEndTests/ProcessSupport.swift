import Foundation
import ModelbridgeTesting
import Sandbox
import Synchronization

/// A `modelbridge` role started as its own process, with its output captured for failure reports.
final class RoleProcess: Sendable {
    let name: String
    let process: Process
    private let output = Mutex(Data())

    init(name: String, arguments: [String], environment: [String: String]) throws {
        self.name = name
        process = Process()
        process.executableURL = URL(fileURLWithPath: try RoleProcess.binary())
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for key in ["KUBECONFIG", "POD_IP", "STORAGE_URL", "BRIDGE_URL", "MR_ROUTE", "KUBERNETES_SERVICE_HOST"] {
            merged[key] = nil
        }
        merged.merge(environment) { $1 }
        process.environment = merged
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            if !data.isEmpty { self?.output.withLock { $0.append(data) } }
        }
        try process.run()
    }

    /// What the process printed so far (the first 3 KiB and the last 2 KiB).
    var log: String {
        let data = output.withLock { $0 }
        if data.count <= 5120 { return String(decoding: data, as: UTF8.self) }
        return String(decoding: data.prefix(3072), as: UTF8.self) + "\n…\n"
            + String(decoding: data.suffix(2048), as: UTF8.self)
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// The built `modelbridge` executable: `MODELBRIDGE_BINARY`, else `.build/debug/modelbridge`.
    static func binary() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["MODELBRIDGE_BINARY"] { return explicit }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        for candidate in [".build/debug/modelbridge", ".build/x86_64-unknown-linux-gnu/debug/modelbridge"] {
            let path = root.appendingPathComponent(candidate).path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        struct Missing: Error, CustomStringConvertible {
            var description = "the modelbridge binary is not built; run swift build first"
        }
        throw Missing()
    }
}

/// A free loopback port (see `LoopbackPort`).
func freePort() throws -> Int { try LoopbackPort.free() }

/// Polls every 25 ms until `condition` holds (a thrown error means "not yet") or the deadline passes; returns how
/// long it took.
@discardableResult
func eventually(
    _ what: String, timeout: Duration = .seconds(30), _ condition: @Sendable () async throws -> Bool
) async throws -> Duration {
    try await Poll.until(what, timeout: timeout, every: .milliseconds(25), retryingErrors: true, condition)
}
