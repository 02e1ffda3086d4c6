import Foundation
import ModelbridgeTesting
import Sandbox
import Testing

/// The Kubernetes-facing behaviour of the connector, checked only through the Kubernetes API and the roles' HTTP
/// endpoints, so that the same checks run against the sandbox (the default) and against any cluster named by
/// `MODELBRIDGE_CONFORMANCE_KUBECONFIG` (see docs/operations.md, "Conformance suite"). Each check installs the
/// connector into its own namespace and removes it afterwards.
@Suite(.serialized, .enabled(if: ConformanceCluster.canRun, "kubectl is not installed (scripts/setup test)"))
struct ConformanceTests {
    @Test func shippedRBACIsAllTheRolesAndTheDoctorNeed() async throws {
        try await ConnectorInstallation.run(models: 3) { installation in
            try await installation.startRoles()
            try await installation.waitForModels(count: 3)

            let ports = installation.ports
            let result = try await runCommand(
                try ConformanceEnvironment.modelbridgeBinary(),
                [
                    "doctor", "--location-url", "http://127.0.0.1:\(ports.location)", "--storage-url",
                    "http://127.0.0.1:\(ports.storage)", "--normalizer-url", "http://127.0.0.1:\(ports.normalizer)",
                ],
                environment: ConformanceEnvironment.scrubbedEnvironment(installation.connectorEnvironment))
            let report = "\(result.stdout)\n\(result.stderr)\n\(installation.report)"
            #expect(result.status == 0, "\(report)")
            #expect(result.stdout.contains("\n0 FAIL, "), "\(report)")
            #expect(result.stdout.contains("rbac patch configmaps in \(installation.namespace)"), "\(report)")
            for process in installation.processes {
                #expect(Self.refusals(in: process.log).isEmpty, "\(process.logTail)")
            }
        }
    }

    @Test func configMapStoreOfThreeThousandModelsServesTheSameListAfterARestart() async throws {
        try await ConnectorInstallation.run(models: 3000) { installation in
            try await installation.startRoles()
            try await installation.waitForModels(count: 3000, timeout: .seconds(150))
            let before = try #require(try await installation.listedURIs()).sorted()

            // The documents live in the namespace's ConfigMaps, which the admin can read.
            let names = try await installation.cluster.kubectl([
                "get", "configmaps", "-n", installation.namespace, "-o", "name",
            ])
            #expect(names.contains("configmap/bac-import-model"), "\(names)")

            // storage-rest and location start again with nothing but the ConfigMaps; no normalizer publishes.
            for process in installation.processes { process.stop() }
            try await installation.startRoles(normalizer: false)
            try await eventually("location serves the 3,000 models again", report: installation.report) {
                try await installation.listedModelURIs()?.count == 3000
            }
            let after = try #require(try await installation.listedURIs()).sorted()
            #expect(after == before)
        }
    }

    @Test func inferenceServiceCreatedWhileRunningAppearsAndDeletedDisappears() async throws {
        try await ConnectorInstallation.run(models: 1, needs: [.inferenceServices]) { installation in
            try await installation.startRoles()
            try await installation.waitForModels(count: 1)
            let cluster = installation.cluster
            let namespace = installation.namespace

            try await cluster.apply(
                """
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata:
                  name: conformance-isvc
                  namespace: \(namespace)
                  annotations:
                    serving.kserve.io/deploymentMode: RawDeployment
                spec:
                  predictor:
                    model:
                      modelFormat:
                        name: onnx
                      storageUri: s3://conformance/isvc
                """)
            try await Self.markReady("inferenceservice", "conformance-isvc", in: installation, status: Self.readyStatus)
            let prefix = "/\(namespace)/conformance-isvc/"
            try await eventually("the InferenceService is listed", report: installation.report) {
                try await installation.listedURIs()?.contains { $0.hasPrefix(prefix) } == true
            }

            try await cluster.kubectl(["delete", "inferenceservice", "conformance-isvc", "-n", namespace])
            try await eventually("the deleted InferenceService is no longer listed", report: installation.report) {
                guard let uris = try await installation.listedURIs() else { return false }
                return !uris.contains { $0.hasPrefix(prefix) }
            }
            // The registry's model stays: the watch event removed only what was deleted.
            #expect(try await installation.listedModelURIs()?.count == 1)
        }
    }

