import AsyncHTTPClient
import Bridge
import CatalogModel
import Foundation
import Testing

/// The Backstage contract (`spec/backstage-contract.md` C1–C22) as executable checks against
/// a running `location`.
@Suite struct LocationContractTests {
    @Test func c5ListAnswers503UntilTheFirstCompleteLoadThenAnEmptyArray() async throws {
        try await withHTTPClient { http in
            try await withLocation { index, url in
                #expect(try await http.send(.GET, url + "/list").status == 503)
                #expect(try await http.send(.GET, url + "/readyz").status == 503)
                index.markLoaded()
                let reply = try await http.send(.GET, url + "/list")
                #expect(reply.status == 200)
                #expect(reply.text == #"{"uris":[]}"#)
                #expect(try await http.send(.GET, url + "/readyz").status == 200)
            }
        }
    }

    @Test func c1c3c6c7c8ListedURIsAreSortedUniqueAndEachServesItsDocument() async throws {
        try await withHTTPClient { http in
            try await withLocation { index, url in
                index.markLoaded()
                var expected: [String: NormalizedDocument] = [:]
                for (model, version) in [("zeta", "v1"), ("alpha", "v2"), ("my_model", "v1.0"), ("alpha", "v1")] {
                    let document = Sample.registryDocument(model: model, version: version)
                    let reply = try await http.send(
                        .POST, url + "/upsert?key=" + document.key.key, body: try Sample.upsertJSON(document))
                    #expect(reply.status == 201, "\(reply.text)")
                    expected[document.key.uri(format: .jsonArray)] = document
                }
                let list = try await http.send(.GET, url + "/list")
                #expect(list.status == 200)
                #expect(list.headers["Content-Type"].first == "application/json")
                let uris = try list.json()["uris"]?.arrayValue?.compactMap(\.stringValue) ?? []
                #expect(uris == uris.sorted() && Set(uris).count == uris.count && uris.count == 4)
                for uri in uris {
                    #expect(uri.hasPrefix("/") && uri.hasSuffix("/model-catalog.json"))
                    let reply = try await http.send(.GET, url + uri)
                    #expect(reply.status == 200)
                    let document = try ModelCatalog.decode(reply.body)
                    #expect(document == expected[uri]?.document)
                    #expect(try reply.json()["models"]?.arrayValue != nil)
                }
            }
        }
    }

    @Test func c9UnknownAndRemovedDocumentsAnswer404AndAreForgotten() async throws {
        try await withHTTPClient { http in
            try await withLocation { index, url in
                index.markLoaded()
                let document = Sample.registryDocument()
                _ = try await http.send(
                    .POST, url + "/upsert?key=" + document.key.key, body: try Sample.upsertJSON(document))
                let uri = document.key.uri(format: .jsonArray)
                #expect(try await http.send(.GET, url + uri).status == 200)
                #expect(try await http.send(.DELETE, url + "/remove?key=" + document.key.key).status == 200)
                #expect(try await http.send(.GET, url + uri).status == 404)
                #expect(try await http.send(.GET, url + "/list").text == #"{"uris":[]}"#)
                #expect(try await http.send(.GET, url + "/modelcard?key=RedHatrhelai1mnist").status == 404)
                #expect(index.snapshot().entries.isEmpty && index.snapshot().cards.isEmpty)
                #expect(try await http.send(.GET, url + "/nope/nope/model-catalog.json").status == 404)
            }
        }
    }

    @Test func c10c12AuthorizationHeadersAreIgnoredAndDoubleSlashesCollapse() async throws {
        try await withHTTPClient { http in
            try await withLocation { index, url in
                index.markLoaded()
                let reply = try await http.send(
                    .GET, url + "//list",
                    headers: [("Authorization", "Bearer some.jwt"), ("Content-Type", "application/json")])
                #expect(reply.status == 200)
            }
        }
    }

