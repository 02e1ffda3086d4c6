import Foundation
import RegistryAPI
import Testing

/// A list page decodes item by item: a damaged object is reported and the rest of its page kept.
@Suite("Lenient list pages")
struct LenientPageTests {
    func page(_ items: String, size: Int? = nil) throws -> ListPage<RegisteredModel> {
        let sizeField = size.map { #", "size": \#($0)"# } ?? ""
        let body = #"{"items": [\#(items)], "nextPageToken": ""\#(sizeField)}"#
        return try JSONDecoder().decode(ListPage<RegisteredModel>.self, from: Data(body.utf8))
    }

    @Test func anItemWithAWrongTypedFieldIsReportedAndTheRestOfThePageKept() throws {
        let decoded = try page(
            #"{"id": "1", "name": "first"}, {"id": "2", "name": 42}, {"id": "3", "name": "third"}"#)
        #expect(decoded.items.map(\.name) == ["first", "third"])
        #expect(decoded.undecodable.count == 1)
        let skipped = try #require(decoded.undecodable.first)
        #expect(skipped.index == 1)
        #expect(skipped.id == "2")
        #expect(skipped.reason.hasPrefix("name:"), "\(skipped.reason)")
    }

    @Test func customPropertiesOfTheWrongShapeMakeOnlyThatItemUndecodable() throws {
        let decoded = try page(
            #"{"id": "7", "name": "bad", "customProperties": ["x"]}, {"id": "8", "name": "good", "customProperties": {}}"#
        )
        #expect(decoded.items.compactMap(\.id) == ["8"])
        #expect(decoded.undecodable.map(\.id) == ["7"])
        #expect(decoded.undecodable.first?.name == "bad")
        #expect(decoded.undecodable.first?.reason.contains("customProperties") == true)
    }

    @Test func aNullWhereAnObjectBelongsIsReportedWithoutAnId() throws {
        let decoded = try page(#"null, {"id": "5", "name": "kept"}"#)
        #expect(decoded.items.compactMap(\.id) == ["5"])
        let skipped = try #require(decoded.undecodable.first)
        #expect(skipped.index == 0)
        #expect(skipped.id == nil)
        #expect(skipped.name == nil)
        #expect(!skipped.reason.isEmpty)
    }

    @Test func anUndecodableItemWithoutAnIdStillNamesItsPlaceOnThePage() throws {
        let decoded = try page(#"{"id": "1", "name": "a"}, {"name": "no-id", "state": 3}"#)
        #expect(decoded.items.count == 1)
        let skipped = try #require(decoded.undecodable.first)
        #expect(skipped.index == 1)
        #expect(skipped.id == nil)
        #expect(skipped.name == "no-id")
        #expect(skipped.description.contains("item 1 of page 1"))
        #expect(skipped.description.contains("no readable id"))
    }

    @Test func aNumericIdOfAnUndecodableItemIsStillRead() throws {
        let decoded = try page(#"{"id": 12, "name": ["x"]}"#)
        #expect(decoded.items.isEmpty)
        #expect(decoded.undecodable.map(\.id) == ["12"])
    }

    @Test func aCleanPageReportsNothing() throws {
        let decoded = try page(#"{"id": "1", "name": "a"}, {"id": "2", "name": "b"}"#, size: 2)
        #expect(decoded.items.count == 2)
        #expect(decoded.undecodable.isEmpty)
        #expect(decoded.size == 2)
    }

    @Test func aPageThatIsNotAListPageStillFailsAsAWhole() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ListPage<RegisteredModel>.self, from: Data(#"{"items": 5}"#.utf8))
        }
    }

    /// Two pages from a stub server, a damaged object on the second.
    func withTwoPages<T>(_ body: (RegistryClient) async throws -> T) async throws -> T {
        let server = StubHTTPServer()
        let base = try await server.start(path: "/api/model_registry/v1alpha3/registered_models") { hit in
            hit == 1
                ? StubHTTPServer.json(#"{"items": [{"id": "1", "name": "a"}], "nextPageToken": "p2", "size": 1}"#)
                : StubHTTPServer.json(
                    #"{"items": [{"id": "2", "name": "b"}, {"id": "3", "name": {"x": 1}}], "nextPageToken": "", "size": 2}"#
                )
        }
        let transport = try RegistryTransport(configuration: RegistryHTTPConfiguration(requestTimeout: .seconds(20)))
        let client = RegistryClient(
            key: "ns:reg", baseURL: base + "/api/model_registry/v1alpha3", token: nil, transport: transport)
        do {
            let result = try await body(client)
            try await transport.shutdown()
            await server.stop()
            return result
        } catch {
            try? await transport.shutdown()
            await server.stop()
            throw error
        }
    }

    @Test func aPagedReadReturnsTheUndecodableItemsWithTheirPageAndURL() async throws {
        let read = try await withTwoPages { client in try await client.registeredModelList() }
        #expect(read.items.compactMap(\.id) == ["1", "2"])
        let skipped = try #require(read.undecodable.first)
        #expect(read.undecodable.count == 1)
        #expect(skipped.id == "3")
        #expect(skipped.page == 2)
        #expect(skipped.index == 1)
        #expect(skipped.url?.contains("nextPageToken=p2") == true)
    }

    @Test func theAllOrNothingReadStillFailsOnAnUndecodableItem() async throws {
        let error = try await withTwoPages { client in
            await registryError { _ = try await client.registeredModels() }
        }
        let failure = try #require(error)
        guard case .undecodable(let detail) = failure.reason else {
            Issue.record("expected an undecodable error, got \(failure)")
            return
        }
        #expect(detail.contains("id 3"))
        #expect(failure.registry == "ns:reg")
    }
}
