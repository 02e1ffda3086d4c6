import CatalogModel
import Foundation
import Sandbox

/// The HTTP figures: real `modelbridge location` release binaries, fed by a real `storage-rest`
/// with `STORAGE_TYPE=Memory`, loaded with wrk.
///
/// Every location under load is a ``Contender``, and every figure that judges anything is a ratio
/// of two contenders measured in the same run, because absolute figures on a shared 2-core machine
/// drift by more than the differences that matter:
///
/// - `modelbridge` and `modelbridge --no-metrics` serve the same document: the cost of the
///   metrics middleware (target: under 5 % of document GET throughput);
/// - with `--peer-location`, any other binary that speaks location's REST (the Go bridge's
///   location, an older modelbridge) is fed the same documents, and each case is measured on both.
///
/// The cases (`/list` ×1,000, `/list` ×1, one document) and the contenders alternate within each
/// round, and the order of the contenders flips every round, so drift spreads over all of them;
/// each figure is the median of the rounds.
struct LocationBench {
    let binary: String
    /// The peer's command line: an executable and its arguments (`--address HOST:PORT` is added).
    let peer: [String]?
    let http: BenchHTTP
    let workDirectory: String
    let runs: Int
    let seconds: Int
    let connections = 32

    /// A location under load, with the storage-rest it loads from.
    struct Contender {
        let label: String
        let location: ChildProcess
        let storage: ChildProcess
        let url: String

        func stop() {
            location.stop()
            storage.stop()
        }
    }

    /// What wrk measured for one contender in one case, round by round.
    struct Samples {
        var results: [Wrk.Result] = []
        /// CPU microseconds of the location process per request served, per round.
        var cpuPerRequest: [Double] = []

        var rates: [Double] { results.map(\.requestsPerSecond) }
        var p99s: [Double] { results.map(\.p99Milliseconds) }
    }

    func run(progress: (String) -> Void) async throws -> [BenchFigure] {
        let many = SampleCatalog.documents(1_000)
        let one = SampleCatalog.documents(1)
        progress("starting location + storage-rest (1,000 models, 1 model, 1 model without metrics)")
        let large = try await startModelbridge(label: "modelbridge", seeding: many)
        defer { large.stop() }
        let small = try await startModelbridge(label: "modelbridge", seeding: one)
        defer { small.stop() }
        let bare = try await startModelbridge(label: "modelbridge --no-metrics", seeding: one, metrics: false)
        defer { bare.stop() }
        var peerLarge: Contender?
        var peerSmall: Contender?
        defer {
            peerLarge?.stop()
            peerSmall?.stop()
        }
        if let peer {
            progress("starting the peer location: \(peer.joined(separator: " "))")
            peerLarge = try await startPeer(peer, seeding: many)
            peerSmall = try await startPeer(peer, seeding: one)
        }
        let documentPath = ImportKey(storedKey: one[0].key)!.uri(format: .jsonArray)
        for contender in [small, bare] + [peerSmall].compactMap({ $0 }) {
            guard try await http.get(contender.url + documentPath).status == 200 else {
                throw BenchError("\(contender.label) does not serve the seeded document \(documentPath)")
            }
        }

        let cases: [(name: String, path: String, contenders: [Contender])] = [
            ("GET /list ×1,000", "/list", [large] + [peerLarge].compactMap { $0 }),
            ("GET /list ×1", "/list", [small] + [peerSmall].compactMap { $0 }),
            ("GET one document", documentPath, [small, bare] + [peerSmall].compactMap { $0 }),
        ]
        var samples = cases.map { Array(repeating: Samples(), count: $0.contenders.count) }
        for round in 1...runs {
            for (caseIndex, item) in cases.enumerated() {
                let indices = Array(item.contenders.indices)
                for index in round % 2 == 0 ? Array(indices.reversed()) : indices {
                    let contender = item.contenders[index]
                    progress("wrk round \(round)/\(runs): \(item.name), \(contender.label)")
                    samples[caseIndex][index].add(try measure(contender, path: item.path))
                }
            }
        }
        let (listMany, listOne, document) = (samples[0], samples[1], samples[2])
        let peaks = cases[0].contenders.map { ProcessProbe.peakResidentMiB(pid: $0.location.pid) }

        var figures = absoluteFigures(listMany: listMany[0], listOne: listOne[0], document: document[0], peak: peaks[0])
        figures.append(middlewareCost(with: document[0], without: document[1]))
        if let peerLabel = peer?.joined(separator: " ") {
            figures += peerRatios(
                peerLabel, listMany: (listMany[0], listMany[1]), listOne: (listOne[0], listOne[1]),
                document: (document[0], document[2]), peaks: (peaks[0], peaks[1]))
        }
        return figures
    }