    @Test func c20c21TheTechDocsLinkResolvesToTheMarkdownWithAnETag() async throws {
        try await withHTTPClient { http in
            try await withLocation { index, url in
                index.markLoaded()
                let document = Sample.registryDocument(card: "# Mnist\nhello")
                _ = try await http.send(
                    .POST, url + "/upsert?key=" + document.key.key, body: try Sample.upsertJSON(document))
                let link = try #require(document.document.models[0].annotations?["TechDocs"])
                let components = try #require(URLComponents(string: link))
                #expect(components.host == "localhost" && components.port == 9090 && components.path == "/modelcard")
                let reply = try await http.send(.GET, url + "/modelcard?" + (components.percentEncodedQuery ?? ""))
                #expect(reply.status == 200)
                #expect(reply.text == "# Mnist\nhello")
                #expect(reply.headers["Content-Type"].first?.hasPrefix("text/markdown") == true)
                #expect(reply.headers["ETag"].first?.isEmpty == false)
            }
        }
    }

    @Test func c22NoConditionalHeaderMeansAlways200AndAMatchingETagMeans304() async throws {
        try await withHTTPClient { http in
            try await withLocation { index, url in
                index.markLoaded()
                let document = Sample.registryDocument()
                _ = try await http.send(
                    .POST, url + "/upsert?key=" + document.key.key, body: try Sample.upsertJSON(document))
                let cardURL = url + "/modelcard?key=RedHatrhelai1mnist"
                var etag = ""
                for _ in 0..<20 {
                    let reply = try await http.send(.GET, cardURL)
                    #expect(reply.status == 200)
                    etag = reply.headers["ETag"].first ?? ""
                }
                #expect(try await http.send(.GET, cardURL, headers: [("If-None-Match", etag)]).status == 304)
                #expect(try await http.send(.GET, cardURL, headers: [("If-None-Match", "\"other\"")]).status == 200)
            }
        }
    }

    @Test func theUpstreamModelCardCounterIsAvailableBehindAFlag() async throws {
        try await withHTTPClient { http in
            try await withLocation(upstreamCounter: true) { index, url in
                index.markLoaded()
                let document = Sample.registryDocument()
                _ = try await http.send(
                    .POST, url + "/upsert?key=" + document.key.key, body: try Sample.upsertJSON(document))
                var statuses: [Int] = []
                for _ in 0..<13 {
                    statuses.append(try await http.send(.GET, url + "/modelcard?key=RedHatrhelai1mnist").status)
                }
                #expect(statuses == Array(repeating: 200, count: 11) + [304, 304])
            }
        }
    }

    @Test func aChangedModelCardReplacesTheOldContent() async throws {
        try await withHTTPClient { http in
            try await withLocation { index, url in
                index.markLoaded()
                for card in ["# First", "# Second"] {
                    let document = Sample.registryDocument(card: card)
                    _ = try await http.send(
                        .POST, url + "/upsert?key=" + document.key.key, body: try Sample.upsertJSON(document))
                }
                #expect(try await http.send(.GET, url + "/modelcard?key=RedHatrhelai1mnist").text == "# Second")
            }
        }
    }

