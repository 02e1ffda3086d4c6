import ConsoleCore
import Glibc
import Synchronization

/// Messages posted from engine tasks to the UI thread.
final class Mailbox: Sendable {
    private let messages = Mutex<[Msg]>([])

    func post(_ message: Msg) {
        messages.withLock { $0.append(message) }
    }

    func drain() -> [Msg] {
        messages.withLock { messages in
            defer { messages.removeAll() }
            return messages
        }
    }
}

/// The console's run loop: keys from the terminal and snapshots and action results from the
/// engine go through `update`; effects run as tasks; frames are drawn when something changed.
///
/// ```swift
/// try ConsoleRunner.run(engine: StaticConsoleEngine(snapshot: .sample()),
///                       options: ConsoleOptions(readOnly: true), settings: .init())
/// ```
///
/// It blocks the calling thread, which owns ncurses; engine work runs on the cooperative pool
/// and reaches the loop through a mutex-protected mailbox (never the main actor).
public enum ConsoleRunner {
    /// Runs until the user quits; returns after the terminal is restored.
    public static func run(
        engine: some ConsoleEngine, options: ConsoleOptions, settings: CursesTerminal.Settings,
        environment: [String: String]
    ) throws {
        let terminal = try CursesTerminal(settings: settings, environment: environment)
        defer { terminal.close() }
        var options = options
        if !terminal.isUTF8 { options.ascii = true }
        let mailbox = Mailbox()
        let feeder = Task {
            for await snapshot in engine.snapshots() {
                if Task.isCancelled { break }
                mailbox.post(.snapshot(snapshot))
            }
        }
        var actions: [Task<Void, Never>] = []
        defer {
            feeder.cancel()
            for action in actions { action.cancel() }
        }
        var state = ConsoleState(options: options, size: terminal.size)
        if let message = terminal.fallbackMessage {
            // Long enough to be read (other flashes last seconds); the next message replaces it.
            state.flash = Flash(
                text: message, isError: true, expires: Timestamp(secondsSince1970: wallClock() + 60))
        }
        var lastTick = -1.0
        var dirty = true
        while true {
            var messages: [Msg] = []
            switch terminal.read(timeoutMilliseconds: 100) {
            case .key(let key): messages.append(.key(key))
            case .resize(let size): messages.append(.resize(size))
            case nil: break
            }
            messages += mailbox.drain()
            let now = wallClock()
            if now - lastTick >= 1 {
                messages.append(.tick(Timestamp(secondsSince1970: now)))
                lastTick = now
            }
            for message in messages {
                dirty = true
                for effect in update(&state, message) {
                    switch effect {
                    case .perform(let action):
                        actions.removeAll { $0.isCancelled }
                        actions.append(Task { mailbox.post(.actionFinished(await engine.perform(action))) })
                    case .copy(let text): terminal.copyToClipboard(text)
                    case .redraw: terminal.invalidate()
                    case .quit: return
                    }
                }
            }
            if dirty {
                terminal.present(view(state, terminal.size))
                dirty = false
            }
        }
    }

    /// Renders one frame of `engine`'s first snapshot as text, without a terminal
    /// (`modelbridge console --print-frame`): the same path as the screen, minus ncurses.
    public static func frameText(
        engine: some ConsoleEngine, options: ConsoleOptions, size: Size, keys: [Key] = []
    ) async -> String {
        var state = ConsoleState(options: options, size: size)
        for await snapshot in engine.snapshots() {
            _ = update(&state, .snapshot(snapshot))
            break
        }
        for key in keys { _ = update(&state, .key(key)) }
        return view(state, size).text
    }

    static func wallClock() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
