import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging

/// `modelbridge-bench`: measures modelbridge against its targets and prints one table.
///
/// Everything runs in this process tree: the release `modelbridge` binary as children (location,
/// storage-rest, all), the sandbox fakes in process, wrk for HTTP load. Run it through
/// `scripts/bench`, which builds the release binaries first.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modelbridge-bench",
        abstract: "Measure modelbridge against its performance targets and print a table.",
        discussion: """
            Build and run it with scripts/bench (release binaries). Absolute figures drift by about \
            ±20 % on a shared machine; compare ratios, and rerun before drawing conclusions.
            """)

    /// The groups of figures, in the order they run.
    enum Section: String, CaseIterable, ExpressibleByArgument {
        case console, store, http, engine, large
    }

    @Option(help: "Models in the engine scenario (SandboxScenario.scaled), each with two versions.")
    var scale = 1_000

    @Option(help: "Models in the large resync (two versions each); 0 skips it. Default 10000, or 0 with --quick.")
    var largeScale: Int?

    @Flag(help: "One short run of everything (development): 1 wrk round of 3 s, 3 latency trials, no large resync.")
    var quick = false

    @Option(help: "wrk rounds for the HTTP figures (each figure is the median); default 3, 1 with --quick.")
    var runs: Int?

    @Option(help: "Seconds per wrk run; default 10, 3 with --quick.")
    var seconds: Int?

    @Option(parsing: .upToNextOption, help: "Only these sections: console, store, http, engine, large.")
    var only: [Section] = []

    @Flag(help: "Print the figures as JSON instead of a table.")
    var json = false

    @Option(help: "The modelbridge release binary.")
    var binary = ".build/release/modelbridge"

    @Option(
        help: ArgumentHelp(
            "Another location to measure beside modelbridge's in the same run, as ratios.",
            discussion: """
                An executable and its arguments in one string, for example "/tmp/old/modelbridge location" or \
                "/opt/bridge/location" (the Go bridge's). The bench adds --address 127.0.0.1:PORT and sets \
                STORAGE_URL to an empty storage-rest, waits until GET /list answers 200, then posts the \
                documents to its /upsert.
                """, valueName: "command"))
    var peerLocation: String?

    /// ``peerLocation`` split into the executable and its arguments.
    var peerCommand: [String]? {
        peerLocation.map { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
    }

    func validate() throws {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ValidationError(
                "\(binary) is missing: build the release binaries and run the bench with scripts/bench")
        }
        if let runs, runs < 1 { throw ValidationError("--runs must be at least 1") }
        if let seconds, seconds < 1 { throw ValidationError("--seconds must be at least 1") }
        guard scale >= 1 else { throw ValidationError("--scale must be at least 1") }
        if let peerCommand {
            guard let executable = peerCommand.first, FileManager.default.isExecutableFile(atPath: executable) else {
                throw ValidationError(
                    "--peer-location must start with the path of an executable: \(peerLocation ?? "")")
            }
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .critical
            return handler
        }
        let logger = Logger(label: "modelbridge.bench")
        let sections = Set(only.isEmpty ? Section.allCases : only)
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("modelbridge-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let http = BenchHTTP(client: client)
        let progress: (String) -> Void = { message in
            FileHandle.standardError.write(Data("bench: \(message)\n".utf8))
        }
        var figures: [BenchFigure] = []

        if sections.contains(.console) {
            progress("console: filter keystrokes over 10,000 rows")
            let samples = ConsoleBench(rows: 10_000).run(repetitions: quick ? 1 : 3)
            figures.append(
                BenchFigure(
                    name: "console filter keystroke → frame, 10,000 models",
                    value: Statistics.percentile(samples.total, 95), unit: "ms", target: 16, direction: .atMost,
                    note: "p95 of \(samples.total.count) keystrokes (update + view, 160×48); median "
                        + String(format: "%.2f", Statistics.median(samples.total)) + " ms, of which update "
                        + String(format: "%.2f", Statistics.median(samples.update)) + " ms"))
            progress("console: first frame after the engine's first snapshot, 10,000 rows")
            let firstFrames = ConsoleBench(rows: 10_000).firstFrame(trials: quick ? 3 : 7)
            figures.append(
                BenchFigure(
                    name: "console first frame after the first snapshot, 10,000 models",
                    value: Statistics.median(firstFrames), unit: "ms", target: 300, direction: .atMost,
                    note: "median of \(firstFrames.count) new consoles (update with the snapshot + view, 160×48); "
                        + "slowest " + String(format: "%.2f", firstFrames.max() ?? 0) + " ms"))
        }

        if sections.contains(.store) {
            let bench = StoreBench(logger: logger)
            let cap = quick ? 6_000 : 12_000
            for writers in [8, 64] {
                let name = "models stored before any ConfigMap exceeds 1 MiB, \(writers) writers"
                progress("store: ConfigMap capacity up to \(BenchFigure.grouped(cap)) documents, \(writers) writers")
                do {
                    let capacity = try await bench.capacity(cap: cap, writers: writers, progress: progress)
                    let note =
                        capacity.failure
                        ?? (capacity.exceeded
                            ? "a ConfigMap reached \(capacity.largestPayload) payload bytes"
                            : "none exceeded up to the cap of \(BenchFigure.grouped(cap)); \(capacity.shards) shards, "
                                + "largest \(capacity.largestPayload / 1024) KiB")
                    figures.append(
                        BenchFigure(
                            name: name, value: Double(capacity.documents), unit: "documents", target: 5_000,
                            direction: .atLeast, note: note))
                } catch {
                    figures.append(.failed(name, unit: "documents", target: 5_000, direction: .atLeast, error: error))
                }
            }
            progress("store: write amplification")
            do {
                let result = try await bench.amplification(documents: 2_000, changes: quick ? 30 : 100)
                figures.append(
                    BenchFigure(
                        name: "write amplification, single-document changes", value: result.changeRatio, unit: "×",
                        target: 3, direction: .atMost,
                        note: "\(result.changes) changes into a 2,000-document store; "
                            + String(format: "%.1f", result.patchesPerChange) + " patches per change"))
                figures.append(
                    BenchFigure(
                        name: "write amplification, initial load", value: result.initialRatio, unit: "×", target: 3,
                        direction: .atMost,
                        note: "\(BenchFigure.grouped(result.initialDocuments)) documents written concurrently"))
            } catch {
                figures.append(
                    .failed("write amplification", unit: "×", target: 3, direction: .atMost, error: error))
            }
        }

        if sections.contains(.http) {
            let bench = LocationBench(
                binary: binary, peer: peerCommand, http: http, workDirectory: work, runs: runs ?? (quick ? 1 : 3),
                seconds: seconds ?? (quick ? 3 : 10))
            do {
                figures += try await bench.run(progress: progress)
            } catch {
                figures.append(
                    .failed("location HTTP figures", unit: "req/s", target: nil, direction: .atLeast, error: error))
            }
        }

        let engine = EngineBench(binary: binary, http: http, workDirectory: work, logger: logger)
        if sections.contains(.engine) {
            do {
                let outcome = try await engine.run(
                    scale: scale, trials: quick ? 3 : 10, loadSeconds: quick ? 2 : 5, progress: progress)
                figures += engineFigures(outcome, scale: scale, probe: engine.probeInterval)
            } catch {
                figures.append(
                    .failed(
                        "full resync, \(BenchFigure.grouped(scale)) models", unit: "s", target: 10, direction: .atMost,
                        error: error))
            }
        }

        let large = largeScale ?? (quick ? 0 : 10_000)
        if sections.contains(.large), large > 0 {
            let name = "full resync, \(BenchFigure.grouped(large)) models × 2 versions"
            do {
                let outcome = try await engine.run(scale: large, trials: 0, loadSeconds: 0, progress: progress)
                figures.append(
                    BenchFigure(
                        name: name, value: outcome.resyncSeconds, unit: "s", target: 120, direction: .atMost,
                        note: "completed: \(BenchFigure.grouped(outcome.expectedDocuments)) documents served; "
                            + "\(BenchFigure.grouped(outcome.registryRequests)) registry requests; "
                            + outcome.phases.summary))
                figures.append(
                    BenchFigure(
                        name: "peak resident memory, modelbridge all, \(BenchFigure.grouped(large)) models",
                        value: outcome.peakMiB, unit: "MiB", target: 200, direction: .atMost, note: "VmHWM"))
            } catch {
                figures.append(.failed(name, unit: "s", target: 120, direction: .atMost, error: error))
            }
        }

        try await client.shutdown()
        try? FileManager.default.removeItem(atPath: work)
        let machine = BenchMachine.current()
        print(json ? try BenchReport.json(figures, machine: machine) : BenchReport.table(figures, machine: machine))
    }

    private func engineFigures(_ outcome: EngineBench.Outcome, scale: Int, probe: Duration) -> [BenchFigure] {
        let models = BenchFigure.grouped(scale)
        let budget = Double(outcome.artifactCalls + 50)
        return [
            BenchFigure(
                name: "full resync, \(models) models × 2 versions", value: outcome.resyncSeconds, unit: "s", target: 10,
                direction: .atMost,
                note: "process start → location lists all \(BenchFigure.grouped(outcome.expectedDocuments)); "
                    + outcome.phases.summary),
            BenchFigure(
                name: "full resync registry requests, \(models) models", value: Double(outcome.registryRequests),
                unit: "requests", target: budget, direction: .atMost,
                note: "target = \(BenchFigure.grouped(outcome.artifactCalls)) artifact calls + 50"),
            BenchFigure(
                name: "idle probe cycle, requests per registry", value: outcome.idleRequestsPerProbe, unit: "requests",
                target: 5, direction: .atMost, note: "registry + catalog requests / probes over 3 probe intervals"),
            BenchFigure(
                name: "registry change → served by location, p95",
                value: Statistics.percentile(outcome.changeLatencies, 95), unit: "s", target: probe.seconds + 2,
                direction: .atMost, note: latencyNote(outcome.changeLatencies, probe: probe)),
            BenchFigure(
                name: "inference service ready → served, p95", value: Statistics.percentile(outcome.readyLatencies, 95),
                unit: "s", target: 2, direction: .atMost, note: latencyNote(outcome.readyLatencies, probe: nil)),
            BenchFigure(
                name: "peak resident memory, modelbridge all, \(models) models", value: outcome.peakMiB, unit: "MiB",
                target: 60, direction: .atMost, note: "VmHWM after resync, the trials and a wrk /list load"),
        ]
    }

    private func latencyNote(_ samples: [Double], probe: Duration?) -> String {
        let text = samples.map { String(format: "%.2f", $0) }.joined(separator: ", ")
        return "\(samples.count) trials: \(text) s" + (probe.map { "; probe interval \($0)" } ?? "")
    }
}
