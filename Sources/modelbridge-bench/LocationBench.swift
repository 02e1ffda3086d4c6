import CatalogModel
import Foundation
import Sandbox

/// The HTTP figures: a real `modelbridge location` release binary, fed by a real `storage-rest`
/// with `STORAGE_TYPE=Memory`, loaded with wrk.
///
/// Two location/storage pairs run side by side, one seeded with 1,000 models and one with a single
/// model, and the cases alternate (`/list` ×1,000, `/list` ×1, one document) so drift on the shared
/// machine spreads over all of them; each figure is the median of the runs.
struct LocationBench {
    let binary: String
    let http: BenchHTTP
    let workDirectory: String
    let runs: Int
    let seconds: Int
    let connections = 32

    /// A location + storage-rest pair.
    struct Pair {
        let location: ChildProcess
        let storage: ChildProcess
        let url: String

        func stop() {
            location.stop()
            storage.stop()
        }
    }

    func run(progress: (String) -> Void) async throws -> [BenchFigure] {
        let many = SampleCatalog.documents(1_000)
        let one = SampleCatalog.documents(1)
        progress("starting location + storage-rest (1,000 models and 1 model)")
        let large = try await startPair(seeding: many)
        defer { large.stop() }
        let small = try await startPair(seeding: one)
        defer { small.stop() }
        let documentURL = small.url + ImportKey(storedKey: one[0].key)!.uri(format: .jsonArray)
        guard try await http.get(documentURL).status == 200 else {
            throw BenchError("location does not serve the seeded document \(documentURL)")
        }

        var listMany: [Wrk.Result] = []
        var listOne: [Wrk.Result] = []
        var document: [Wrk.Result] = []
        var cpuPerRequest: [Double] = []
        for round in 1...runs {
            progress("wrk round \(round)/\(runs): GET /list ×1,000")
            listMany.append(try Wrk.run(url: large.url + "/list", connections: connections, seconds: seconds))
            progress("wrk round \(round)/\(runs): GET /list ×1")
            listOne.append(try Wrk.run(url: small.url + "/list", connections: connections, seconds: seconds))
            progress("wrk round \(round)/\(runs): GET one document")
            let before = ProcessProbe.cpuSeconds(pid: small.location.pid) ?? 0
            let result = try Wrk.run(url: documentURL, connections: connections, seconds: seconds)
            let after = ProcessProbe.cpuSeconds(pid: small.location.pid) ?? 0
            document.append(result)
            if result.requests > 0 { cpuPerRequest.append((after - before) / Double(result.requests) * 1e6) }
        }
        let peak = ProcessProbe.peakResidentMiB(pid: large.location.pid)

        return [
            throughput("location GET /list, 1,000 models, 32 conn", listMany, target: 38_000),
            latency("location GET /list, 1,000 models, p99", listMany),
            throughput("location GET /list, 1 model, 32 conn", listOne, target: 55_000),
            latency("location GET /list, 1 model, p99", listOne),
            throughput("location GET document, 1 model, 32 conn", document, target: 55_000),
            latency("location GET document, 1 model, p99", document),
            BenchFigure(
                name: "location CPU per request, document GET", value: Statistics.median(cpuPerRequest), unit: "µs",
                target: 20, direction: .atMost,
                note: "utime+stime of the location process / wrk requests; runs: "
                    + cpuPerRequest.map { String(format: "%.1f", $0) }.joined(separator: ", ")),
            BenchFigure(
                name: "peak resident memory, location role, 1,000 models", value: peak, unit: "MiB", target: 35,
                direction: .atMost, note: "VmHWM after seeding and every wrk run"),
        ]
    }

    private func throughput(_ name: String, _ results: [Wrk.Result], target: Double) -> BenchFigure {
        let rates = results.map(\.requestsPerSecond)
        let errors = results.map(\.errors).reduce(0, +)
        return BenchFigure(
            name: name, value: Statistics.median(rates), unit: "req/s", target: target, direction: .atLeast,
            note: "median of \(rates.count) (\(rates.map { BenchFigure.grouped(Int($0)) }.joined(separator: ", ")))"
                + (errors > 0 ? "; \(errors) errors" : ""))
    }

    private func latency(_ name: String, _ results: [Wrk.Result]) -> BenchFigure {
        let p99 = results.map(\.p99Milliseconds)
        return BenchFigure(
            name: name, value: Statistics.median(p99), unit: "ms", target: 3, direction: .atMost,
            note: "median of \(p99.count) wrk p99s (\(p99.map { String(format: "%.2f", $0) }.joined(separator: ", ")))")
    }

    /// Starts storage-rest (memory) and location, waits for location to load, then seeds through storage.
    func startPair(seeding documents: [(key: String, body: UpsertBody)]) async throws -> Pair {
        let locationPort = try LoopbackPort.free()
        let storagePort = try LoopbackPort.free()
        let locationURL = "http://127.0.0.1:\(locationPort)"
        let storageURL = "http://127.0.0.1:\(storagePort)"
        let format = ["NORMALIZER_FORMAT": "JsonArrayFormat"]
        let storage = try ChildProcess(
            binary: binary,
            arguments: ["storage-rest", "--address", "127.0.0.1:\(storagePort)", "--log-level", "warning"],
            environment: format.merging(["STORAGE_TYPE": "Memory", "BRIDGE_URL": locationURL]) { $1 },
            logDirectory: workDirectory)
        let location: ChildProcess
        do {
            location = try ChildProcess(
                binary: binary,
                arguments: ["location", "--address", "127.0.0.1:\(locationPort)", "--log-level", "warning"],
                environment: format.merging(["STORAGE_URL": storageURL]) { $1 }, logDirectory: workDirectory)
        } catch {
            storage.stop()
            throw error
        }
        let pair = Pair(location: location, storage: storage, url: locationURL)
        do {
            let http = self.http
            try await waitUntil("location loads from storage", timeout: .seconds(30)) {
                (try? await http.get(locationURL + "/readyz").status) == 200
            }
            try await seed(documents, storageURL: storageURL)
            let expected = documents.count
            try await waitUntil("location lists \(expected) documents", timeout: .seconds(60)) {
                await http.listCount(locationURL) == expected
            }
        } catch {
            pair.stop()
            throw BenchError(
                "\(error)\n--- storage-rest ---\n\(storage.logTail)\n--- location ---\n\(location.logTail)")
        }
        return pair
    }

    /// POSTs every document to storage-rest's `/upsert`, 16 at a time.
    func seed(_ documents: [(key: String, body: UpsertBody)], storageURL: String) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let requests = try documents.map { document in
            (
                url: storageURL + "/upsert?key=\(queryEncoded(document.key))&type=kubeflow",
                json: try encoder.encode(document.body)
            )
        }
        let http = self.http
        try await withThrowingTaskGroup(of: Int.self) { group in
            var next = 0
            func addNext() {
                guard next < requests.count else { return }
                let request = requests[next]
                next += 1
                group.addTask { try await http.post(request.url, json: request.json) }
            }
            for _ in 0..<16 { addNext() }
            while let status = try await group.next() {
                guard (200..<300).contains(status) else {
                    throw BenchError("storage-rest answered \(status) to a seeding upsert")
                }
                addNext()
            }
        }
    }
}

/// `text` percent-encoded for a query value (`&`, `+`, `=` and `#` included).
func queryEncoded(_ text: String) -> String {
    var allowed = CharacterSet.urlQueryAllowed
    allowed.remove(charactersIn: "&+=#")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}
