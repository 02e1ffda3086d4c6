import CatalogModel
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import Bridge

/// The HTTP figures every role counts in its Hummingbird middleware, and the `process_*` reader.
@Suite struct HTTPServerMetricsTests {
    /// The lines of a scrape that hold `name`, with their labels as written.
    static func series(_ name: String, in scrape: String) -> [String] {
        scrape.split(separator: "\n").map(String.init).filter { $0.hasPrefix(name + "{") || $0.hasPrefix(name + " ") }
    }

    @Test func requestsAreCountedByRouteTemplateMethodAndCodeWithoutGrowingOnWhatClientsSend() async throws {
        let index = LocationIndex(format: .jsonArray)
        let metrics = HTTPServerMetrics(role: "location")
        let application = Application(responder: LocationResponder(index: index, metrics: metrics))
        try await application.test(.live) { client in
            #expect(try await client.execute(uri: "/list", method: .get).status == .serviceUnavailable)
            index.markLoaded()
            for _ in 0..<3 { #expect(try await client.execute(uri: "/list", method: .get).status == .ok) }
            for path in ["/a/b/c.json", "/x/y/z.json", "/nope", "/also/not-there"] {
                #expect(try await client.execute(uri: path, method: .get).status == .notFound)
            }
            // A method no route has: 405 on a known path, counted as "other" whatever its name.
            for name in ["PROPFIND", "PURGE", "MKCOL"] {
                let status = try await client.execute(uri: "/list", method: try #require(.init(name))).status
                #expect(status == .methodNotAllowed)
            }
            #expect(try await client.execute(uri: "/metrics", method: .get).status == .ok)
        }
        let scrape = String(decoding: metrics.render(), as: UTF8.self)
        let requests = Self.series("http_requests_total", in: scrape)
        #expect(requests.contains(#"http_requests_total{role="location",handler="/list",method="GET",code="503"} 1"#))
        #expect(requests.contains(#"http_requests_total{role="location",handler="/list",method="GET",code="200"} 3"#))
        // Documents count under their template, never per path; unknown paths under one name.
        #expect(
            requests.contains(
                #"http_requests_total{role="location",handler="/{segment1}/{segment2}/{file}",method="GET",code="404"} 2"#
            ))
        #expect(
            requests.contains(#"http_requests_total{role="location",handler="unmatched",method="GET",code="404"} 2"#))
        #expect(
            requests.contains(#"http_requests_total{role="location",handler="unmatched",method="other",code="405"} 3"#))
        #expect(!scrape.contains("PROPFIND") && !scrape.contains("/x/y/z.json"), "client text never becomes a label")
        #expect(requests.count == 6, "\(requests)")
        #expect(
            Self.series("http_request_duration_seconds_count", in: scrape).contains(
                #"http_request_duration_seconds_count{role="location",handler="/list",method="GET"} 4"#))
        // The scrape itself is in flight while it renders; nothing else is.
        #expect(
            Self.series("http_requests_in_flight", in: scrape) == [#"http_requests_in_flight{role="location"} 0.0"#])
        #expect(Self.series("modelbridge_location_loaded", in: scrape) == ["modelbridge_location_loaded 1.0"])
        #expect(!Self.series("process_open_fds", in: scrape).isEmpty)
    }

    @Test func siblingsShareTheRegistryAndOnlyTheScrapedPortServesIt() async throws {
        let admin = HTTPServerMetrics(role: "rhoai-normalizer")
        let location = admin.sibling(role: "location")
        #expect(admin.servesScrapes && !location.servesScrapes)
        let index = LocationIndex(format: .jsonArray)
        index.markLoaded()
        try await Application(responder: LocationResponder(index: index, metrics: location)).test(.live) { client in
            let list = try await client.execute(uri: "/list", method: .get)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(list.status == .ok && metrics.status == .notFound)
        }
        let scrape = String(decoding: admin.render(), as: UTF8.self)
        #expect(scrape.contains(#"http_requests_total{role="location",handler="/list",method="GET",code="200"} 1"#))
        #expect(scrape.contains("modelbridge_location_documents 0.0"), "location's figures refresh on admin's scrape")
        #expect(Self.series("process_cpu_seconds_total", in: scrape).count == 1)
    }

    @Test func metricsAndReadyzRefuseWhatTheyDoNotTake() async throws {
        let index = LocationIndex(format: .jsonArray)
        let metrics = HTTPServerMetrics(role: "location")
        try await Application(responder: LocationResponder(index: index, metrics: metrics)).test(.live) { client in
            let query = try await client.execute(uri: "/metrics?format=json", method: .get)
            let post = try await client.execute(uri: "/metrics", method: .post, body: ByteBuffer(string: "{}"))
            let notReady = try await client.execute(uri: "/readyz", method: .get)
            let readyQuery = try await client.execute(uri: "/readyz?verbose=1", method: .get)
            #expect(query.status == .badRequest && String(buffer: query.body).contains("format"))
            #expect(post.status == .methodNotAllowed && String(buffer: post.body).contains("GET"))
            #expect(notReady.status == .serviceUnavailable && String(buffer: notReady.body).contains("not loaded"))
            #expect(readyQuery.status == .badRequest)
            index.markLoaded()
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(
                ready.status == .ok && String(buffer: ready.body).hasPrefix("ready: loaded from storage, serving 0"))
        }
        // Refused requests are counted like any other, under the route they asked for.
        let scrape = String(decoding: metrics.render(), as: UTF8.self)
        #expect(scrape.contains(#"http_requests_total{role="location",handler="/metrics",method="GET",code="400"} 1"#))
    }

    @Test func storageReadyzSaysWhyTheStoreCannotBeListed() async throws {
        struct Unlistable: CatalogStore {
            struct Refused: Error, CustomStringConvertible { var description = "configmaps is forbidden" }
            func keys() async throws -> [String] { throw Refused() }
            func fetch(key: String) async throws -> StorageBody? { throw Refused() }
            func upsert(key: String, body: StorageBody) async throws -> Bool { throw Refused() }
            func remove(key: String) async throws -> Bool { throw Refused() }
        }
        let responder = StorageResponder(
            store: Unlistable(), location: InProcessLocationSink(index: LocationIndex(format: .jsonArray)),
            metrics: HTTPServerMetrics(role: "storage-rest"))
        try await Application(responder: responder).test(.live) { client in
            let refused = try await client.execute(uri: "/readyz", method: .get)
            let healthy = try await client.execute(uri: "/healthz", method: .get)
            #expect(refused.status == .serviceUnavailable)
            #expect(String(buffer: refused.body).contains("the store cannot be listed: configmaps is forbidden"))
            #expect(healthy.status == .ok, "liveness does not depend on the store")
        }
    }

    @Test func procStatIsReadAfterTheLastParenthesisOfTheCommandName() throws {
        // Fields 1–24 of proc(5), with a command name that holds spaces and parentheses.
        var fields = ["4242", "(a) b (c)", "S"] + (4...24).map { String($0 * 10) }
        fields[13] = "150"  // utime
        fields[14] = "50"  // stime
        let stat = try #require(ProcessStat(fields.joined(separator: " ") + " 0 0\n"))
        #expect(stat.userTicks == 150 && stat.systemTicks == 50)
        #expect(stat.startTicks == 220 && stat.virtualBytes == 230 && stat.residentPages == 240)
        #expect(try #require(ProcessStat(pid: nil)).residentPages > 0, "this process's own stat")
        #expect(ProcessStat("4242 (truncated) S 1 2") == nil)
        #expect(ProcessStat("no parenthesis at all") == nil)
    }
}