    /// One wrk run against `contender`, with the location's CPU time over it.
    private func measure(_ contender: Contender, path: String) throws -> (Wrk.Result, Double?) {
        let pid = contender.location.pid
        let before = ProcessProbe.cpuSeconds(pid: pid)
        let result = try Wrk.run(url: contender.url + path, connections: connections, seconds: seconds)
        let after = ProcessProbe.cpuSeconds(pid: pid)
        guard let before, let after, result.requests > 0 else { return (result, nil) }
        return (result, (after - before) / Double(result.requests) * 1e6)
    }

    /// modelbridge's own figures, printed without pass/fail: on a shared machine only ratios judge.
    private func absoluteFigures(listMany: Samples, listOne: Samples, document: Samples, peak: Double?)
        -> [BenchFigure]
    {
        [
            throughput("location GET /list, 1,000 models, 32 conn", listMany),
            latency("location GET /list, 1,000 models, p99", listMany),
            throughput("location GET /list, 1 model, 32 conn", listOne),
            latency("location GET /list, 1 model, p99", listOne),
            throughput("location GET document, 1 model, 32 conn", document),
            latency("location GET document, 1 model, p99", document),
            BenchFigure(
                name: "location CPU per request, document GET", value: Statistics.median(document.cpuPerRequest),
                unit: "µs", target: nil, direction: .atMost,
                note: "utime+stime of the location process / wrk requests; runs: " + list(document.cpuPerRequest)),
            BenchFigure(
                name: "peak resident memory, location role, 1,000 models", value: peak, unit: "MiB", target: nil,
                direction: .atMost, note: "VmHWM after seeding and every wrk run"),
        ]
    }

    /// Document GET throughput with the metrics middleware over without it, paired round by round.
    private func middlewareCost(with: Samples, without: Samples) -> BenchFigure {
        let ratios = zip(with.rates, without.rates).map { $0 / $1 }
        let cpu = zip(with.cpuPerRequest, without.cpuPerRequest).map { $0 / $1 }
        return BenchFigure(
            name: "metrics middleware: document GET req/s, with ÷ without metrics", value: Statistics.median(ratios),
            unit: "×", target: 0.95, direction: .atLeast,
            note: "median of \(ratios.count) paired rounds (" + list(ratios, format: "%.3f") + "); CPU per request "
                + "with ÷ without: " + list(cpu, format: "%.3f"))
    }

