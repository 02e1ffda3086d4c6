import Foundation
import Testing

/// Paths and tools the deployment tests use.
enum DeployPaths {
    /// The repository root (three levels above this file).
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let deploy = root.appendingPathComponent("deploy")
    static let docs = root.appendingPathComponent("docs")

    /// Whether CI is running us: missing tools then fail instead of skipping.
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] != nil }

    /// A tool from the project's Python venv: next to `$MODELBRIDGE_PYTHON`, else `.venv/bin/`, else PATH.
    static func venvTool(_ name: String) -> String? {
        var candidates: [String] = []
        if let python = ProcessInfo.processInfo.environment["MODELBRIDGE_PYTHON"], !python.isEmpty {
            candidates.append(
                URL(fileURLWithPath: python).deletingLastPathComponent().appendingPathComponent(name).path)
        }
        candidates.append(root.appendingPathComponent(".venv/bin/\(name)").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? executable(name)
    }

    /// An executable from PATH.
    static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// Every `.yaml` file under `deploy/`, relative paths, sorted.
    static func yamlFiles() throws -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: deploy.path)
        var files: [String] = []
        while let path = enumerator?.nextObject() as? String {
            if path.hasSuffix(".yaml") || path.hasSuffix(".yml") { files.append(path) }
        }
        return files.sorted()
    }

    static func read(_ relativePath: String, in folder: URL = deploy) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(relativePath), encoding: .utf8)
    }
}

/// A temporary folder, removed at the end of the test.
struct ScratchFolder: ~Copyable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "deploy-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = "\(path)/\(name)"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The outcome of a finished command.
struct CommandResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a command to completion with a deadline, polling (never blocking a concurrency thread on `waitUntilExit`).
/// Output goes through files so that nothing is lost at exit.
func runCommand(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: URL? = nil,
    timeout: Duration = .seconds(120)
) async throws -> CommandResult {
    let scratch = NSTemporaryDirectory() + "deploy-cmd-" + UUID().uuidString
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
    if let directory { process.currentDirectoryURL = directory }
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + ".out"))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + ".err"))
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let deadline = ContinuousClock.now + timeout
    while process.isRunning {
        if ContinuousClock.now > deadline {
            process.terminate()
            Issue.record("\(executable) \(arguments) did not finish within \(timeout)")
            break
        }
        try await Task.sleep(for: .milliseconds(20))
    }
    try? out.close()
    try? err.close()
    let stdout = (try? String(contentsOfFile: scratch + ".out", encoding: .utf8)) ?? ""
    let stderr = (try? String(contentsOfFile: scratch + ".err", encoding: .utf8)) ?? ""
    return CommandResult(status: process.isRunning ? -1 : process.terminationStatus, stdout: stdout, stderr: stderr)
}
