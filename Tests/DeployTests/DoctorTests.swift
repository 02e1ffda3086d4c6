import Doctor
import Foundation
import KubeAPI
import RegistryAPI
import Sandbox
import Synchronization
import Testing

@Suite struct DoctorTests {
    @Test func doctorPassesWhenEverythingIsGrantedAndReachable() async throws {
        try await DoctorHarness.with { harness in
            let report = await harness.runDoctor()
            #expect(!report.hasFailures, "\(report.table())")
            #expect(report.findings.allSatisfy { $0.result == .ok }, "\(report.table())")
            let checks = Set(report.findings.map(\.check))
            for expected in [
                "kubernetes API", "rbac list routes.route.openshift.io (all namespaces)",
                "rbac patch configmaps in ai-rhdh", "crd inferenceservices.serving.kserve.io", "registry discovery",
                "registry \(DoctorHarness.registryKey)", "catalog rhoai-model-registries:model-catalog-https",
                "cache bac-import-model", "sidecar location", "sidecar storage-rest", "sidecar rhoai-normalizer",
                // The harness's admin token is not the connector's: the console-access checks run, and pass.
                "console rbac get pods in ai-rhdh", "console rbac list pods in ai-rhdh",
                "console rbac get pods/proxy in ai-rhdh", "console rbac create pods/proxy in ai-rhdh",
            ] {
                #expect(checks.contains(expected), "missing check \(expected) in\n\(report.table())")
            }
            let cache = try #require(report.findings(named: "cache bac-import-model").first)
            #expect(cache.detail.contains("1 document, 19 KiB = 1.9% of 1 MiB"), "\(cache.detail)")
        }
    }

    @Test func doctorNamesTheOneDeniedRuleAndPrintsItsFix() async throws {
        try await DoctorHarness.with { harness in
            harness.kube.deny(FakeKubeAccessRule(verb: "patch", resource: "configmaps", namespace: "ai-rhdh"))
            let report = await harness.runDoctor()
            #expect(report.hasFailures)
            let failures = report.findings.filter { $0.result == .fail }
            #expect(failures.map(\.check) == ["rbac patch configmaps in ai-rhdh"], "\(report.table())")
            let fix = try #require(failures.first?.fix)
            #expect(fix.contains("the Role rhdh-rhoai-connector in ai-rhdh (deploy/rbac/role.yaml)"))
            #expect(fix.contains(#"- apiGroups: [""]"#))
            #expect(fix.contains(#"resources: ["configmaps"]"#))
            #expect(fix.contains(#"verbs: ["patch"]"#))
            #expect(fix.contains("kubectl apply -k deploy/"))
            let table = report.table()
            #expect(table.contains("[FAIL] rbac patch configmaps in ai-rhdh"))
            #expect(table.contains(#"      verbs: ["patch"]"#), "\(table)")
        }
    }

    @Test func doctorNamesAStoppedRegistryAndHowToReachIt() async throws {
        try await DoctorHarness.with { harness in
            await harness.registry.stop()
            let report = await harness.runDoctor()
            #expect(report.hasFailures)
            let failures = report.findings.filter { $0.result == .fail }
            #expect(failures.map(\.check) == ["registry \(DoctorHarness.registryKey)"], "\(report.table())")
            let fix = try #require(failures.first?.fix)
            #expect(fix.contains("Nothing answers at http://127.0.0.1:"))
            #expect(fix.contains("kubectl -n rhoai-model-registries get route modelregistry-public-https"))
            #expect(report.table().contains("[FAIL] registry \(DoctorHarness.registryKey)"))
        }
    }

    @Test func doctorReportsARegistryThatRefusesTheTokenWithTheRoleBindingToCreate() async throws {
        try await DoctorHarness.with { harness in
            harness.registry.faults.failNextRequests(10, status: 403)
            let report = await harness.runDoctor()
            let failure = try #require(report.findings(named: "registry \(DoctorHarness.registryKey)").first)
            #expect(failure.result == .fail)
            #expect(failure.fix?.contains("name: registry-user-modelregistry-public") == true, "\(failure.fix ?? "")")
            #expect(failure.fix?.contains("namespace: rhoai-model-registries") == true)
        }
    }

