import AsyncHTTPClient
import CatalogModel
import Foundation
import KubeAPI
import Logging
import NIOCore
import RegistryAPI
import Sandbox
import Synchronization

/// Whether the long drills (crash drill, soak) run: `MODELBRIDGE_LONG_DRILLS=1`, as
/// `scripts/drills/crash-drill` and `scripts/drills/soak` set it. CI leaves them off.
let longDrillsEnabled = ProcessInfo.processInfo.environment["MODELBRIDGE_LONG_DRILLS"] == "1"

/// The fakes in this process and the three roles as separate `modelbridge` processes, wired as
/// in the RHDH pod (ConfigMap storage against the fake API), each restartable and killable.
final class LongDrillPlatform: Sendable {
    enum Role: String, CaseIterable, Sendable {
        case location
        case storage = "storage-rest"
        case normalizer = "rhoai-normalizer"
    }

    let kube: FakeKubeServer
    let registry: FakeRegistryServer
    let http: HTTPClient
    let directory: URL
    let ports: [Role: Int]
    private let processes = Mutex<[Role: Process]>([:])

    init() async throws {
        var quiet = Logger(label: "drill.long")
        quiet.logLevel = .critical
        kube = FakeKubeServer(configuration: .init(namespaces: ["default", "rhdh"]), logger: quiet)
        try await kube.start()
        registry = FakeRegistryServer()
        let registryPort = try await registry.start()
        try DrillHarness.seedRoute(kube, name: "modelregistry-public", port: registryPort)
        http = HTTPClient(eventLoopGroupProvider: .singleton)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("modelbridge-drill-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try """
        apiVersion: v1
        kind: Config
        clusters: [{name: fake, cluster: {server: "\(kube.url)"}}]
        contexts: [{name: fake, context: {cluster: fake, user: fake, namespace: rhdh}}]
        current-context: fake
        users: [{name: fake, user: {token: drill-token}}]
        """.write(to: directory.appendingPathComponent("kubeconfig"), atomically: true, encoding: .utf8)
        var ports: [Role: Int] = [:]
        for role in Role.allCases { ports[role] = try Self.freePort() }
        self.ports = ports
    }

    var locationURL: String { "http://127.0.0.1:\(ports[.location]!)" }
    var storageURL: String { "http://127.0.0.1:\(ports[.storage]!)" }
    var adminURL: String { "http://127.0.0.1:\(ports[.normalizer]!)" }

    /// Starts (or restarts) a role; its output is appended to `<role>.log` in the drill directory.
    func start(_ role: Role) throws {
        let common = [
            "KUBECONFIG": directory.appendingPathComponent("kubeconfig").path, "POD_NAMESPACE": "rhdh",
        ]
        var environment = ProcessInfo.processInfo.environment
        for key in ["KUBECONFIG", "POD_IP", "STORAGE_URL", "BRIDGE_URL", "MR_ROUTE", "KUBERNETES_SERVICE_HOST"] {
            environment[key] = nil
        }
        environment.merge(common) { $1 }
        let arguments: [String]
        switch role {
        case .location:
            environment["STORAGE_URL"] = storageURL
            arguments = ["location", "--address", "127.0.0.1:\(ports[.location]!)", "--log-level", "warning"]
        case .storage:
            environment["STORAGE_TYPE"] = "ConfigMap"
            environment["BRIDGE_URL"] = locationURL
            arguments = ["storage-rest", "--address", "127.0.0.1:\(ports[.storage]!)", "--log-level", "warning"]
        case .normalizer:
            environment["STORAGE_URL"] = storageURL
            environment["PROBE_INTERVAL"] = "1s"
            arguments = [
                "rhoai-normalizer", "--metrics-address", "127.0.0.1:\(ports[.normalizer]!)", "--log-level", "warning",
            ]
        }
        let logPath = directory.appendingPathComponent("\(role.rawValue).log").path
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

    /// Resident memory of a role's process in KiB (`VmRSS` of /proc/<pid>/status).
    func residentKiB(_ role: Role) -> Int? {
        guard let pid = pid(role),
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }

    func shutdown() async {
        for role in Role.allCases {
            if let process = processes.withLock({ $0[role] }), process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }
        try? await http.shutdown()
        await registry.stop()
        await kube.stop()
    }

    /// The URIs `/list` serves; `nil` while location is down or not loaded.
    func listedURIs() async -> [String]? {
        do {
            let response = try await http.execute(HTTPClientRequest(url: locationURL + "/list"), timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 16 << 20)
            guard response.status.code == 200 else { return nil }
            return try CatalogModel.JSONValue.parse(Data(body.readableBytesView))["uris"]?.arrayValue?.compactMap(
                \.stringValue)
        } catch {
            return nil
        }
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

    /// Registers a live model with one version and an artifact; returns the model id.
    @discardableResult
    func register(_ name: String) throws -> String {
        let model = try registry.store.createRegisteredModel(
            RegistryAPI.RegisteredModel(name: name, owner: "drill", state: ModelState(rawValue: "LIVE")))
        let version = try registry.store.createModelVersion(
            RegistryAPI.ModelVersion(name: "v1", registeredModelId: model.id, state: ModelState(rawValue: "LIVE")))
        _ = try registry.store.upsertVersionArtifact(
            versionId: version.id!, RegistryAPI.ModelArtifact(name: "\(name)-v1", uri: "s3://drill/\(name)"))
        return model.id!
    }

    /// The model name a served URI belongs to (`/<model>/<version>.<hash>/model-catalog.json`).
    static func modelName(ofURI uri: String) -> String {
        String(uri.split(separator: "/").first ?? "")
    }

    static func binary() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["MODELBRIDGE_BINARY"] { return explicit }
        for candidate in [".build/debug/modelbridge", ".build/x86_64-unknown-linux-gnu/debug/modelbridge"] {
            let path = SharedFixtures.repositoryRoot.appendingPathComponent(candidate).path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw DeadlinePassed(description: "the modelbridge binary is not built; run swift build first")
    }

    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(descriptor, pointer, length) == 0 else { return -1 }
                return getsockname(descriptor, pointer, &length)
            }
        }
        guard result == 0 else { throw DeadlinePassed(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
