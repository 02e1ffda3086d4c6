import AsyncHTTPClient
import Foundation
import NIOCore

/// The bench's own HTTP client: seeding, polling and readiness checks (not load; wrk does that).
struct BenchHTTP: Sendable {
    let client: HTTPClient

    /// `GET url`: the status and the body (up to 64 MiB).
    func get(_ url: String, timeout: TimeAmount = .seconds(10)) async throws -> (status: Int, body: ByteBuffer) {
        let response = try await client.execute(HTTPClientRequest(url: url), timeout: timeout)
        let body = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), body)
    }

    /// `POST url` with a JSON body; returns the status.
    func post(_ url: String, json: Data) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: json))
        let response = try await client.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    /// How many URIs location's `/list` holds, or `nil` while it does not answer 200.
    func listCount(_ baseURL: String) async -> Int? {
        struct List: Decodable { var uris: [String] }
        guard let (status, body) = try? await get(baseURL + "/list"), status == 200,
            let list = try? JSONDecoder().decode(List.self, from: Data(buffer: body))
        else { return nil }
        return list.uris.count
    }
}

/// Polls `condition` every `interval` until it holds; returns the elapsed time, or throws at the deadline.
@discardableResult
func waitUntil(
    _ what: String, timeout: Duration, interval: Duration = .milliseconds(20),
    _ condition: @Sendable () async -> Bool
) async throws -> Duration {
    let clock = ContinuousClock()
    let start = clock.now
    while clock.now - start < timeout {
        if await condition() { return clock.now - start }
        try await Task.sleep(for: interval)
    }
    throw BenchError("timed out after \(timeout) waiting until \(what)")
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
