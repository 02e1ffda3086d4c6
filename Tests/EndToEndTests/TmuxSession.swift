import Foundation

/// A detached tmux session for driving a terminal program: start it, read the screen, type keys.
struct TmuxSession {
    let name: String

    init(_ name: String = "modelbridge-e2e-\(getpid())-\(UUID().uuidString.prefix(6))") { self.name = name }

    /// Whether tmux can run here at all.
    static var isAvailable: Bool { (try? TmuxSession("probe").tmux(["-V"]).status) == 0 }

    /// Runs tmux and returns its status and output. It is spawned with every inherited
    /// descriptor above stderr closed and its output in a file: the tmux server that
    /// `new-session` forks would otherwise keep the test's descriptors (and its wait) open.
    @discardableResult
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

    /// Starts `command` (program and arguments) in a new session of the given size.
    func start(_ command: [String], columns: Int = 120, rows: Int = 36) throws {
        try tmux(["new-session", "-d", "-s", name, "-x", "\(columns)", "-y", "\(rows)"] + command)
    }

    func screen() throws -> String { try tmux(["capture-pane", "-t", name, "-p"]).output }

    func keys(_ keys: String...) throws { try tmux(["send-keys", "-t", name] + keys) }

    /// Whether the session still exists (it ends when its program exits).
    var isRunning: Bool { (try? tmux(["has-session", "-t", name]).status) == 0 }

    func kill() { _ = try? tmux(["kill-session", "-t", name]) }
}
