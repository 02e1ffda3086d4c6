import Foundation

/// A network namespace joined to this host by a veth pair, so a test can call a role from a
/// real non-loopback address (`10.211.x.2` → `10.211.x.1`). Needs root and `ip`; ``isAvailable``
/// says whether this machine allows it.
struct NetworkNamespace {
    let name: String
    let hostInterface: String
    let hostAddress: String
    let peerAddress: String

    /// Whether `ip netns add` works here (root with CAP_NET_ADMIN).
    static let isAvailable: Bool = {
        guard
            FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip")
                || FileManager.default
                    .isExecutableFile(atPath: "/sbin/ip")
        else { return false }
        let probe = "mbprobe\(getpid() % 100_000)"
        guard (try? run(["ip", "netns", "add", probe])) != nil else { return false }
        _ = try? run(["ip", "netns", "del", probe])
        return true
    }()

    /// Creates the namespace and the link; ``remove()`` undoes both.
    init(id: Int) throws {
        let tag = "\(getpid() % 10_000)x\(id)"
        name = "mbdrill\(tag)"
        hostInterface = "mbh\(tag)"
        let peer = "mbp\(tag)"
        let subnet = 1 + Int(getpid() % 200) + id
        hostAddress = "10.211.\(subnet % 250).1"
        peerAddress = "10.211.\(subnet % 250).2"
        try Self.run(["ip", "netns", "add", name])
        do {
            try Self.run(["ip", "link", "add", hostInterface, "type", "veth", "peer", "name", peer])
            try Self.run(["ip", "link", "set", peer, "netns", name])
            try Self.run(["ip", "addr", "add", hostAddress + "/30", "dev", hostInterface])
            try Self.run(["ip", "link", "set", hostInterface, "up"])
            try Self.run(["ip", "netns", "exec", name, "ip", "addr", "add", peerAddress + "/30", "dev", peer])
            try Self.run(["ip", "netns", "exec", name, "ip", "link", "set", peer, "up"])
            try Self.run(["ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"])
        } catch {
            remove()
            throw error
        }
    }

    func remove() {
        _ = try? Self.run(["ip", "link", "del", hostInterface])
        _ = try? Self.run(["ip", "netns", "del", name])
    }

    /// Sends a request from inside the namespace with curl; returns the status code.
    func curl(method: String, url: String, body: [UInt8]? = nil, headers: [String] = []) throws -> Int {
        var arguments = [
            "ip", "netns", "exec", name, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", method,
            "--max-time", "60",
        ]
        for header in headers { arguments += ["-H", header] }
        var bodyFile: URL?
        if let body {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("mbdrill-\(UUID()).body")
            try Data(body).write(to: file)
            arguments += ["--data-binary", "@" + file.path]
            bodyFile = file
        }
        defer { if let bodyFile { try? FileManager.default.removeItem(at: bodyFile) } }
        let output = try Self.run(arguments + [url])
        return Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    struct CommandFailed: Error, CustomStringConvertible {
        var description: String
    }

    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: output, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw CommandFailed(description: "\(arguments.joined(separator: " ")) failed: \(text)")
        }
        return text
    }
}
