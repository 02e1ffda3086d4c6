import Bridge
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import RegistryAPI
import Synchronization
import Testing

/// The registry's models and versions are read at the same time; a model registered between the two reads must not
/// look like a version without a model.
@Suite struct RegistryReadOrderTests {
    static let base = "/api/model_registry/v1alpha3"

    /// How many times the model list was read.
    final class Reads: Sendable {
        let models = Mutex(0)
    }

    static func page(_ items: [String]) -> Response {
        let json =
            #"{"items":[\#(items.joined(separator: ","))],"nextPageToken":"","pageSize":100,"size":\#(items.count)}"#
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
    }

    /// A registry with one live version of model 1; `modelListed(n)` says whether the n-th read of the model
    /// list already holds model 1.
    static func registry(reads: Reads, modelListed: @escaping @Sendable (Int) -> Bool) -> Application<
        RouterResponder<BasicRequestContext>
    > {
        let router = Router()
        router.get("\(base)/registered_models") { _, _ in
            let read = reads.models.withLock {
                $0 += 1
                return $0
            }
            return page(modelListed(read) ? [#"{"id":"1","name":"mnist","state":"LIVE"}"#] : [])
        }
        router.get("\(base)/model_versions") { _, _ in
            page([#"{"id":"2","name":"v1","registeredModelId":"1","state":"LIVE"}"#])
        }
        for empty in ["inference_services", "serving_environments", "model_versions/2/artifacts"] {
            router.get("\(base)/\(empty)") { _, _ in page([]) }
        }
        return Application(router: router)
    }

    static func read(port: Int) async throws -> RegistrySnapshot {
        var quiet = Logger(label: "test.read-order")
        quiet.logLevel = .critical
        let transport = try RegistryTransport(logger: quiet)
        do {
            let client = RegistryClient(
                key: "scripted", baseURL: "http://127.0.0.1:\(port)\(base)", token: nil, transport: transport)
            let snapshot = try await RegistryReader(client: client, catalog: nil).read(
                previous: nil, fingerprint: nil, full: true)
            try await transport.shutdown()
            return snapshot
        } catch {
            try? await transport.shutdown()
            throw error
        }
    }

    @Test func aModelRegisteredBetweenTheTwoReadsIsReadAgainAndNotSkipped() async throws {
        let reads = Reads()
        // The first model read answers before the model exists; every later one sees it.
        try await Self.registry(reads: reads, modelListed: { $0 > 1 }).test(.live) { client in
            let snapshot = try await Self.read(port: try #require(client.port))
            #expect(snapshot.skipped.isEmpty, "\(snapshot.skipped)")
            #expect(snapshot.liveVersions.map(\.version.id) == ["2"])
        }
        #expect(reads.models.withLock { $0 } == 2, "the model list is read once more, and only once")
    }

    @Test func aVersionWhoseModelStaysMissingIsSkippedAfterOneReRead() async throws {
        let reads = Reads()
        try await Self.registry(reads: reads, modelListed: { _ in false }).test(.live) { client in
            let snapshot = try await Self.read(port: try #require(client.port))
            #expect(snapshot.liveVersions.isEmpty)
            #expect(snapshot.skipped.count == 1)
            #expect(snapshot.skipped.first?.contains("whose registered model 1 is not in the registry") == true)
        }
        #expect(reads.models.withLock { $0 } == 2)
    }

    @Test func aCompleteReadReadsTheModelsOnce() async throws {
        let reads = Reads()
        try await Self.registry(reads: reads, modelListed: { _ in true }).test(.live) { client in
            let snapshot = try await Self.read(port: try #require(client.port))
            #expect(snapshot.skipped.isEmpty)
        }
        #expect(reads.models.withLock { $0 } == 1)
    }
}