    /// modelbridge over the peer, case by case; the targets allow 5 % either way, the regression
    /// bound against an older modelbridge.
    private func peerRatios(
        _ peerLabel: String, listMany: (Samples, Samples), listOne: (Samples, Samples),
        document: (Samples, Samples), peaks: (Double?, Double?)
    ) -> [BenchFigure] {
        func rate(_ name: String, _ pair: (Samples, Samples)) -> BenchFigure {
            ratio("\(name) req/s, modelbridge ÷ peer", zip(pair.0.rates, pair.1.rates), target: 0.95, .atLeast)
        }
        func p99(_ name: String, _ pair: (Samples, Samples)) -> BenchFigure {
            ratio("\(name) p99, modelbridge ÷ peer", zip(pair.0.p99s, pair.1.p99s), target: 1.05, .atMost)
        }
        var figures = [
            rate("GET /list ×1,000", listMany), p99("GET /list ×1,000", listMany),
            rate("GET /list ×1", listOne), p99("GET /list ×1", listOne),
            rate("GET document", document), p99("GET document", document),
            ratio(
                "CPU per document GET, modelbridge ÷ peer", zip(document.0.cpuPerRequest, document.1.cpuPerRequest),
                target: 1.05, .atMost),
        ]
        let name = "peak resident memory, 1,000 models, modelbridge ÷ peer"
        if let ours = peaks.0, let theirs = peaks.1, theirs > 0 {
            figures.append(
                BenchFigure(
                    name: name, value: ours / theirs, unit: "×", target: 1.05, direction: .atMost,
                    note: String(format: "%.1f MiB ÷ %.1f MiB (VmHWM)", ours, theirs)))
        } else {
            figures.append(
                BenchFigure(
                    name: name, value: nil, unit: "×", target: 1.05, direction: .atMost,
                    note: "not measured: no VmHWM for one of the processes"))
        }
        return figures.map {
            var figure = $0
            figure.note += "; peer: \(peerLabel)"
            return figure
        }
    }

    private func ratio(
        _ name: String, _ pairs: Zip2Sequence<[Double], [Double]>, target: Double, _ direction: BenchFigure.Direction
    ) -> BenchFigure {
        let ratios = pairs.compactMap { $1 > 0 ? $0 / $1 : nil }
        return BenchFigure(
            name: name, value: ratios.isEmpty ? nil : Statistics.median(ratios), unit: "×", target: target,
            direction: direction,
            note: "median of \(ratios.count) paired rounds (" + list(ratios, format: "%.3f") + ")")
    }

    private func throughput(_ name: String, _ samples: Samples) -> BenchFigure {
        let errors = samples.results.map(\.errors).reduce(0, +)
        return BenchFigure(
            name: name, value: Statistics.median(samples.rates), unit: "req/s", target: nil, direction: .atLeast,
            note:
                "median of \(samples.rates.count) (\(samples.rates.map { BenchFigure.grouped(Int($0)) }.joined(separator: ", ")))"
                + (errors > 0 ? "; \(errors) errors" : ""))
    }

    private func latency(_ name: String, _ samples: Samples) -> BenchFigure {
        BenchFigure(
            name: name, value: Statistics.median(samples.p99s), unit: "ms", target: nil, direction: .atMost,
            note: "median of \(samples.p99s.count) wrk p99s (\(list(samples.p99s)))")
    }

    private func list(_ values: [Double], format: String = "%.2f") -> String {
        values.map { String(format: format, $0) }.joined(separator: ", ")
    }

    /// Starts storage-rest (memory) and modelbridge's location, waits for location to load, then
    /// seeds through storage, which pushes every document on to location.
    func startModelbridge(label: String, seeding documents: [(key: String, body: UpsertBody)], metrics: Bool = true)
        async throws -> Contender
    {
        let locationPort = try LoopbackPort.free()
        let locationURL = "http://127.0.0.1:\(locationPort)"
        let storage = try startStorage(bridgeURL: locationURL)
        let location: ChildProcess
        do {
            location = try ChildProcess(
                binary: binary,
                arguments: ["location", "--address", "127.0.0.1:\(locationPort)", "--log-level", "warning"]
                    + (metrics ? [] : ["--no-metrics"]),
                environment: ["NORMALIZER_FORMAT": "JsonArrayFormat", "STORAGE_URL": storage.url],
                logDirectory: workDirectory)
        } catch {
            storage.process.stop()
            throw error
        }
        let contender = Contender(label: label, location: location, storage: storage.process, url: locationURL)
        do {
            let http = self.http
            try await waitUntil("location loads from storage", timeout: .seconds(30)) {
                (try? await http.get(locationURL + "/readyz").status) == 200
            }
            try await seed(documents, url: storage.url, query: "&type=kubeflow")
            try await waitForList(contender, count: documents.count)
        } catch {
            contender.stop()
            throw BenchError(
                "\(error)\n--- storage-rest ---\n\(storage.process.logTail)\n--- location ---\n\(location.logTail)")
        }
        return contender
    }

