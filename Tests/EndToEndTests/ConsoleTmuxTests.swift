import Foundation
import Testing

/// The console end to end, as an operator uses it: `modelbridge demo` in tmux, driven with
/// send-keys and read with capture-pane.
@Suite(.serialized) struct ConsoleTmuxTests {
    let session = TmuxSession()

    func tmux(_ arguments: [String]) throws -> (status: Int32, output: String) { try session.tmux(arguments) }

    func screen() throws -> String { try session.screen() }

    func keys(_ keys: String...) throws { try session.tmux(["send-keys", "-t", session.name] + keys) }

    @Test func theDemoConsoleSwitchesViewsFiltersOpensADetailResizesAndQuits() async throws {
        guard (try? tmux(["-V"]).status) == 0 else {
            if ProcessInfo.processInfo.environment["CI"] != nil { Issue.record("tmux is not installed") }
            return
        }
        let binary = try RoleProcess.binary()
        _ = try tmux([
            "new-session", "-d", "-s", session.name, "-x", "120", "-y", "36", "env", "TERM=xterm-256color", binary,
            "demo",
            "--probe-interval", "1s", "--backstage-interval", "1s",
        ])
        defer { _ = try? tmux(["kill-session", "-t", session.name]) }
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
        _ = try tmux(["resize-window", "-t", session.name, "-x", "80", "-y", "24"])
        try await eventually("the frame is redrawn at 80 columns") {
            try screen().split(separator: "\n").allSatisfy { $0.count <= 80 }
        }
        try keys("q")
        try await eventually("the console quits and the session ends", timeout: .seconds(20)) {
            try tmux(["has-session", "-t", session.name]).status != 0
        }
    }
}
