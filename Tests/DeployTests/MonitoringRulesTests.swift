import Foundation
import ModelbridgeTesting
import Testing
import Yams

/// `deploy/monitoring/`: the PrometheusRule checked and unit-tested with promtool, every alert with a runbook
/// section in docs/operations.md, and the PodMonitor on the ports the sidecar patches name.
@Suite struct MonitoringRulesTests {
    /// promtool: `.tools/bin/promtool` (what `scripts/setup test` unpacks), else PATH.
    static var promtool: String? {
        let local = DeployPaths.root.appendingPathComponent(".tools/bin/promtool").path
        return FileManager.default.isExecutableFile(atPath: local) ? local : DeployPaths.executable("promtool")
    }

    static func rules() throws -> [[String: Any]] {
        let rule = try Manifest.single("monitoring/prometheusrule.yaml")
        #expect(
            rule["apiVersion"] as? String == "monitoring.coreos.com/v1" && rule["kind"] as? String == "PrometheusRule")
        let groups = try #require(Manifest.dig(rule, ["spec", "groups"]) as? [[String: Any]])
        return groups.flatMap { $0["rules"] as? [[String: Any]] ?? [] }
    }

    @Test(.enabled(if: MonitoringRulesTests.promtool != nil || DeployPaths.isCI))
    func promtoolChecksTheRulesAndEveryAlertHasAPassingUnitTest() async throws {
        let promtool = try #require(Self.promtool, "promtool is missing and CI is set: run scripts/setup test")
        // promtool reads plain rule groups: the PrometheusRule's spec, written beside a copy of the tests.
        let rule = try Manifest.single("monitoring/prometheusrule.yaml")
        let spec = try #require(rule["spec"] as? [String: Any])
        let folder = try TemporaryDirectory(prefix: "deploy-tests-")
        try folder.write("rules.yaml", try Yams.dump(object: spec))
        let tests = try folder.write("tests.yaml", try DeployPaths.read("monitoring/prometheusrule-tests.yaml"))

        let check = try await runCommand(promtool, ["check", "rules", "\(folder.path)/rules.yaml"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let unit = try await runCommand(promtool, ["test", "rules", tests])
        #expect(unit.status == 0, "\(unit.stdout)\(unit.stderr)")

        // Every alert is tested firing, not only staying quiet.
        let testFile = try #require(
            try Yams.load(yaml: DeployPaths.read("monitoring/prometheusrule-tests.yaml")) as? [String: Any])
        var firing = Set<String>()
        for test in testFile["tests"] as? [[String: Any]] ?? [] {
            for case let alertTest as [String: Any] in test["alert_rule_test"] as? [Any] ?? [] {
                if let name = alertTest["alertname"] as? String, !(alertTest["exp_alerts"] as? [Any] ?? []).isEmpty {
                    firing.insert(name)
                }
            }
        }
        let alerts = Set(try Self.rules().compactMap { $0["alert"] as? String })
        #expect(alerts.count >= 5)
        #expect(firing == alerts, "alerts without a test that makes them fire: \(alerts.subtracting(firing))")
    }

    @Test func everyAlertHasASeverityASummaryAndARunbookSectionInOperations() throws {
        let operations = try DeployPaths.read("operations.md", in: DeployPaths.docs)
        let headings = Set(
            operations.split(separator: "\n").filter { $0.hasPrefix("#") }.map {
                $0.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces).lowercased()
            })
        for rule in try Self.rules() {
            let alert = try #require(rule["alert"] as? String)
            let labels = rule["labels"] as? [String: Any] ?? [:]
            #expect(["warning", "critical"].contains(labels["severity"] as? String ?? ""), "\(alert) severity")
            let annotations = rule["annotations"] as? [String: Any] ?? [:]
            #expect(!(annotations["summary"] as? String ?? "").isEmpty, "\(alert) summary")
            let runbook = try #require(annotations["runbook_url"] as? String, "\(alert) runbook_url")
            #expect(runbook.hasSuffix("docs/operations.md#" + alert.lowercased()), "\(alert): \(runbook)")
            #expect(headings.contains(alert.lowercased()), "docs/operations.md has no section \(alert)")
        }
    }

    @Test func thePodMonitorScrapesThePortsTheSidecarPatchesName() throws {
        let monitor = try Manifest.single("monitoring/podmonitor.yaml")
        #expect(monitor["kind"] as? String == "PodMonitor")
        let endpoints = try #require(Manifest.dig(monitor, ["spec", "podMetricsEndpoints"]) as? [[String: Any]])
        #expect(Set(endpoints.compactMap { $0["path"] as? String }) == ["/metrics"])
        let ports = Set(endpoints.compactMap { $0["port"] as? String })
        for file in ManifestTests.sidecarFiles {
            let named = Set(
                try Manifest.containers(file).flatMap { container in
                    (container["ports"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                })
            #expect(named == ports, "\(file) names \(named), the PodMonitor scrapes \(ports)")
        }
    }
}
