import Foundation
import Testing

/// `modelbridge-bench --only http --peer-location …`, as docs/benchmarks.md documents it, run
/// for real on the debug binaries with the shortest load: the figures are meaningless here, but
/// every process starts, is fed, is loaded by wrk, and every row the document promises is there.
@Suite(.serialized) struct BenchCommandTests {
    static var wrk: String? {
        ["/usr/bin/wrk", "/usr/local/bin/wrk"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    struct Report: Decodable {
        struct Row: Decodable {
            var name: String
            var value: Double?
            var target: Double?
            var met: Bool?
            var note: String
        }
        var figures: [Row]
    }

    @Test func httpFiguresAgainstAPeerLocationAreSameRunRatios() async throws {
        guard Self.wrk != nil else {
            if ProcessInfo.processInfo.environment["CI"] != nil { Issue.record("wrk is not installed") }
            return
        }
        let modelbridge = try RoleProcess.binary()
        let bench = URL(fileURLWithPath: modelbridge).deletingLastPathComponent().appendingPathComponent(
            "modelbridge-bench"
        ).path
        // The peer is this same binary's location: any executable that speaks location's REST will do.
        let run = try await CommandRun.run(
            [
                "--binary", modelbridge, "--only", "http", "--quick", "--runs", "1", "--seconds", "1", "--json",
                "--peer-location", "\(modelbridge) location",
            ], executable: bench, timeout: .seconds(120))
        #expect(run.status == 0, "\(run)")
        let report = try JSONDecoder().decode(Report.self, from: Data(run.stdout.utf8))
        let figures = Dictionary(report.figures.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

        for name in [
            "location GET /list, 1,000 models, 32 conn", "location GET document, 1 model, 32 conn",
            "location CPU per request, document GET", "peak resident memory, location role, 1,000 models",
        ] {
            let figure = try #require(figures[name], "no row \(name): \(report.figures.map(\.name))")
            #expect(figure.value != nil, "\(name): \(figure.note)")
            #expect(figure.target == nil && figure.met == nil, "absolute HTTP figures carry no target: \(name)")
        }
        let middleware = try #require(figures["metrics middleware: document GET req/s, with ÷ without metrics"])
        #expect(middleware.value.map { $0 > 0 } == true, "\(middleware.note)")
        #expect(middleware.target == 0.95)
        let ratios = report.figures.filter { $0.name.hasSuffix("modelbridge ÷ peer") }
        #expect(ratios.count == 8, "\(ratios.map(\.name))")
        for ratio in ratios {
            #expect(ratio.value.map { $0 > 0 } == true, "\(ratio.name): \(ratio.note)")
            #expect(ratio.note.contains("peer: \(modelbridge) location"))
        }
    }

    @Test func aPeerThatIsNotAnExecutableIsRefusedBeforeAnythingStarts() async throws {
        let modelbridge = try RoleProcess.binary()
        let bench = URL(fileURLWithPath: modelbridge).deletingLastPathComponent().appendingPathComponent(
            "modelbridge-bench"
        ).path
        let run = try await CommandRun.run(
            ["--binary", modelbridge, "--only", "http", "--peer-location", "/nonexistent/location"],
            executable: bench, timeout: .seconds(30))
        #expect(run.status != 0)
        #expect(run.stderr.contains("--peer-location must start with the path of an executable"), "\(run)")
    }
}