    @Test func llmInferenceServiceIsPublished() async throws {
        try await ConnectorInstallation.run(models: 1, needs: [.llmInferenceServices]) { installation in
            try await installation.startRoles()
            try await installation.waitForModels(count: 1)
            let namespace = installation.namespace

            try await installation.cluster.apply(
                """
                apiVersion: serving.kserve.io/v1alpha1
                kind: LLMInferenceService
                metadata:
                  name: conformance-llm
                  namespace: \(namespace)
                spec:
                  model:
                    name: conformance-llm
                    uri: hf://conformance/llm
                """)
            let internalURL = "http://conformance-llm-predictor.\(namespace).svc.cluster.local"
            try await Self.markReady(
                "llminferenceservice", "conformance-llm", in: installation,
                status: """
                    {"status":{"url":"\(internalURL)","address":{"url":"\(internalURL)"},\
                    "addresses":[{"url":"\(internalURL)"}],"conditions":[\(Self.readyConditions)]}}
                    """)
            let prefix = "/\(namespace)/conformance-llm/"
            try await eventually("the LLMInferenceService is listed", report: installation.report) {
                try await installation.listedURIs()?.contains { $0.hasPrefix(prefix) } == true
            }
            let uri = try #require(try await installation.listedURIs()?.first { $0.hasPrefix(prefix) })
            let document = try await installation.get("http://127.0.0.1:\(installation.ports.location)\(uri)")
            #expect(document.status == 200)
            #expect(document.body.contains("conformance-llm"), "\(document.body)")
        }
    }

    @Test func onlyTheLeaseHolderPublishesAndTheOtherReplicaTakesOverWhenItDies() async throws {
        try await ConnectorInstallation.run(models: 2) { installation in
            try await installation.startRoles(normalizer: false)
            let replicas = [
                (name: "conformance-a", port: try LoopbackPort.free()),
                (name: "conformance-b", port: try LoopbackPort.free()),
            ]
            var processes: [String: ChildProcess] = [:]
            for replica in replicas {
                processes[replica.name] = try installation.start(
                    "rhoai-normalizer", name: replica.name, port: replica.port,
                    extra: ["LEADER_ELECT": "true", "POD_NAME": replica.name])
            }
            try await installation.waitForModels(count: 2)

            let holder = try #require(try await Self.leaseHolder(installation))
            let leader = try #require(replicas.first { $0.name == holder }, "unknown holder \(holder)")
            let standby = try #require(replicas.first { $0.name != holder })
            let status = #"leader_election_master_status{name="modelbridge-normalizer"}"#
            let posted = "modelbridge_keysets_posted_total"
            #expect(try await installation.metric(status, port: leader.port) == 1, "\(installation.report)")
            #expect((try await installation.metric(status, port: standby.port) ?? 0) == 0, "\(installation.report)")
            // The standby has read everything, but has written nothing.
            #expect((try await installation.metric(posted, port: leader.port) ?? 0) >= 1, "\(installation.report)")
            #expect((try await installation.metric(posted, port: standby.port) ?? 0) == 0, "\(installation.report)")

            // The leader dies without releasing the Lease; a new model must come through the other replica.
            processes[leader.name]?.killAbruptly()
            try ConnectorInstallation.seed(
                registry: installation.registry, prefix: installation.modelPrefix, range: 3...3)
            try await eventually("\(standby.name) holds the Lease", report: installation.report) {
                try await Self.leaseHolder(installation) == standby.name
            }
            try await installation.waitForModels(count: 3)
            #expect(try await installation.metric(status, port: standby.port) == 1, "\(installation.report)")
        }
    }

    // MARK: - Helpers

    /// The lines of `log` that tell of a refusal by the API server (403 Forbidden).
    static func refusals(in log: String) -> [Substring] {
        log.split(separator: "\n").filter { line in
            line.localizedCaseInsensitiveContains("forbidden")
                || line.range(of: #"\b403\b"#, options: .regularExpression) != nil
        }
    }

    static let readyConditions = ["IngressReady", "PredictorReady", "Ready"].map {
        #"{"type":"\#($0)","status":"True"}"#
    }.joined(separator: ",")

    /// An InferenceService status as KServe writes it once the model is served.
    static let readyStatus = """
        {"status":{"url":"http://conformance-isvc.example","address":{"url":"http://conformance-isvc.example"},\
        "modelStatus":{"transitionStatus":"UpToDate"},"conditions":[\(readyConditions)]}}
        """

    /// Writes a Ready status, as KServe's controller would (a cluster without KServe has none to do it; the
    /// sandbox's may have done it already, which changes nothing).
    static func markReady(
        _ resource: String, _ name: String, in installation: ConnectorInstallation, status: String
    ) async throws {
        try await installation.cluster.kubectl([
            "patch", resource, name, "-n", installation.namespace, "--subresource=status", "--type=merge", "-p",
            status,
        ])
    }

    /// The holder of the Lease `modelbridge-normalizer`, as the admin reads it.
    static func leaseHolder(_ installation: ConnectorInstallation) async throws -> String? {
        let lease = try await installation.cluster.object([
            "lease", "modelbridge-normalizer", "-n", installation.namespace,
        ])
        return (lease?["spec"] as? [String: Any])?["holderIdentity"] as? String
    }
}