    @Test func doctorJSONCarriesEveryCheckAndTheOverallVerdict() async throws {
        try await DoctorHarness.with { harness in
            harness.kube.deny(FakeKubeAccessRule(verb: "watch", resource: "llminferenceservices"))
            let report = await harness.runDoctor()
            #expect(!report.hasFailures, "an optional permission only warns")
            let json = try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any]
            #expect(json?["ok"] as? Bool == true)
            let checks = try #require(json?["checks"] as? [[String: Any]])
            #expect(checks.count == report.findings.count)
            let warned = checks.first {
                $0["check"] as? String == "rbac watch llminferenceservices.serving.kserve.io (all namespaces)"
            }
            #expect(warned?["result"] as? String == "WARN")
            #expect((warned?["fix"] as? String)?.contains("deploy/rbac/cluster-role.yaml") == true)
            #expect((json?["summary"] as? [String: Int])?["WARN"] == 1)
        }
    }

    @Test func doctorFailsWhenTheKubernetesAPICannotBeReached() async throws {
        let client = try KubeClient(
            config: KubeConfig(server: "http://127.0.0.1:1", namespace: "ai-rhdh"),
            options: KubeClientOptions(connectTimeout: .seconds(1)), logger: DoctorHarness.quiet())
        let settings = DoctorSettings(
            environment: ["POD_NAMESPACE": "ai-rhdh"], namespace: "ai-rhdh", kube: client.config)
        let report = await Doctor(settings: settings, kube: client, probeTimeout: .seconds(2)).run()
        try await client.shutdown()
        let connection = try #require(report.findings(named: "kubernetes API").first)
        #expect(connection.result == .fail)
        #expect(connection.fix?.contains("--kubeconfig") == true)
        #expect(report.findings.filter { $0.check.hasPrefix("sidecar ") }.allSatisfy { $0.result == .skip })
    }
}

/// The checks as plain functions, without servers.
@Suite struct DoctorCheckTests {
    static let config = KubeConfig(server: "https://api.example.com:6443", namespace: "ai-rhdh")

