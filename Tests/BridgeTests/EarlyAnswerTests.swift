import Bridge
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// A request answered before its body arrived never leaves its client hanging (issue #16 item 5):
/// the answer says `Connection: close`, at most 256 KiB more of the body is read, then the
/// connection closes; `Expect: 100-continue` gets the final status when the request is refused,
/// and `100 Continue` when the body is wanted. Plain keep-alive exchanges are untouched.
///
/// A raw socket plays the client, because the behaviour under test is what HTTP clients see on
/// the wire. Its send and receive timeouts (10 s) turn a hang into a failure, not a wait.
@Suite struct EarlyAnswerTests {
    @Test func aLargeBodyToARefusedRouteIsCutOffAfterABoundedDrain() async throws {
        try await withLocation { _, url in
            let connection = try RawConnection(url: url)
            let declared = 64 << 20
            try await connection.send("POST /nowhere HTTP/1.1\r\nHost: t\r\nContent-Length: \(declared)\r\n\r\n")
            // A client that sends everything before it reads (Python's http.client does): the
            // server stops reading after its bound and resets the connection; the send fails
            // instead of blocking until the client's own timeout.
            let chunk = [UInt8](repeating: 0x61, count: 64 << 10)
            var sent = 0
            var failure: Int32 = 0
            while sent < declared {
                let result = await connection.sendSome(chunk)
                if result.count < 0 {
                    failure = result.error
                    break
                }
                sent += result.count
            }
            #expect(failure == EPIPE || failure == ECONNRESET, "send ended with errno \(failure) after \(sent) bytes")
            #expect(sent < declared, "the server read the whole \(declared)-byte body")
        }
    }

    @Test func theEarlyAnswerArrivesBeforeTheBodyAndTheConnectionEndsAfterIt() async throws {
        try await withLocation { _, url in
            let connection = try RawConnection(url: url)
            try await connection.send("POST /nowhere HTTP/1.1\r\nHost: t\r\nContent-Length: \(64 << 20)\r\n\r\n")
            let answer = try await connection.readResponse()
            #expect(answer.status == 404)
            #expect(answer.header("connection") == "close")
            // A client that reads while it sends (curl does) sees the end of the stream once the
            // server has drained its bound (256 KiB).
            try await connection.send([UInt8](repeating: 0x61, count: 320 << 10))
            #expect(try await connection.readToEnd().isEmpty, "nothing follows the answer")
        }
    }

    @Test func aSmallUnreadBodyIsDrainedAndTheConnectionClosesCleanly() async throws {
        try await withLocation { _, url in
            let connection = try RawConnection(url: url)
            try await connection.send("PUT /list HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n")
            let answer = try await connection.readResponse()
            #expect(answer.status == 405)
            #expect(answer.header("connection") == "close")
            try await connection.send([UInt8](repeating: 0x61, count: 100_000))
            #expect(try await connection.readToEnd().isEmpty)
        }
    }

    @Test func expectContinueGetsTheFinalStatusWhenTheRequestIsRefused() async throws {
        try await withLocation(maximumBodySize: 1 << 20) { _, url in
            // Too large by its Content-Length: 413 before any of the body, and no 100 Continue.
            let tooLarge = try RawConnection(url: url)
            try await tooLarge.send(
                "POST /upsert?key=a HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: \(2 << 20)\r\n\r\n")
            let refused = try await tooLarge.readResponse()
            #expect(refused.status == 413)
            #expect(refused.header("connection") == "close")
            #expect(try await tooLarge.readToEnd().isEmpty, "the client is not left waiting to send its body")

            // No such route: 404, and the connection ends without the body being sent.
            let unknown = try RawConnection(url: url)
            try await unknown.send(
                "POST /nowhere HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n")
            #expect(try await unknown.readResponse().status == 404)
            #expect(try await unknown.readToEnd().isEmpty)
        }
    }

