import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// Every `modelbridge …` command line that README.md and docs/*.md show, run as written against the sandbox.
///
/// A command that cannot run in a test must be marked where it is documented, with an HTML comment the reader
/// does not see but this test does: `<!-- not run by tests: modelbridge <the command> — why -->`.
@Suite(.serialized)
struct DocumentedCommandTests {
    static let subcommands: Set<String> = [
        "location", "storage-rest", "rhoai-normalizer", "all", "console", "doctor", "sandbox", "demo",
    ]

    /// The command lines, each with the places that show it, and the marked ones with their reasons.
    struct Documented {
        var commands: [String: [String]] = [:]
        var marked: [String: String] = [:]
    }

    static func documentationFiles() throws -> [URL] {
        let docs = repositoryRoot.appendingPathComponent("docs")
        let pages = try FileManager.default.contentsOfDirectory(atPath: docs.path).filter { $0.hasSuffix(".md") }
            .sorted().map { docs.appendingPathComponent($0) }
        return [repositoryRoot.appendingPathComponent("README.md")] + pages
    }

    /// Shell lines of `sh`/`bash`/unlabelled fences (a `modelbridge` at the start, after `&`, `;`, `|` or a
    /// `kubectl exec … --`), and inline code spans that start with `modelbridge <subcommand>`.
    static func extract() throws -> Documented {
        var found = Documented()
        func add(_ raw: Substring, _ place: String) {
            let text = raw.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            let words = text.split(separator: " ")
            guard words.count >= 2, words[0] == "modelbridge", subcommands.contains(String(words[1])) else { return }
            found.commands[text, default: []].append(place)
        }
        for file in try documentationFiles() {
            let name = file.lastPathComponent
            var fence: String?
            for (number, line) in try String(contentsOf: file, encoding: .utf8).split(
                separator: "\n", omittingEmptySubsequences: false
            ).enumerated() {
                let place = "\(name):\(number + 1)"
                for mark in line.matches(of: /<!-- not run by tests: (modelbridge [^—]+?) — (.+?) -->/) {
                    found.marked[String(mark.1)] = String(mark.2)
                }
                if line.hasPrefix("```") {
                    fence = fence == nil ? String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces) : nil
                    continue
                }
                if let language = fence {
                    guard ["", "sh", "bash", "shell"].contains(language) else { continue }
                    let code = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                    for segment in code.split(whereSeparator: { "&;|".contains($0) }) {
                        var text = segment.trimmingCharacters(in: .whitespaces)[...]
                        if let exec = text.range(of: " -- modelbridge ") {
                            text = text[text.index(exec.lowerBound, offsetBy: 4)...]
                        }
                        if text.hasPrefix("modelbridge ") { add(text, place) }
                    }
                } else {
                    for span in line.matches(of: /`(modelbridge [^`]+)`/) { add(span.1, place) }
                }
            }
        }
        return found
    }

    /// `KEY=VALUE` lines of the sandbox's `sidecars.env`.
    static func environmentFile(_ path: String) throws -> [String: String] {
        var values: [String: String] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        where !line.hasPrefix("#") {
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
        }
        return values
    }

    /// The sidecars' documented ports and what answers there.
    static let rolePorts: [String: [Int]] = [
        "location": [9090], "storage-rest": [7070], "rhoai-normalizer": [8081], "all": [9090, 7070, 8081],
    ]

    static func arguments(of command: String) -> [String] {
        var words = command.split(separator: " ").map(String.init).dropFirst()
        // `URL` after an --attach-… flag is the sidecar's documented address.
        for index in words.indices where words[index] == "URL" && index > words.startIndex {
            switch words[index - 1] {
            case "--attach-location": words[index] = "http://127.0.0.1:9090"
            case "--attach-storage": words[index] = "http://127.0.0.1:7070"
            case "--attach-normalizer": words[index] = "http://127.0.0.1:8081"
            default: break
            }
        }
        return Array(words)
    }

    static func isInteractive(_ arguments: [String]) -> Bool {
        (arguments.first == "console" && !arguments.contains("--print-frame"))
            || (arguments.first == "demo" && !arguments.contains("--headless"))
    }

    static func isServer(_ arguments: [String]) -> Bool {
        ["location", "storage-rest", "rhoai-normalizer", "all", "sandbox"].contains(arguments.first ?? "")
            && !arguments.contains("--help")
    }

    @Test func everyDocumentedCommandLineRunsAsWritten() async throws {
        let documented = try Self.extract()
        #expect(documented.commands.count >= 10, "too few command lines found: \(documented.commands.keys.sorted())")
        for (command, reason) in documented.marked {
            #expect(documented.commands[command] != nil, "marked but not documented: \(command) (\(reason))")
        }
        for command in documented.commands.keys {
            let unresolved = Self.arguments(of: command).filter { $0 == "URL" || $0.contains("<") }
            #expect(
                unresolved.isEmpty || documented.marked[command] != nil,
                "\(command) has placeholders \(unresolved): make it runnable or mark it")
        }
        if TmuxSession.isAvailable == false && ProcessInfo.processInfo.environment["CI"] != nil {
            Issue.record("tmux is not installed; the interactive commands cannot run")
        }

        let http = HTTPClient.shared
        var ran: [String] = []
        var remaining = Set(documented.commands.keys).subtracting(documented.marked.keys)
        func take(_ command: String) -> Bool { remaining.remove(command) != nil }

        // The platform: the documented sandbox (with its state folder) if the docs show one, else a plain one.
        let stateDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("mb-docs-\(UUID())").path
        let sandboxCommand =
            remaining.first { Self.arguments(of: $0).starts(with: ["sandbox", "--state-dir"]) }
            ?? "modelbridge sandbox --state-dir \(stateDirectory)"
        var sandboxArguments = Self.arguments(of: sandboxCommand)
        let stateIndex = try #require(sandboxArguments.firstIndex(of: "--state-dir")) + 1
        // A fresh folder for the documented one too (`/tmp/sandbox` may hold an older run's files).
        sandboxArguments[stateIndex] = stateDirectory
        let sandbox = try RoleProcess(name: "sandbox", arguments: sandboxArguments, environment: [:])
        defer {
            sandbox.stop()
            try? FileManager.default.removeItem(atPath: stateDirectory)
        }
        try await eventually("the sandbox is ready", timeout: .seconds(60)) { sandbox.log.contains("sandbox ready") }
        if take(sandboxCommand) { ran.append(sandboxCommand) }
        let platform = try Self.environmentFile(stateDirectory + "/sidecars.env")

        /// Runs one command line the way its kind needs, and records the result.
        func run(_ command: String) async throws {
            let arguments = Self.arguments(of: command)
            if Self.isInteractive(arguments) {
                try await runInteractively(arguments, environment: platform)
            } else if Self.isServer(arguments) {
                let process = try RoleProcess(name: command, arguments: arguments, environment: platform)
                try await waitUntilServing(process, arguments: arguments, http: http)
                process.stop()
                #expect(process.process.terminationStatus == 0, "\(command) after SIGTERM:\n\(process.log)")
            } else {
                let result = try await CommandRun.run(arguments, environment: platform, timeout: .seconds(90))
                #expect(result.status == 0, "\(command)\n\(result)")
            }
            ran.append(command)
        }

        // The three sidecars together, as docs/sandbox.md starts them; the commands that read them run meanwhile.
        let sidecars = ["location", "storage-rest", "rhoai-normalizer"].map { "modelbridge \($0)" }
        var roles: [RoleProcess] = []
        for command in sidecars {
            let process = try RoleProcess(name: command, arguments: Self.arguments(of: command), environment: platform)
            roles.append(process)
        }
        defer { for role in roles { role.stop() } }
        for (command, role) in zip(sidecars, roles) {
            try await waitUntilServing(role, arguments: Self.arguments(of: command), http: http)
        }
        try await eventually("location serves the sandbox's models", timeout: .seconds(60)) {
            let list = try await http.execute(
                HTTPClientRequest(url: "http://127.0.0.1:9090/list"), timeout: .seconds(5))
            let body = try await list.body.collect(upTo: 1 << 24)
            return list.status == .ok && String(buffer: body).contains("model-catalog")
        }
        for command in remaining.sorted() {
            let arguments = Self.arguments(of: command)
            guard arguments.first == "doctor" || arguments.contains(where: { $0.hasPrefix("--attach-") }) else {
                continue
            }
            _ = take(command)
            try await run(command)
        }
        for (command, role) in zip(sidecars, roles) {
            role.stop()
            #expect(role.process.terminationStatus == 0, "\(command) after SIGTERM:\n\(role.log)")
            if take(command) { ran.append(command) }
        }

        for command in remaining.sorted() {
            _ = take(command)
            try await run(command)
        }
        print(
            "documented commands: ran \(ran.count) of \(documented.commands.count) command lines "
                + "(\(documented.marked.count) marked not run)")
        for command in ran.sorted() {
            print("  ran: \(command)  [\(documented.commands[command]?.joined(separator: ", ") ?? "")]")
        }
        #expect(ran.count + documented.marked.count == documented.commands.count)
    }

    /// Waits until every port the role listens on answers `/healthz` (the sandbox: until it prints `sandbox ready`).
    func waitUntilServing(_ process: RoleProcess, arguments: [String], http: HTTPClient) async throws {
        let role = arguments.first ?? ""
        if role == "sandbox" {
            try await eventually("\(arguments) is ready", timeout: .seconds(60)) {
                process.log.contains("sandbox ready")
            }
            return
        }
        for port in Self.rolePorts[role] ?? [] {
            try await eventually("\(arguments) answers /healthz on \(port)", timeout: .seconds(60)) {
                guard process.process.isRunning else { throw ExitedEarly(log: process.log) }
                let response = try await http.execute(
                    HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz"), timeout: .seconds(2))
                return response.status == .ok
            }
        }
    }

    struct ExitedEarly: Error { var log: String }

    /// Runs a terminal program in tmux: its first frame must appear, and `q` must end it with status 0.
    func runInteractively(_ arguments: [String], environment: [String: String]) async throws {
        let session = TmuxSession()
        let status = FileManager.default.temporaryDirectory.appendingPathComponent("mb-status-\(UUID())").path
        defer {
            session.kill()
            try? FileManager.default.removeItem(atPath: status)
        }
        let assignments = environment.merging(["TERM": "xterm-256color"]) { $1 }.map { "\($0.key)=\($0.value)" }
        try session.start(
            ["env"] + assignments.sorted() + [
                "sh", "-c", "\"$0\" \"$@\"; echo $? > \(status)", try RoleProcess.binary(),
            ]
                + arguments)
        try await eventually("\(arguments) draws its first frame", timeout: .seconds(90)) {
            // The console's header is its first line; log lines printed before it do not count.
            try session.screen().split(separator: "\n").first?.hasPrefix("modelbridge console") == true
        }
        try session.keys("q")
        try await eventually("\(arguments) quits on q", timeout: .seconds(30)) {
            FileManager.default.fileExists(atPath: status)
                && !((try? String(contentsOfFile: status, encoding: .utf8)) ?? "").isEmpty
        }
        let code = try String(contentsOfFile: status, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(code == "0", "\(arguments) exited \(code); last screen:\n\((try? session.screen()) ?? "")")
    }
}