    @Test func everyPermissionTheDoctorRequiresIsGrantedByTheManifests() throws {
        let settings = DoctorSettings(
            environment: ["LEADER_ELECT": "true", "PUSH_TO_RHDH": "true"], namespace: "ai-rhdh", kube: Self.config)
        let granted = try ManifestRBAC.load()
        for requirement in PermissionRequirement.required(for: settings) {
            let rules = requirement.grant == .clusterRole ? granted.clusterRole : granted.role
            #expect(
                rules.contains {
                    $0.grants(group: requirement.group, resource: requirement.resource, verb: requirement.verb)
                },
                "\(requirement.checkName) is not granted by deploy/rbac")
        }
    }

    @Test func leasesAreCheckedOnlyWithLeaderElection() {
        let without = PermissionRequirement.required(
            for: DoctorSettings(environment: [:], namespace: "ai-rhdh", kube: Self.config))
        let with = PermissionRequirement.required(
            for: DoctorSettings(environment: ["LEADER_ELECT": "true\n"], namespace: "ai-rhdh", kube: Self.config))
        #expect(!without.contains { $0.resource == "leases" })
        #expect(with.filter { $0.resource == "leases" }.map(\.verb) == ["get", "create", "update"])
    }

    @Test func aShardAboveNinetyPercentWarnsAndASmallOneIsFine() {
        let settings = DoctorSettings(environment: [:], namespace: "ai-rhdh", kube: Self.config)
        let full = ConfigMap(
            metadata: ObjectMeta(name: "bac-import-model"), binaryData: ["a": Data(count: 990_000)])
        let small = ConfigMap(metadata: ObjectMeta(name: "bac-import-model-1"), binaryData: ["b": Data(count: 1024)])
        let findings = CacheCheck.evaluate(maps: [full, small], settings: settings)
        #expect(findings.map(\.result) == [.warn, .ok])
        #expect(findings[0].detail.contains("94.4% of 1 MiB"))
        #expect(findings[1].detail == "1 document, 1 KiB = 0.1% of 1 MiB")
    }

    @Test func memoryStorageIsAWarning() {
        let settings = DoctorSettings(environment: ["STORAGE_TYPE": "Memory"], namespace: "ai-rhdh", kube: Self.config)
        #expect(CacheCheck.evaluate(maps: nil, settings: settings).map(\.result) == [.warn])
    }

    @Test func anMRRouteThatMatchesNothingFailsWithTheCommandToListRoutes() {
        let settings = DoctorSettings(environment: ["MR_ROUTE": "ns:missing"], namespace: "ai-rhdh", kube: Self.config)
        let finding = RegistryCheck.discovery(
            RegistryDiscovery.discover(mrRoute: "ns:missing", routes: []), settings: settings)
        #expect(finding.result == .fail)
        #expect(
            finding.fix?.contains("kubectl get routes -A -l app.kubernetes.io/managed-by=model-registry-operator")
                == true)
    }

    @Test func insecureRegistryTLSWarnsAndAnUnreadableCAFileFails() {
        let insecure = DoctorSettings(
            environment: ["REGISTRY_INSECURE_SKIP_TLS_VERIFY": "true"], namespace: "ai-rhdh", kube: Self.config)
        #expect(RegistryTLSCheck.run(settings: insecure).0.result == .warn)
        let missing = DoctorSettings(
            environment: ["REGISTRY_CA_FILE": "/nonexistent/ca.crt"], namespace: "ai-rhdh", kube: Self.config)
        let (finding, tls) = RegistryTLSCheck.run(settings: missing)
        #expect(finding.result == .fail)
        #expect(tls == nil)
    }

    @Test func pushModeWithoutATokenFailsAndNamesRHDHTOKEN() async {
        struct NeverCalled: HTTPProbe {
            func get(_ url: String, bearer: String?) async -> HTTPProbeOutcome { .noAnswer("not expected") }
        }
        let settings = DoctorSettings(
            environment: ["PUSH_TO_RHDH": "true", "BKSTG_URL": "https://rhdh.example.com"], namespace: "ai-rhdh",
            kube: Self.config)
        let finding = await BackstageCheck.run(settings: settings, routes: { _ in [] }, probe: NeverCalled())
        #expect(finding.result == .fail)
        #expect(finding.fix?.contains("RHDH_TOKEN") == true)
    }

    @Test func sidecarsAreSkippedOutsideThePodAndAskedInside() async {
        struct Ready: HTTPProbe {
            func get(_ url: String, bearer: String?) async -> HTTPProbeOutcome { .answered(status: 200, excerpt: "ok") }
        }
        let outside = DoctorSettings(environment: [:], namespace: "ai-rhdh", kube: Self.config)
        #expect(await SidecarCheck.run(settings: outside, probe: Ready()).allSatisfy { $0.result == .skip })
        let inside = DoctorSettings(environment: ["POD_IP": "10.0.0.5"], namespace: "ai-rhdh", kube: Self.config)
        let findings = await SidecarCheck.run(settings: inside, probe: Ready())
        #expect(
            findings.map(\.detail) == [
                "http://127.0.0.1:9090/readyz ready", "http://127.0.0.1:7070/readyz ready",
                "http://127.0.0.1:8081/readyz ready",
            ])
    }

    @Test func theTableListsEveryCheckThenTheFixesOfWarningsAndFailures() {
        let report = DoctorReport(findings: [
            DoctorFinding(check: "kubernetes API", result: .ok, detail: "fine"),
            DoctorFinding(check: "registry a:b", result: .fail, detail: "down", fix: "start it\nthen retry"),
        ])
        #expect(
            report.table() == """
                CHECK           RESULT  DETAIL
                kubernetes API  OK      fine
                registry a:b    FAIL    down

                1 FAIL, 0 WARN, 1 OK, 0 SKIP

                How to fix:

                [FAIL] registry a:b
                    start it
                    then retry

                """)
    }
}

