import Foundation

/// One wrk run: `wrk -t<threads> -c<connections> -d<seconds>s --latency <url>`.
///
/// ```swift
/// let result = try Wrk.run(url: "http://127.0.0.1:9090/list", connections: 32, seconds: 10)
/// print(result.requestsPerSecond, result.p99Milliseconds)
/// ```
struct Wrk {
    /// What one run measured.
    struct Result: Sendable {
        var requests: Int
        var requestsPerSecond: Double
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        /// Non-2xx/3xx answers plus socket errors.
        var errors: Int
    }

    /// wrk on the PATH, or `nil`.
    static var executable: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/wrk" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs wrk to completion and parses its report.
    static func run(url: String, connections: Int, seconds: Int, threads: Int = 2) throws -> Result {
        guard let executable else {
            throw BenchError("wrk is not installed: apt-get install wrk (scripts/bench does it)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--latency", url]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let result = parse(output) else {
            throw BenchError("wrk failed on \(url): \(output.prefix(400))")
        }
        return result
    }

    /// Reads `Requests/sec`, the request total, the 50 % and 99 % latencies and the error counts.
    static func parse(_ output: String) -> Result? {
        var requests: Int?
        var rate: Double?
        var p50: Double?
        var p99: Double?
        var errors = 0
        for raw in output.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            if line.hasPrefix("Requests/sec:"), let last = words.last {
                rate = Double(last)
            } else if line.contains("requests in"), let first = words.first {
                requests = Int(first)
            } else if line.hasPrefix("50%"), words.count >= 2 {
                p50 = milliseconds(String(words[1]))
            } else if line.hasPrefix("99%"), words.count >= 2 {
                p99 = milliseconds(String(words[1]))
            } else if line.hasPrefix("Non-2xx or 3xx responses:"), let last = words.last {
                errors += Int(last) ?? 0
            } else if line.hasPrefix("Socket errors:") {
                // "Socket errors: connect 0, read 0, write 0, timeout 0"
                errors += words.compactMap { Int($0.trimmingCharacters(in: CharacterSet(charactersIn: ","))) }
                    .reduce(0, +)
            }
        }
        guard let requests, let rate, let p50, let p99 else { return nil }
        return Result(
            requests: requests, requestsPerSecond: rate, p50Milliseconds: p50, p99Milliseconds: p99, errors: errors)
    }

    /// wrk's `812.00us`, `2.31ms`, `1.02s` or `1.50m` in milliseconds.
    static func milliseconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("us", 0.001), ("ms", 1), ("s", 1000), ("m", 60_000)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count)).map { $0 * scale }
        }
        return nil
    }
}
