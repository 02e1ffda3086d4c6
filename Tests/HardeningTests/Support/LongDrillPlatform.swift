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

/// The fakes in this process and the three roles as separate `modelbridge` processes
/// (``RoleProcesses``), wired as in the RHDH pod (ConfigMap storage against the fake API).
final class LongDrillPlatform: Sendable {
    typealias Role = RoleProcesses.Role

    let kube: FakeKubeServer
    let registry: FakeRegistryServer
    let roles: RoleProcesses

    init() async throws {
        var quiet = Logger(label: "drill.long")
        quiet.logLevel = .critical
        kube = FakeKubeServer(configuration: .init(namespaces: ["default", "rhdh"]), logger: quiet)
        try await kube.start()
        registry = FakeRegistryServer()
        let registryPort = try await registry.start()
        try DrillHarness.seedRoute(kube, name: "modelregistry-public", port: registryPort)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("modelbridge-drill-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try """
        apiVersion: v1
        kind: Config
        clusters: [{name: fake, cluster: {server: "\(kube.url)"}}]
        contexts: [{name: fake, context: {cluster: fake, user: fake, namespace: rhdh}}]
        current-context: fake
        users: [{name: fake, user: {token: drill-token}}]
        """.write(to: directory.appendingPathComponent("kubeconfig"), atomically: true, encoding: .utf8)
        roles = try RoleProcesses(
            directory: directory,
            environment: [
                "KUBECONFIG": directory.appendingPathComponent("kubeconfig").path, "POD_NAMESPACE": "rhdh",
            ],
            probeInterval: "1s",
            logLevel: ProcessInfo.processInfo.environment["MODELBRIDGE_DRILL_LOG_LEVEL"] ?? "warning")
    }

    var directory: URL { roles.directory }
    var ports: [Role: Int] { roles.ports }
    var locationURL: String { roles.locationURL }
    var storageURL: String { roles.storageURL }
    var adminURL: String { roles.adminURL }

    func start(_ role: Role) throws { try roles.start(role) }
    func kill(_ role: Role) { roles.kill(role) }
    func pid(_ role: Role) -> Int32? { roles.pid(role) }
    func residentKiB(_ role: Role) -> Int? { roles.residentKiB(role) }
    func listedURIs() async -> [String]? { await roles.listedURIs() }
    func get(_ path: String) async -> Int? { await roles.get(path) }
    func post(_ url: String) async -> Int? { await roles.post(url) }

    /// Stops the roles (returning how each ended, as ``RoleProcesses/shutdown()`` does) and the fakes.
    @discardableResult
    func shutdown() async -> [Role: String] {
        let endings = await roles.shutdown()
        await registry.stop()
        await kube.stop()
        return endings
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
}
