import AsyncHTTPClient
import Foundation
import Logging
import ModelbridgeTesting
import NIOCore
import Sandbox
import Testing
import Yams

/// `/metrics` on every role, scraped from the built binary against the sandbox: `modelbridge all`
/// (one registry, on its admin port) and the location and storage-rest sidecars (each its own).
@Suite(.serialized) struct MetricsScrapeTests {
    /// The metric names the alert rules and the dashboard in deploy/monitoring query.
    static func monitoredNames() throws -> Set<String> {
        let monitoring = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("deploy/monitoring")
        var expressions: [String] = []
        let rule = try Yams.load(
            yaml: String(contentsOf: monitoring.appendingPathComponent("prometheusrule.yaml"), encoding: .utf8))
        for group in ((rule as? [String: Any])?["spec"] as? [String: Any])?["groups"] as? [[String: Any]] ?? [] {
            for rule in group["rules"] as? [[String: Any]] ?? [] { expressions.append(rule["expr"] as? String ?? "") }
        }
        let dashboard = try JSONSerialization.jsonObject(
            with: Data(contentsOf: monitoring.appendingPathComponent("grafana-dashboard.json")))
        for panel in (dashboard as? [String: Any])?["panels"] as? [[String: Any]] ?? [] {
            for target in panel["targets"] as? [[String: Any]] ?? [] {
                expressions.append(target["expr"] as? String ?? "")
            }
        }
        let prefixes = [
            "modelbridge_", "http_", "process_", "controller_runtime_", "workqueue_", "leader_election_",
            "rest_client_",
        ]
        var names = Set<String>()
        for expression in expressions {
            for word in expression.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") })
            where prefixes.contains(where: { word.hasPrefix($0) }) {
                names.insert(String(word))
            }
        }
        return names
    }

    static func get(_ url: String) async throws -> (status: Int, body: String) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    @Test func everyRoleExportsTheHTTPProcessAndControllerFamilies() async throws {
        var quiet = Logger(label: "metrics")
        quiet.logLevel = .critical
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID())").path
        let location = "127.0.0.1:\(try freePort())"
        let storage = "127.0.0.1:\(try freePort())"
        let admin = "127.0.0.1:\(try freePort())"
        var configuration = SandboxConfiguration(scenario: .demo)
        configuration.stateDirectory = directory
        configuration.locationURL = "http://\(location)"
        configuration.backstagePolls = false
        configuration.readyDelay = .milliseconds(200)
        let platform = try SandboxPlatform(configuration: configuration, logger: quiet)
        try await platform.start()
        let kube = ["KUBECONFIG": directory + "/kubeconfig", "POD_NAMESPACE": "rhdh", "STORAGE_TYPE": "ConfigMap"]
        let all = try RoleProcess(
            name: "all",
            arguments: [
                "all", "--location-address", location, "--storage-address", storage, "--metrics-address", admin,
                "--log-level", "warning",
            ],
            environment: kube.merging(["PROBE_INTERVAL": "1s", "POLLING_INTERVAL": "1m", "LEADER_ELECT": "true"]) { $1 }
        )
        defer { all.stop() }
        // The sidecars, each a process of its own: location reads from all's storage port, storage-rest
        // keeps its own ConfigMap store and pushes to a location that is not there (its upserts are not used).
        let sidecarLocation = "127.0.0.1:\(try freePort())"
        let sidecarStorage = "127.0.0.1:\(try freePort())"
        let locationSidecar = try RoleProcess(
            name: "location", arguments: ["location", "--address", sidecarLocation, "--log-level", "warning"],
            environment: ["STORAGE_URL": "http://\(storage)", "NORMALIZER_FORMAT": "JsonArrayFormat"])
        defer { locationSidecar.stop() }
        let storageSidecar = try RoleProcess(
            name: "storage-rest", arguments: ["storage-rest", "--address", sidecarStorage, "--log-level", "warning"],
            environment: kube.merging(["BRIDGE_URL": "http://\(sidecarLocation)"]) { $1 })
        defer { storageSidecar.stop() }