    @Test func badUpsertsAreRefusedWithAClearMessageAndChangeNothing() async throws {
        try await withHTTPClient { http in
            try await withLocation(maximumBodySize: 4096) { index, url in
                index.markLoaded()
                let document = Sample.registryDocument()
                let good = try Sample.upsertJSON(document)
                let cases: [(String, Data?, Int)] = [
                    ("/upsert", good, 400),
                    ("/upsert?key=", good, 400),
                    ("/upsert?key=nounderscore", good, 400),
                    ("/upsert?key=a/b_c", good, 400),
                    ("/upsert?key=m_v", Data("not json".utf8), 400),
                    ("/upsert?key=m_v", Data(#"{"body":"bm90IGEgZG9jdW1lbnQ="}"#.utf8), 400),
                    ("/upsert?key=m_v", Data(#"{"body":""}"#.utf8), 400),
                    ("/upsert?key=m_v&extra=1", good, 400),
                    ("/upsert?key=m_v", Data(repeating: 0x20, count: 5000), 413),
                ]
                for (path, body, status) in cases {
                    let reply = try await http.send(.POST, url + path, body: body)
                    #expect(reply.status == status, "\(path) → \(reply.status) \(reply.text)")
                    #expect(reply.text.contains("\"error\""), "\(path) has no error message")
                }
                #expect(try await http.send(.GET, url + "/upsert?key=m_v").status == 405)
                #expect(try await http.send(.DELETE, url + "/remove").status == 400)
                #expect(try await http.send(.GET, url + "/list?x=1").status == 400)
                #expect(index.snapshot().entries.isEmpty)
            }
        }
    }

    @Test func backstageFetchesAreRecordedForTheConsole() async throws {
        try await withHTTPClient { http in
            try await withLocation { index, url in
                index.markLoaded()
                let document = Sample.registryDocument()
                _ = try await http.send(
                    .POST, url + "/upsert?key=" + document.key.key, body: try Sample.upsertJSON(document))
                _ = try await http.send(.GET, url + "/list")
                _ = try await http.send(.GET, url + document.key.uri(format: .jsonArray))
                _ = try await http.send(.GET, url + "/modelcard?key=RedHatrhelai1mnist")
                let snapshot = index.snapshot()
                #expect(snapshot.lastListFetch != nil && snapshot.listFetchCount == 1)
                #expect(snapshot.documentFetches[document.key.uri(format: .jsonArray)]?.status == 200)
                #expect(snapshot.cardFetches["RedHatrhelai1mnist"]?.status == 200)
            }
        }
    }

    @Test func theListServedAfterAChangeIncludesThatChange() throws {
        let index = LocationIndex(format: .jsonArray)
        index.markLoaded()
        func uris() throws -> [String] {
            struct List: Decodable { var uris: [String] }
            let body = try #require(index.listBody())
            return try JSONDecoder().decode(List.self, from: Data(body.readableBytesView)).uris
        }
        let alpha = Sample.registryDocument(model: "alpha", version: "v1")
        let beta = Sample.registryDocument(model: "beta", version: "v1")
        #expect(try uris() == [])
        index.upsert(CatalogUpsert(rendered: beta, body: try UpsertBody(beta, format: .jsonArray)))
        #expect(try uris() == [beta.key.uri(format: .jsonArray)])
        // The list is cached between changes; each addition and removal must still show at once.
        index.upsert(CatalogUpsert(rendered: alpha, body: try UpsertBody(alpha, format: .jsonArray)))
        #expect(try uris() == [alpha.key.uri(format: .jsonArray), beta.key.uri(format: .jsonArray)])
        index.remove(key: beta.key)
        #expect(try uris() == [alpha.key.uri(format: .jsonArray)])
    }

    /// Found by the crash drill: location restarted during a re-upsert wave kept serving an older
    /// copy, because the load from storage wrote its (older) copy over a push that landed while
    /// the load was being applied.
    @Test func aPushThatLandsWhileTheLoadIsAppliedIsNeverOverwrittenByTheOlderStoredCopy() async throws {
        let index = LocationIndex(format: .jsonArray)
        let documents = (0..<2_000).map { Sample.registryDocument(model: "model-\($0)", version: "v1", card: nil) }
        let stored = try documents.map { document in
            (
                key: document.key.key,
                body: UpsertBody(body: try UpsertBody(document, format: .jsonArray).body, lastUpdateTimeSinceEpoch: "1")
            )
        }
        let fresh = try documents.reversed().map { document in
            CatalogUpsert(
                rendered: document,
                body: UpsertBody(body: try UpsertBody(document, format: .jsonArray).body, lastUpdateTimeSinceEpoch: "2")
            )
        }
        // Pushes race the load, newest copy every time; whichever lands first, the push must win.
        async let pushes: Void = {
            for upsert in fresh { index.upsert(upsert) }
        }()
        let rejected = index.completeLoad(stored)
        try await pushes
        #expect(rejected.isEmpty)
        let entries = index.snapshot().entries
        #expect(entries.count == documents.count)
        let older = entries.filter { $0.epoch != "2" }.map(\.key.key)
        #expect(older.isEmpty, "\(older.count) documents went back to the stored copy, e.g. \(older.prefix(3))")
    }
}