/// The console-access checks as plain functions: a scripted reviewer instead of the API server.
@Suite struct ConsoleAccessCheckTests {
    static let config = KubeConfig(server: "https://api.example.com:6443", namespace: "ai-rhdh")

    /// Allows what `granted` lists (`pods`, `pods/proxy` by verb) and records every question.
    final class ScriptedReviewer: AccessReviewer {
        let granted: Set<String>
        let asked = Mutex<[PermissionRequirement]>([])

        init(granted: Set<String>) {
            self.granted = granted
        }

        func isAllowed(_ requirement: PermissionRequirement) async throws -> Bool {
            asked.withLock { $0.append(requirement) }
            return granted.contains("\(requirement.verb) \(requirement.ruleResource)")
        }
    }

    /// A token shaped like a ServiceAccount's JWT (the doctor reads its `sub`, never its signature).
    static func serviceAccountToken(namespace: String, name: String) -> String {
        func part(_ json: String) -> String {
            Data(json.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        return [
            part(#"{"alg":"RS256","kid":"k"}"#),
            part(#"{"iss":"kubernetes/serviceaccount","sub":"system:serviceaccount:\#(namespace):\#(name)"}"#),
            "c2lnbmF0dXJl",
        ].joined(separator: ".")
    }

    static func settings(environment: [String: String] = [:], token: String? = nil) -> DoctorSettings {
        var config = Self.config
        if let token { config.credentials = .token(token) }
        return DoctorSettings(environment: environment, namespace: "ai-rhdh", kube: config)
    }

    @Test func everyConsolePermissionGrantedIsFourOKRows() async {
        let reviewer = ScriptedReviewer(granted: ["get pods", "list pods", "get pods/proxy", "create pods/proxy"])
        let findings = await ConsoleAccessCheck.run(settings: Self.settings(), reviewer: reviewer)
        #expect(
            findings.map(\.check) == [
                "console rbac get pods in ai-rhdh", "console rbac list pods in ai-rhdh",
                "console rbac get pods/proxy in ai-rhdh", "console rbac create pods/proxy in ai-rhdh",
            ])
        #expect(findings.allSatisfy { $0.result == .ok && $0.fix == nil }, "\(findings)")
    }

    @Test func theProxyIsAskedAsASubresourceOfPodsInTheNamespace() async {
        let reviewer = ScriptedReviewer(granted: [])
        _ = await ConsoleAccessCheck.run(settings: Self.settings(), reviewer: reviewer)
        let proxy = reviewer.asked.withLock { $0 }.filter { $0.subresource != nil }
        #expect(proxy.map(\.resource) == ["pods", "pods"])
        #expect(proxy.map(\.subresource) == ["proxy", "proxy"])
        #expect(proxy.map(\.verb) == ["get", "create"])
        #expect(proxy.allSatisfy { $0.namespace == "ai-rhdh" && $0.group.isEmpty })
    }

    @Test func podsWithoutTheProxyWarnsAndNamesTheConsoleRoleToBind() async throws {
        let reviewer = ScriptedReviewer(granted: ["get pods", "list pods"])
        let findings = await ConsoleAccessCheck.run(settings: Self.settings(), reviewer: reviewer)
        #expect(findings.map(\.result) == [.ok, .ok, .warn, .warn], "\(findings)")
        let proxy = try #require(findings.first { $0.check == "console rbac get pods/proxy in ai-rhdh" })
        #expect(
            proxy.detail == "denied; needed by console --pod (reading the sidecars through the API server)")
        let fix = try #require(proxy.fix)
        #expect(fix.contains(#"needs "get" on pods/proxy in ai-rhdh"#), "\(fix)")
        #expect(fix.contains("The Role modelbridge-console-operator (deploy/rbac/console-operator-role.yaml"), "\(fix)")
        #expect(
            fix.contains(
                "kubectl -n ai-rhdh create rolebinding modelbridge-console-operator "
                    + "--role=modelbridge-console-operator --user=<operator>"), "\(fix)")
        #expect(fix.contains("kubectl -n ai-rhdh auth can-i get pods --subresource=proxy"), "\(fix)")
        // Denied console access only warns: the bridge itself works without it.
        #expect(!DoctorReport(findings: findings).hasFailures)
    }

    @Test func inThePodTheChecksAreOneSkipRowAndNothingIsAsked() async throws {
        let reviewer = ScriptedReviewer(granted: [])
        let findings = await ConsoleAccessCheck.run(
            settings: Self.settings(environment: ["POD_IP": "10.0.0.5"]), reviewer: reviewer)
        let only = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(only.check == "console rbac in ai-rhdh")
        #expect(only.result == .skip)
        #expect(only.detail.contains("POD_IP is set"), "\(only.detail)")
        #expect(only.detail.contains("an operator's kubeconfig"), "\(only.detail)")
        #expect(reviewer.asked.withLock { $0.isEmpty })
    }

    @Test func theConnectorsTokenSkipsTheChecksAndAnotherServiceAccountIsAskedAndNamedInTheFix() async throws {
        let connector = Self.settings(
            token: Self.serviceAccountToken(namespace: "ai-rhdh", name: "rhdh-rhoai-connector"))
        #expect(
            connector.tokenServiceAccount == ServiceAccountIdentity(namespace: "ai-rhdh", name: "rhdh-rhoai-connector"))
        let skipped = await ConsoleAccessCheck.run(settings: connector, reviewer: ScriptedReviewer(granted: []))
        #expect(skipped.map(\.result) == [.skip])
        #expect(skipped.first?.detail.contains("the connector's ServiceAccount ai-rhdh/rhdh-rhoai-connector") == true)

        let jane = Self.settings(token: Self.serviceAccountToken(namespace: "ai-rhdh", name: "jane"))
        let findings = await ConsoleAccessCheck.run(settings: jane, reviewer: ScriptedReviewer(granted: []))
        #expect(findings.map(\.result) == [.warn, .warn, .warn, .warn])
        #expect(
            findings.first?.fix?.contains("--role=modelbridge-console-operator --serviceaccount=ai-rhdh:jane") == true)
    }

    @Test func tokensThatAreNotAServiceAccountsJWTNameNoServiceAccount() {
        #expect(ServiceAccountIdentity(token: "sha256~abcdefghijklmnop") == nil)
        #expect(ServiceAccountIdentity(token: "connector-token") == nil)
        #expect(ServiceAccountIdentity(token: "a.!!!.c") == nil)
        let person = ["e30", Data(#"{"sub":"jane@example.com"}"#.utf8).base64EncodedString(), "c2ln"]
        #expect(ServiceAccountIdentity(token: person.joined(separator: ".")) == nil)
    }

    @Test func theConsoleOperatorRoleGrantsEveryPermissionTheDoctorChecks() throws {
        let role = try Manifest.single("rbac/console-operator-role.yaml")
        #expect(role["kind"] as? String == "Role")
        #expect(
            Manifest.dig(role, ["metadata", "name"]) as? String
                == PermissionRequirement.Grant.consoleOperatorRoleName)
        let rules = (role["rules"] as? [YAMLMap] ?? []).map {
            ManifestRBAC.Rule(
                groups: $0["apiGroups"] as? [String] ?? [], resources: $0["resources"] as? [String] ?? [],
                verbs: $0["verbs"] as? [String] ?? [])
        }
        for requirement in ConsoleAccessCheck.requirements(for: Self.settings()) {
            #expect(
                rules.contains {
                    $0.grants(group: requirement.group, resource: requirement.ruleResource, verb: requirement.verb)
                },
                "\(requirement.checkName) is not granted by \(PermissionRequirement.Grant.consoleOperatorRoleFile)")
        }
    }
}
