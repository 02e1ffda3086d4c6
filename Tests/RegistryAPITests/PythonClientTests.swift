import Foundation
import RegistryAPI
import Sandbox
import Testing

/// Where the Python interpreter with `model-registry==0.3.14` is: `$MODELBRIDGE_PYTHON`, else
/// `<repo>/.venv/bin/python`.
enum PythonEnvironment {
    static var interpreter: String? {
        if let configured = ProcessInfo.processInfo.environment["MODELBRIDGE_PYTHON"], !configured.isEmpty {
            return configured
        }
        let venv = TestPaths.repositoryRoot.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }

    /// CI must run the test; on a developer machine without the venv it is skipped.
    static var shouldRun: Bool {
        interpreter != nil || ProcessInfo.processInfo.environment["CI"] != nil
    }

    /// Runs the interpreter with a script and arguments without blocking a concurrency thread;
    /// returns the exit status, stdout and stderr.
    static func run(_ interpreter: String, script: String, arguments: [String]) async throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mr-python-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let scriptFile = folder.appendingPathComponent("register.py")
        let outFile = folder.appendingPathComponent("stdout")
        let errFile = folder.appendingPathComponent("stderr")
        try Data(script.utf8).write(to: scriptFile)
        try Data().write(to: outFile)
        try Data().write(to: errFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: interpreter)
        process.arguments = [scriptFile.path] + arguments
        process.standardOutput = try FileHandle(forWritingTo: outFile)
        process.standardError = try FileHandle(forWritingTo: errFile)
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return (
            status, String(decoding: try Data(contentsOf: outFile), as: UTF8.self),
            String(decoding: try Data(contentsOf: errFile), as: UTF8.self)
        )
    }
}

@Suite("Official model-registry Python client")
struct PythonClientTests {
    @Test(.enabled(if: PythonEnvironment.shouldRun, "no .venv with model-registry==0.3.14 (set CI to require it)"))
    func modelsRegisteredByTheOfficialClientReadBackExactly() async throws {
        let python = try #require(
            PythonEnvironment.interpreter,
            "CI is set but there is no Python: create <repo>/.venv with model-registry==0.3.14 or set MODELBRIDGE_PYTHON"
        )
        let server = FakeRegistryServer(requiredToken: "python-token")
        try await withFakeRegistry(server, token: "python-token", pageSize: 2) { server, client in
            let run = try await PythonEnvironment.run(
                python, script: PythonClientScript.source, arguments: [server.origin, "python-token"]
            )
            #expect(run.status == 0, "python failed: \(run.stderr)")
            let reported = try #require(
                try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any],
                "python printed no JSON: \(run.stdout) \(run.stderr)"
            )
            #expect(reported["duplicateVersion"] as? String == "rejected")
            #expect(reported["mnistAgainId"] as? String == reported["mnistId"] as? String)
            #expect(reported["oldState"] as? String == "ARCHIVED")
            #expect(reported["listed"] as? [String] == ["mnist", "old-model"])
            #expect(reported["versionAuthor"] as? String == "alice")
            #expect(reported["artifactUri"] as? String == "s3://bucket/mnist/model.onnx")
            #expect(reported["serviceStatus"] as? Int == 201)

            // Our client reads back exactly what the Python client registered.
            let models = try await client.registeredModels()
            #expect(models.map(\.name) == ["mnist", "old-model"])
            let mnist = try #require(models.first { $0.name == "mnist" })
            #expect(mnist.id == reported["mnistId"] as? String)
            #expect(mnist.owner == "team-a")
            #expect(mnist.state == .live)
            let old = try #require(models.first { $0.name == "old-model" })
            #expect(old.state == .archived)
            #expect(old.owner == "alice")

            let versions = try await client.modelVersions()
            let v1 = try #require(versions.first { $0.registeredModelId == mnist.id && $0.name == "v1" })
            #expect(v1.id == reported["versionId"] as? String)
            #expect(v1.description == "first")
            #expect(v1.author == "alice")
            #expect(v1.state == .live)
            #expect(
                v1.customProperties == [
                    "license": .string("apache-2.0"), "int_prop": .int(7), "flag": .bool(true), "score": .double(0.5),
                ]
            )
            #expect(versions.filter { $0.registeredModelId == mnist.id }.map(\.name) == ["v1", "v2"])

            let artifacts = try await client.artifacts(ofVersion: v1.id!)
            #expect(artifacts.count == 1)
            let artifact = try #require(artifacts.first)
            #expect(artifact.id == reported["artifactId"] as? String)
            #expect(artifact.name == "mnist")
            #expect(artifact.uri == "s3://bucket/mnist/model.onnx")
            #expect(artifact.modelFormatName == "onnx")
            #expect(artifact.modelFormatVersion == "1")
            #expect(artifact.storageKey == "aws-conn")
            #expect(artifact.storagePath == "mnist/")
            #expect(artifact.modelSourceKind == "catalog")
            #expect(artifact.modelSourceClass == "redhat_ai_models")
            #expect(artifact.modelSourceGroup == "rhelai1")
            #expect(artifact.modelSourceName == "granite-8b")
            #expect(artifact.artifactType == ModelArtifact.modelArtifactType)

            let services = try await client.inferenceServices()
            let service = try #require(services.first)
            #expect(services.count == 1)
            #expect(service.id == reported["serviceId"] as? String)
            #expect(service.registeredModelId == mnist.id)
            #expect(service.modelVersionId == v1.id)
            #expect(service.runtime == "mnist-v1")
            #expect(service.desiredState == .deployed)
            let environment = try await client.servingEnvironment(id: service.servingEnvironmentId ?? "")
            #expect(environment.name == "ns1")
            #expect(environment.id == reported["environmentId"] as? String)

            // The client's first request is the constructor's probe of the list endpoint.
            let first = try #require(server.requestLog.records.first)
            #expect(first.path == FakeRegistryServer.basePath + "/registered_models")
            #expect(server.requestLog.records.allSatisfy { $0.bearerToken == "python-token" })
        }
    }
}
