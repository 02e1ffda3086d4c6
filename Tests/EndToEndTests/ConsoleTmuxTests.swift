import Foundation
import Testing

/// The console end to end, as an operator uses it: `modelbridge demo` in tmux, driven with
/// send-keys and read with capture-pane.
@Suite(.serialized) struct ConsoleTmuxTests {
    let session = "modelbridge-e2e-\(getpid())"

    /// Runs tmux and returns its status and output. It is spawned with every inherited
    /// descriptor above stderr closed and its output in a file: the tmux server that
    /// `new-session` forks would otherwise keep the test's descriptors (and its wait) open.
    func tmux(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, file, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap(Int32.init) where descriptor > 2 && fcntl(descriptor, F_GETFD) >= 0 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
        let argv = (["tmux"] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, "tmux", &actions, nil, argv, environ)
        guard spawned == 0 else { return (127, "cannot run tmux: \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exit, (try? String(contentsOfFile: file, encoding: .utf8)) ?? "")
    }

    func screen() throws -> String { try tmux(["capture-pane", "-t", session, "-p"]).output }

    func keys(_ keys: String...) throws { _ = try tmux(["send-keys", "-t", session] + keys) }

    @Test func theDemoConsoleSwitchesViewsFiltersOpensADetailResizesAndQuits() async throws {
        guard (try? tmux(["-V"]).status) == 0 else {
            if ProcessInfo.processInfo.environment["CI"] != nil { Issue.record("tmux is not installed") }
            return
        }
        let binary = try RoleProcess.binary()
        _ = try tmux([
            "new-session", "-d", "-s", session, "-x", "120", "-y", "36", "env", "TERM=xterm-256color", binary, "demo",
            "--probe-interval", "1s", "--backstage-interval", "1s",
        ])
        defer { _ = try? tmux(["kill-session", "-t", session]) }
        try await eventually("the models appear", timeout: .seconds(90)) {
            let text = try screen()
            return text.contains("Models [") && text.contains("mnist") && text.contains("200")
        }
        try keys("2")
        try await eventually("the endpoints view opens") { try screen().contains("Endpoints [") }
        try keys(":", "docs", "Enter")
        try await eventually("the TechDocs view opens") { try screen().contains("TechDocs [") }
        try await eventually("a reason is shown") { try screen().contains("registered before RHOAI 2.25") }
        try keys("1")
        try await eventually("back on models") { try screen().contains("Models [") }
        try keys("/", "mnist", "Enter")
        try await eventually("the filter keeps only mnist") {
            let text = try screen()
            return text.contains("mnist") && !text.contains("phi-3-mini")
        }
        try keys("Enter")
        try await eventually("a detail pane opens") { try screen().contains("Detail ") }
        try keys("Escape")
        // Wait for the Escape to land on its own, or ncurses reads the next key as Alt+key.
        try await eventually("the detail pane closes") { try !screen().contains("Detail ") }
        _ = try tmux(["resize-window", "-t", session, "-x", "80", "-y", "24"])
        try await eventually("the frame is redrawn at 80 columns") {
            try screen().split(separator: "\n").allSatisfy { $0.count <= 80 }
        }
        try keys("q")
        try await eventually("the console quits and the session ends", timeout: .seconds(20)) {
            try tmux(["has-session", "-t", session]).status != 0
        }
    }
}
