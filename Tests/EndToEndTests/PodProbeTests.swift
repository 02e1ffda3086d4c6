import AsyncHTTPClient
import Foundation
import ModelbridgeTesting
import Testing
import Yams

/// The probes the pod patches declare never take Developer Hub out of its Service: every path and port a
/// `startupProbe`, `livenessProbe` or `readinessProbe` asks answers 200 while the bridge's storage is unreachable.
@Suite(.serialized)
struct PodProbeTests {
    /// One probe of one container, as a patch file declares it.
    struct DeclaredProbe: CustomStringConvertible {
        var file: String
        var container: String
        var role: String
        var kind: String
        var path: String
        var port: Int

        var description: String { "\(file) \(container) \(kind) \(path) on :\(port)" }
    }

    static let patchFiles = [
        "operator/backstage-sidecars-patch.yaml", "operator/backstage-all-patch.yaml",
        "helm/deployment-sidecars-patch.yaml", "helm/deployment-all-patch.yaml", "helm/values-sidecars.yaml",
    ]

    static var deploy: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("deploy")
    }

    /// Every container that runs modelbridge, wherever the file nests it.
    static func containers(in node: Any) -> [[String: Any]] {
        if let map = node as? [String: Any] {
            if (map["image"] as? String)?.contains("modelbridge") == true { return [map] }
            return map.values.flatMap { containers(in: $0) }
        }
        if let list = node as? [Any] { return list.flatMap { containers(in: $0) } }
        return []
    }

    static func declaredProbes() throws -> [DeclaredProbe] {
        var probes: [DeclaredProbe] = []
        for file in patchFiles {
            let text = try String(contentsOf: deploy.appendingPathComponent(file), encoding: .utf8)
            for container in containers(in: try Yams.load(yaml: text) as Any) {
                let name = container["name"] as? String ?? "?"
                let role = (container["args"] as? [String])?.first ?? "?"
                for kind in ["startupProbe", "livenessProbe", "readinessProbe"] {
                    guard let probe = container[kind] as? [String: Any] else { continue }
                    let get = try #require(probe["httpGet"] as? [String: Any], "\(file) \(name) \(kind): httpGet only")
                    probes.append(
                        DeclaredProbe(
                            file: file, container: name, role: role, kind: kind,
                            path: get["path"] as? String ?? "/", port: get["port"] as? Int ?? 0))
                }
            }
        }
        return probes
    }

    @Test func everyPodProbeAnswers200WhileStorageIsUnreachable() async throws {
        let probes = try Self.declaredProbes()
        #expect(Set(probes.map(\.role)) == ["location", "storage-rest", "rhoai-normalizer", "all"])
        #expect(probes.count >= 16, "every container declares its probes: \(probes)")

        // Nothing listens on `dead`: storage-rest for location and the normalizer, and the Kubernetes API that holds
        // the ConfigMap cache for storage-rest and `all`.
        let dead = try freePort()
        let kubeconfig = try Kubeconfig.writeTemporary(server: "http://127.0.0.1:\(dead)")
        let http = HTTPClient.shared

        for role in ["location", "storage-rest", "rhoai-normalizer", "all"] {
            // The pod's ports (9090, 7070, 8081) become free loopback ports here.
            let ports = [9090: try freePort(), 7070: try freePort(), 8081: try freePort()]
            func address(_ podPort: Int) -> String { "127.0.0.1:\(ports[podPort]!)" }
            let arguments: [String] =
                switch role {
                case "location": ["location", "--address", address(9090)]
                case "storage-rest": ["storage-rest", "--address", address(7070)]
                case "rhoai-normalizer": ["rhoai-normalizer", "--metrics-address", address(8081)]
                default:
                    [
                        "all", "--location-address", address(9090), "--storage-address", address(7070),
                        "--metrics-address", address(8081),
                    ]
                }
            let process = try RoleProcess(
                name: role, arguments: arguments,
                environment: [
                    "KUBECONFIG": kubeconfig, "POD_NAMESPACE": "rhdh", "STORAGE_TYPE": "ConfigMap",
                    "STORAGE_URL": "http://127.0.0.1:\(dead)", "BRIDGE_URL": "http://\(address(9090))",
                    "NORMALIZER_FORMAT": "JsonArrayFormat",
                ])
            defer { process.stop() }

            for probe in probes where probe.role == role {
                let url =
                    "http://127.0.0.1:\(try #require(ports[probe.port], "\(probe): not a role port"))\(probe.path)"
                do {
                    try await eventually("\(probe) answers 200") {
                        let response = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(2))
                        return response.status.code == 200
                    }
                } catch {
                    Issue.record("\(error)\n\(process.log)")
                }
            }
            // The process is still there: the pod would otherwise lose the container, and with it readiness.
            #expect(process.process.isRunning, "\(role) exited with storage unreachable:\n\(process.log)")
            if role == "location" || role == "all" {
                // What readiness would have protected stays protected on the wire: no empty list while not loaded.
                let list = try await http.execute(
                    HTTPClientRequest(url: "http://\(address(9090))/list"), timeout: .seconds(2))
                #expect(list.status.code == 503, "\(role): /list before loading")
            }
        }
    }
}