        do {
            // Traffic on every role, as Developer Hub and the tools would send it.
            try await eventually("all's location serves documents", timeout: .seconds(90)) {
                let list = try await Self.get("http://\(location)/list")
                return list.status == 200 && list.body.contains("\"/")
            }
            try await eventually("the location sidecar has loaded from storage", timeout: .seconds(60)) {
                try await Self.get("http://\(sidecarLocation)/list").status == 200
            }
            let uri = try #require(
                try await Self.get("http://\(location)/list").body.split(separator: "\"").first { $0.hasPrefix("/") })
            #expect(try await Self.get("http://\(location)\(uri)").status == 200)
            #expect(try await Self.get("http://\(location)/nope").status == 404)
            #expect(try await Self.get("http://\(storage)/list").status == 200)
            #expect(try await Self.get("http://\(sidecarStorage)/readyz").status == 200)
            #expect(try await Self.get("http://\(sidecarStorage)/readyz").body.hasPrefix("ready: the store lists "))

            // modelbridge all: one registry, on the admin port only.
            #expect(try await Self.get("http://\(location)/metrics").status == 404)
            #expect(try await Self.get("http://\(storage)/metrics").status == 404)
            let scrape = try await Self.get("http://\(admin)/metrics")
            #expect(scrape.status == 200)
            let samples = PrometheusText.samples(scrape.body)
            func has(_ name: String, _ labels: [String: String] = [:]) -> Bool {
                samples.contains { sample in
                    sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
                }
            }
            for role in ["location", "storage-rest", "rhoai-normalizer"] {
                #expect(has("http_requests_in_flight", ["role": role]), "in-flight gauge of \(role)")
            }
            #expect(
                has("http_requests_total", ["role": "location", "handler": "/list", "method": "GET", "code": "200"]))
            #expect(
                has(
                    "http_requests_total",
                    ["role": "location", "handler": "/{segment1}/{segment2}/{file}", "method": "GET", "code": "200"]))
            #expect(has("http_requests_total", ["role": "location", "handler": "unmatched", "code": "404"]))
            #expect(has("http_requests_total", ["role": "storage-rest", "handler": "/list", "code": "200"]))
            #expect(
                has("http_request_duration_seconds_bucket", ["role": "location", "handler": "/list", "le": "+Inf"]))
            #expect(
                has("http_request_duration_seconds_count", ["role": "location", "handler": "/list", "method": "GET"]))
            for family in [
                "process_cpu_seconds_total", "process_resident_memory_bytes", "process_virtual_memory_bytes",
                "process_open_fds", "process_max_fds", "process_start_time_seconds",
            ] {
                #expect(samples.contains { $0.name == family && $0.value > 0 }, "\(family) is read from /proc")
            }
            #expect(samples.filter { $0.name == "process_cpu_seconds_total" }.count == 1, "one process, one series")
            #expect(has("controller_runtime_reconcile_total", ["controller": "rhoai-normalizer", "result": "success"]))
            #expect(has("workqueue_depth", ["name": "rhoai-normalizer"]))
            let queue = ["name": "rhoai-normalizer"]
            #expect(has("workqueue_queue_duration_seconds_count", queue))
            #expect(has("workqueue_unfinished_work_seconds", queue))
            #expect(has("workqueue_longest_running_processor_seconds", queue))
            #expect(has("controller_runtime_active_workers", ["controller": "rhoai-normalizer"]))
            #expect(
                samples.contains {
                    $0.name == "controller_runtime_max_concurrent_reconciles"
                        && $0.labels == ["controller": "rhoai-normalizer"] && $0.value == 8
                })
            #expect(!has("controller_runtime_reconcile_panics_total"), "a trap ends the process: nothing to count")
            // The shared Kubernetes client and the registry transport: one series set per host:port.
            let requestHosts = Set(
                samples.filter { $0.name == "rest_client_requests_total" && $0.labels["code"] == "200" }
                    .compactMap { $0.labels["host"] })
            #expect(requestHosts.count >= 2, "the API server and a registry: \(requestHosts)")
            #expect(requestHosts.allSatisfy { $0.hasPrefix("127.0.0.1:") })
            #expect(has("rest_client_request_duration_seconds_bucket", ["verb": "GET", "le": "60.0"]))
            for result in ["ok", "not_found", "error"] {
                #expect(has("modelbridge_model_card_fetches_total", ["result": result]))
            }
            #expect(
                samples.contains {
                    $0.name == "modelbridge_cache_bytes" && $0.labels["configmap"] == "bac-import-model" && $0.value > 0
                })
            #expect(has("modelbridge_cache_budget_bytes", ["configmap": "bac-import-model"]))
            #expect(samples.contains { $0.name == "modelbridge_location_documents" && $0.value > 0 })
            #expect(samples.contains { $0.name == "modelbridge_location_loaded" && $0.value == 1 })
            #expect(
                samples.contains { $0.name == "modelbridge_location_last_list_fetch_timestamp_seconds" && $0.value > 0 }
            )

            #expect(has("leader_election_master_status", ["name": "modelbridge-normalizer"]))
            #expect(has("modelbridge_registry_probe_interval_seconds"))
            #expect(has("modelbridge_registry_last_success_timestamp_seconds"))
            // Every metric an alert or a dashboard panel queries is one the roles export.
            let monitored = try Self.monitoredNames()
            #expect(monitored.count >= 15, "\(monitored)")
            let exported = Set(samples.map(\.name))
            #expect(
                monitored.subtracting(exported).isEmpty, "queried but not exported: \(monitored.subtracting(exported))")

            // The sidecars: each serves its own registry, with its own role only.
            for (role, address) in [("location", sidecarLocation), ("storage-rest", sidecarStorage)] {
                let own = try await Self.get("http://\(address)/metrics")
                #expect(own.status == 200, "\(role) answers /metrics")
                let ownSamples = PrometheusText.samples(own.body)
                let roles = Set(ownSamples.compactMap { $0.labels["role"] })
                #expect(roles == [role], "\(role)'s registry counts \(role) only: \(roles)")
                #expect(ownSamples.contains { $0.name == "process_resident_memory_bytes" && $0.value > 0 })
                #expect(!ownSamples.contains { $0.name.hasPrefix("controller_runtime_") })
            }
            // storage-rest's own Kubernetes client and ConfigMap store; location has neither.
            let storageSamples = PrometheusText.samples(try await Self.get("http://\(sidecarStorage)/metrics").body)
            #expect(
                storageSamples.contains {
                    $0.name == "rest_client_requests_total" && $0.labels["method"] == "GET"
                        && $0.labels["code"] == "200"
                })
            #expect(storageSamples.contains { $0.name == "modelbridge_cache_bytes" && $0.value > 0 })
            #expect(storageSamples.contains { $0.name == "modelbridge_cache_budget_bytes" && $0.value == 900 * 1024 })
            #expect(!storageSamples.contains { $0.name.hasPrefix("workqueue_") })
            let sidecarSamples = PrometheusText.samples(try await Self.get("http://\(sidecarLocation)/metrics").body)
            #expect(
                !sidecarSamples.contains {
                    $0.name.hasPrefix("rest_client_") || $0.name.hasPrefix("modelbridge_cache_")
                })
            #expect(
                sidecarSamples.contains {
                    $0.name == "http_requests_total" && $0.labels["handler"] == "/list" && $0.labels["code"] == "200"
                })
        } catch {
            Issue.record(
                "\(error)\nall:\n\(all.log)\nlocation:\n\(locationSidecar.log)\nstorage:\n\(storageSidecar.log)")
        }
        await platform.stop()
    }
}