    @Test func expectContinueGetsContinueWhenTheBodyIsWanted() async throws {
        try await withLocation { _, url in
            let connection = try RawConnection(url: url)
            try await connection.send(
                "DELETE /remove?key=absent_v1 HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            let interim = try await connection.readResponse()
            #expect(interim.status == 100)
            try await connection.send("hello")
            let final = try await connection.readResponse()
            #expect(final.status == 200)
            #expect(String(decoding: final.body, as: UTF8.self) == #"{"removed":false}"#)
            #expect(final.header("connection") == nil, "a request whose body was read keeps its connection")
        }
    }

    @Test func keepAliveExchangesAreUntouched() async throws {
        try await withLocation { _, url in
            let connection = try RawConnection(url: url)
            // A refused request whose body arrived with it: answered, and the connection stays.
            try await connection.send("POST /nowhere HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello")
            let refused = try await connection.readResponse()
            #expect(refused.status == 404)
            #expect(refused.header("connection") == nil)
            for _ in 0..<2 {
                try await connection.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
                let answer = try await connection.readResponse()
                #expect(answer.status == 200)
                #expect(String(decoding: answer.body, as: UTF8.self) == "ok\n")
            }
        }
    }
}

/// A TCP client on loopback with 10 s send and receive timeouts. Its system calls block, so they
/// run on a Dispatch thread: a recv(2) that waits for the server must not hold one of the cooperative
/// pool's threads (two on two cores), which the server's handlers need to answer it.
final class RawConnection: @unchecked Sendable {
    struct Response {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name }?.1
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let descriptor: Int32
    private var buffered: [UInt8] = []

    init(url: String) throws {
        guard let port = URLComponents(string: url)?.port else { throw Failure(description: "no port in \(url)") }
        #if canImport(Glibc)
            descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure(description: "connect: errno \(errno)") }
    }

    deinit { close(descriptor) }

    private static let queue = DispatchQueue(label: "RawConnection", attributes: .concurrent)

    private func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Self.queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    func send(_ text: String) async throws { try await send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) async throws { try await offThePool { try self.sendBlocking(bytes) } }

    /// One `send(2)` (no SIGPIPE): the byte count, or -1 with the `errno` it set.
    func sendSome(_ bytes: [UInt8]) async -> (count: Int, error: Int32) {
        let outcome = try? await offThePool {
            let count = bytes.withUnsafeBytes { self.sendSome($0) }
            return (count, count < 0 ? errno : 0)
        }
        return outcome ?? (-1, 0)
    }

    func readResponse() async throws -> Response { try await offThePool { try self.readResponseBlocking() } }

    func readToEnd() async throws -> [UInt8] { try await offThePool { try self.readToEndBlocking() } }

    private func sendBlocking(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let result = bytes[offset...].withUnsafeBytes { sendSome($0) }
            guard result > 0 else { throw Failure(description: "send: errno \(errno) after \(offset) bytes") }
            offset += result
        }
    }

    private func sendSome(_ bytes: UnsafeRawBufferPointer) -> Int {
        #if canImport(Glibc)
            Glibc.send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
        #else
            Darwin.send(descriptor, bytes.baseAddress, bytes.count, 0)
        #endif
    }

    /// More bytes into the buffer; `false` at the end of the stream.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count < 0 {
            throw Failure(description: "recv: errno \(errno) (\(errno == EAGAIN ? "timed out" : "failed"))")
        }
        buffered += chunk[0..<count]
        return count > 0
    }

    /// One response: status line, headers, and a `Content-Length` body.
    private func readResponseBlocking() throws -> Response {
        let separator: [UInt8] = [13, 10, 13, 10]
        var end: Int?
        while end == nil {
            end = buffered.indices.dropLast(3).first { Array(buffered[$0..<$0 + 4]) == separator }
            if end == nil, try !fill() { throw Failure(description: "the connection ended before a response") }
        }
        let head = String(decoding: buffered[0..<end!], as: UTF8.self)
        buffered.removeFirst(end! + 4)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw Failure(description: "not a status line: \(head)")
        }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) } ?? 0
        while buffered.count < length {
            if try !fill() { throw Failure(description: "the connection ended inside a body") }
        }
        let body = Array(buffered[0..<length])
        buffered.removeFirst(length)
        return Response(status: status, headers: headers, body: body)
    }

    /// Everything until the server ends the stream (a reset counts as an end).
    private func readToEndBlocking() throws -> [UInt8] {
        do {
            while try fill() {}
        } catch let failure as Failure where failure.description.contains("errno \(ECONNRESET)") {}
        defer { buffered = [] }
        return buffered
    }
}
