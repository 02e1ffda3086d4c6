import Foundation
import KubeAPI
import Logging
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
    /// Issue 19's end-to-end check: the demo's in-process console in one terminal, and in another the console attached
    /// by `--pod` to the demo's simulated Developer Hub pod through the fake API server's `pods/proxy`, with the
    /// demo's kubeconfig. Both must show the same endpoint, the same TechDocs reason and the same registry event. The
    /// attached console is read-only; a third, attached by `--selector` with `--allow-writes`, resyncs through the
    /// confirmation dialog and shows the result.
    @Test func attachedByPodTheConsoleShowsTheEndpointReasonAndEventTheInProcessConsoleShows() async throws {
        guard TmuxSession.isAvailable else {
            if ProcessInfo.processInfo.environment["CI"] != nil { Issue.record("tmux is not installed") }
            return
        }
        let binary = try RoleProcess.binary()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mb-tmux-pod-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let inProcess = TmuxSession()
        try inProcess.start(
            [
                "env", "TERM=xterm-256color", binary, "demo", "--state-dir", directory, "--probe-interval", "1s",
                "--backstage-interval", "1s",
            ], columns: 160, rows: 40)
        defer { inProcess.kill() }
        try await eventually("the demo console shows its models", timeout: .seconds(90)) {
            let text = try inProcess.screen()
            return text.contains("Models [") && text.contains("mnist")
        }
        let kubeconfig = directory + "/kubeconfig"
        let kube = try KubeClient(
            config: try KubeConfig.fromKubeconfig(paths: [kubeconfig]), logger: Logger(label: "t"))
        let pods = try await kube.listPods(
            namespace: "rhdh", labelSelector: "rhdh.redhat.com/app=backstage-developer-hub")
        try? await kube.shutdown()
        let pod = try #require(pods.first?.metadata.name, "the demo created its Developer Hub pod")
        let attached = TmuxSession()
        try attached.start(
            [
                "env", "TERM=xterm-256color", binary, "console", "--pod", pod, "-n", "rhdh", "--kubeconfig", kubeconfig,
            ], columns: 160, rows: 40)
        defer { attached.kill() }
        try await eventually("the console attached by pod shows the models, read-only", timeout: .seconds(60)) {
            let text = try attached.screen()
            return text.contains("Models [") && text.contains("mnist") && text.contains("READ-ONLY")
                && text.contains("pod rhdh/")
        }
        for console in [inProcess, attached] {
            let which = console.name == inProcess.name ? "in-process" : "attached by pod"
            try console.keys("2")
            try await eventually("\(which): the endpoint of granite-instruct") {
                let text = try console.screen()
                return text.contains("Endpoints [") && text.contains("granite-instruct-team-a.apps.sandbox.example")
            }
            try console.keys(":", "docs", "Enter")
            try await eventually("\(which): a TechDocs reason") {
                try console.screen().contains("registered before RHOAI 2.25")
            }
            try console.keys(":", "events", "Enter")
            try await eventually("\(which): the events view") { try console.screen().contains("Events [") }
            try console.keys("/", "live versions", "Enter")
            try await eventually("\(which): the public registry's read event") {
                let text = try console.screen()
                return text.contains("modelregistry-public-https") && text.contains("live versions")
            }
        }
        try attached.keys("F5")
        try await eventually("read-only, the resync is refused and the console says how to allow it") {
            try attached.screen().contains("start the console with --allow-writes")
        }
        try attached.keys("q")
        try await eventually("the attached console quits", timeout: .seconds(20)) { !attached.isRunning }

        let writer = TmuxSession()
        try writer.start(
            [
                "env", "TERM=xterm-256color", binary, "console", "--selector",
                "rhdh.redhat.com/app=backstage-developer-hub", "-n", "rhdh", "--kubeconfig", kubeconfig,
                "--allow-writes",
            ], columns: 160, rows: 40)
        defer { writer.kill() }
        try await eventually("the writable console shows the models", timeout: .seconds(60)) {
            let text = try writer.screen()
            return text.contains("Models [") && text.contains("mnist") && !text.contains("READ-ONLY")
        }
        try writer.keys(":", "sync", "Enter")
        try await eventually("the write asks first") { try writer.screen().contains("Resync everything?") }
        try writer.keys("y")
        try await eventually("the resync went to the normalizer through pods/proxy, and the result shows") {
            try writer.screen().contains("full resync requested")
        }
        try writer.keys("q")
        try await eventually("the writable console quits", timeout: .seconds(20)) { !writer.isRunning }
    }

    /// A terminal type with no terminfo entry here: the console still starts, draws in ASCII and says why.
    @Test func withoutATerminfoEntryTheConsoleDrawsInASCIIAndSaysWhy() async throws {
        guard TmuxSession.isAvailable else {
            if ProcessInfo.processInfo.environment["CI"] != nil { Issue.record("tmux is not installed") }
            return
        }
        let binary = try RoleProcess.binary()
        let console = TmuxSession()
        try console.start(["env", "TERM=no-such-terminal", binary, "console", "--demo-data"], columns: 120, rows: 30)
        defer { console.kill() }
        try await eventually("an ASCII frame and the reason", timeout: .seconds(30)) {
            let text = try console.screen()
            return text.contains("+- Models [") && text.contains("no terminfo entry for TERM=no-such-terminal")
        }
        #expect(try !console.screen().contains("┌"))
        try console.keys("q")
        try await eventually("the console quits", timeout: .seconds(20)) { !console.isRunning }
    }
}
