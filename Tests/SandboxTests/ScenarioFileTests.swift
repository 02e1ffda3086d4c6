import Foundation
import ModelbridgeTesting
import Sandbox
import Testing

/// The JSON scenario-file format of `docs/sandbox.md`.
@Suite struct ScenarioFileTests {
    @Test func aScenarioFileMayLeaveEveryCollectionOut() throws {
        let directory = try TemporaryDirectory(prefix: "sandbox-tests-")
        let path = directory.path + "/scenario.json"
        try Data(
            #"""
            {"name": "tiny",
             "registries": [{"name": "only", "models": [{"name": "M_1", "versions": [{"name": "v1",
               "artifacts": [{"uri": "s3://b/m"}], "deployments": [{"namespace": "ns", "runtime": "m-1"}]}]}]}],
             "inferenceServices": [{"namespace": "ns", "name": "svc", "neverReady": true}]}
            """#.utf8
        ).write(to: URL(fileURLWithPath: path))
        let scenario = try SandboxScenario.named(path)
        #expect(scenario.name == "tiny")
        #expect(scenario.registries.first?.namespace == "rhoai-model-registries")
        #expect(scenario.catalog.sources.isEmpty)
        let counts = SandboxScenarioLoader.counts(of: scenario)
        #expect(counts.models == 1)
        #expect(counts.deployed == 1)
        #expect(counts.neverReady == 1)
    }

    @Test func anUnreadableScenarioSaysWhatToTypeInstead() {
        #expect(throws: SandboxScenarioError.self) { try SandboxScenario.named("/nonexistent/scenario.json") }
    }

    @Test func aRegistryNameThatCannotNameARouteIsRefused() {
        let scenario = SandboxScenario(name: "bad", registries: [.init(name: "Bad_Name")])
        #expect(throws: SandboxPlatformError.self) {
            try SandboxPlatform(configuration: .init(scenario: scenario))
        }
    }

    @Test func scalingSpreadsModelsOverTheRegistries() {
        let scenario = SandboxScenario.empty.scaled(models: 11)
        #expect(scenario.registries.map(\.models.count) == [6, 5])
        #expect(SandboxScenarioLoader.counts(of: scenario).versions == 22)
    }
}