    /// Starts the peer (`command` + `--address 127.0.0.1:PORT`) beside an empty memory storage-rest
    /// for it to load from, waits until its `/list` answers, and posts every document to its
    /// `/upsert`, as storage-rest would: no peer has to load a seeded store at start-up (the Go
    /// bridge cannot load more than one document, B3).
    func startPeer(_ command: [String], seeding documents: [(key: String, body: UpsertBody)]) async throws
        -> Contender
    {
        let locationPort = try LoopbackPort.free()
        let locationURL = "http://127.0.0.1:\(locationPort)"
        let storage = try startStorage(bridgeURL: locationURL)
        let location: ChildProcess
        do {
            location = try ChildProcess(
                binary: command[0], arguments: Array(command.dropFirst()) + ["--address", "127.0.0.1:\(locationPort)"],
                environment: ["NORMALIZER_FORMAT": "JsonArrayFormat", "STORAGE_URL": storage.url],
                logDirectory: workDirectory)
        } catch {
            storage.process.stop()
            throw BenchError("the peer \(command[0]) does not start: \(error)")
        }
        let contender = Contender(label: "peer", location: location, storage: storage.process, url: locationURL)
        do {
            let http = self.http
            try await waitUntil("the peer answers GET /list", timeout: .seconds(30)) {
                (try? await http.get(locationURL + "/list").status) == 200
            }
            try await seed(documents, url: locationURL)
            try await waitForList(contender, count: documents.count)
        } catch {
            contender.stop()
            throw BenchError("\(error)\n--- peer ---\n\(location.logTail)")
        }
        return contender
    }

    private func startStorage(bridgeURL: String) throws -> (process: ChildProcess, url: String) {
        let port = try LoopbackPort.free()
        let process = try ChildProcess(
            binary: binary, arguments: ["storage-rest", "--address", "127.0.0.1:\(port)", "--log-level", "warning"],
            environment: ["NORMALIZER_FORMAT": "JsonArrayFormat", "STORAGE_TYPE": "Memory", "BRIDGE_URL": bridgeURL],
            logDirectory: workDirectory)
        return (process, "http://127.0.0.1:\(port)")
    }

    private func waitForList(_ contender: Contender, count: Int) async throws {
        let http = self.http
        let url = contender.url
        try await waitUntil("\(contender.label) lists \(count) documents", timeout: .seconds(60)) {
            await http.listCount(url) == count
        }
    }

    /// POSTs every document to `url`'s `/upsert` (storage-rest's or location's: the body is the
    /// same; storage-rest also takes `type`), 16 at a time.
    func seed(_ documents: [(key: String, body: UpsertBody)], url: String, query: String = "") async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let requests = try documents.map { document in
            (
                url: url + "/upsert?key=\(queryEncoded(document.key))" + query,
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
                    throw BenchError("\(url) answered \(status) to a seeding upsert")
                }
                addNext()
            }
        }
    }
}

extension LocationBench.Samples {
    mutating func add(_ sample: (Wrk.Result, Double?)) {
        results.append(sample.0)
        if let cpu = sample.1 { cpuPerRequest.append(cpu) }
    }
}

/// `text` percent-encoded for a query value (`&`, `+`, `=` and `#` included).
func queryEncoded(_ text: String) -> String {
    var allowed = CharacterSet.urlQueryAllowed
    allowed.remove(charactersIn: "&+=#")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}
