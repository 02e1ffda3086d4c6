import AsyncHTTPClient
import CatalogModel
import Foundation
import ModelbridgeTesting
import Sandbox
import Synchronization

/// The three roles as separate `modelbridge` processes, wired as in the RHDH pod (storage-rest
/// keeps ConfigMaps, location loads from and is pushed to by storage-rest, the normalizer posts
/// to storage-rest), each on its own loopback port and each restartable and killable. Their
/// output is appended to `<role>.log` in ``directory``.
final class RoleProcesses: Sendable {
    enum Role: String, CaseIterable, Sendable {
        case location
        case storage = "storage-rest"
        case normalizer = "rhoai-normalizer"
    }

    let directory: URL
    let ports: [Role: Int]
    /// Settings every role gets (`KUBECONFIG`, `POD_NAMESPACE`, …); the wiring between the
    /// roles is added by ``start(_:)``.
    let environment: [String: String]
    /// The normalizer's `PROBE_INTERVAL`.
    let probeInterval: String
    /// Every role's `--log-level`.
    let logLevel: String
    let http = HTTPClient(eventLoopGroupProvider: .singleton)
    private let processes = Mutex<[Role: Process]>([:])

    init(directory: URL, environment: [String: String], probeInterval: String, logLevel: String = "warning") throws {
        self.directory = directory
        self.environment = environment
        self.probeInterval = probeInterval
        self.logLevel = logLevel
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var ports: [Role: Int] = [:]
        for role in Role.allCases { ports[role] = try LoopbackPort.free() }
        self.ports = ports
    }

    var locationURL: String { "http://127.0.0.1:\(ports[.location]!)" }
    var storageURL: String { "http://127.0.0.1:\(ports[.storage]!)" }
    var adminURL: String { "http://127.0.0.1:\(ports[.normalizer]!)" }

    func logURL(_ role: Role) -> URL { directory.appendingPathComponent("\(role.rawValue).log") }

    /// Starts (or restarts) a role.
    func start(_ role: Role) throws {
        var environment = ProcessInfo.processInfo.environment
        for key in ["KUBECONFIG", "POD_IP", "STORAGE_URL", "BRIDGE_URL", "MR_ROUTE", "KUBERNETES_SERVICE_HOST"] {
            environment[key] = nil
        }
        environment.merge(self.environment) { $1 }
        let arguments: [String]
        switch role {
        case .location:
            environment["STORAGE_URL"] = storageURL
            arguments = ["location", "--address", "127.0.0.1:\(ports[.location]!)", "--log-level", logLevel]
        case .storage:
            environment["STORAGE_TYPE"] = "ConfigMap"
            environment["BRIDGE_URL"] = locationURL
            arguments = ["storage-rest", "--address", "127.0.0.1:\(ports[.storage]!)", "--log-level", logLevel]
        case .normalizer:
            environment["STORAGE_URL"] = storageURL
            environment["PROBE_INTERVAL"] = probeInterval
            arguments = [
                "rhoai-normalizer", "--metrics-address", "127.0.0.1:\(ports[.normalizer]!)", "--log-level", logLevel,
            ]
        }
        let logPath = logURL(role).path
        if !FileManager.default.fileExists(atPath: logPath) {
            FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.binary())
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        try process.run()
        processes.withLock { $0[role] = process }
    }

    /// SIGKILL, and wait until the process is gone.
    func kill(_ role: Role) {
        guard let process = processes.withLock({ $0[role] }) else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func pid(_ role: Role) -> Int32? { processes.withLock { $0[role]?.processIdentifier } }

    /// Whether the role's process is still running.
    func isRunning(_ role: Role) -> Bool { processes.withLock { $0[role]?.isRunning ?? false } }

    /// Resident memory of a role's process in KiB (`VmRSS` of /proc/<pid>/status).
    func residentKiB(_ role: Role) -> Int? {
        guard let pid = pid(role),
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }

    /// The size of a role's log so far, to read only what it writes later (``log(_:since:)``).
    func logSize(_ role: Role) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: logURL(role).path))?[.size] as? UInt64) ?? 0
    }

    /// The lines a role logged after `offset` bytes.
    func log(_ role: Role, since offset: UInt64) -> [String] {
        guard let handle = try? FileHandle(forReadingFrom: logURL(role)) else { return [] }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// SIGTERM to every role, wait until they are gone, and close the HTTP client. Returns how
    /// each role that was still running ended: `exit 0` is a clean shutdown, anything else
    /// (another status, or `signal N` for a crash) is not.
    @discardableResult
    func shutdown() async -> [Role: String] {
        var endings: [Role: String] = [:]
        for role in Role.allCases {
            if let process = processes.withLock({ $0[role] }), process.isRunning {
                process.terminate()
                process.waitUntilExit()
                let signalled = process.terminationReason == .uncaughtSignal
                endings[role] = (signalled ? "signal " : "exit ") + "\(process.terminationStatus)"
            }
        }
        try? await http.shutdown()
        return endings
    }

    /// The URIs `/list` serves; `nil` while location is down or not loaded.
    func listedURIs() async -> [String]? {
        if case .success(let uris) = await listRead() { return uris }
        return nil
    }

    /// location's `/list`, or why it was not answered (the status and body, or the client's error), so a drill
    /// that counts an unanswered read can say what happened.
    func listRead() async -> Result<[String], ListFailure> {
        let started = ContinuousClock.now
        do {
            let response = try await http.execute(HTTPClientRequest(url: locationURL + "/list"), timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 16 << 20)
            guard response.status.code == 200 else {
                return .failure(
                    ListFailure(
                        description: "HTTP \(response.status.code) after \(ContinuousClock.now - started): "
                            + String(decoding: body.readableBytesView.prefix(200), as: UTF8.self)))
            }
            guard
                let uris = try JSONValue.parse(Data(body.readableBytesView))["uris"]?.arrayValue?
                    .compactMap(\.stringValue)
            else { return .failure(ListFailure(description: "a 200 without a uris array")) }
            return .success(uris)
        } catch {
            return .failure(ListFailure(description: "\(error) after \(ContinuousClock.now - started)"))
        }
    }

    struct ListFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// GET a path on location; the status, or `nil` when the connection failed.
    func get(_ path: String) async -> Int? {
        do {
            let response = try await http.execute(HTTPClientRequest(url: locationURL + path), timeout: .seconds(5))
            _ = try await response.body.collect(upTo: 16 << 20)
            return Int(response.status.code)
        } catch {
            return nil
        }
    }

    /// POST with an empty body; the status, or `nil` when the connection failed.
    func post(_ url: String) async -> Int? {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        do {
            let response = try await http.execute(request, timeout: .seconds(5))
            _ = try await response.body.collect(upTo: 1 << 20)
            return Int(response.status.code)
        } catch {
            return nil
        }
    }

    static func binary() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["MODELBRIDGE_BINARY"] { return explicit }
        for candidate in [".build/debug/modelbridge", ".build/x86_64-unknown-linux-gnu/debug/modelbridge"] {
            let path = UpstreamFixtures.repositoryRoot.appendingPathComponent(candidate).path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw DeadlinePassed(description: "the modelbridge binary is not built; run swift build first")
    }
}
