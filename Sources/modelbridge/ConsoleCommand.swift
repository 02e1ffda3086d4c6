import ArgumentParser
import ConsoleCore
import ConsoleTerminal
import Foundation

/// `modelbridge console`: the ncurses operations console over the engine's state.
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Browse models, endpoints, TechDocs, the cache and Backstage fetches; trigger resyncs.",
        discussion: """
            Keys: ? help, : commands (:models :endpoints :docs :cache :backstage :events :sync :q), \
            / filter, Enter detail, d describe, y raw, r resync, p re-push, q quit. \
            Every write asks for confirmation first. NO_COLOR turns colours off. \
            The engine wiring (in-process and attached modes) is not connected yet: today the \
            console runs only with --demo-data.
            """)

    @Flag(help: "Refuse every write (resync, re-push); the header shows READ-ONLY.")
    var readOnly = false

    @Flag(help: "Draw frames and symbols in ASCII (automatic when the locale is not UTF-8).")
    var ascii = false

    @Option(help: "Colours: auto (from COLORFGBG), dark, light, or none. NO_COLOR always means none.")
    var theme: ThemeChoice = .auto

    @Option(help: "The view to open first: models, endpoints, docs, cache, backstage or events.")
    var view: String = "models"

    @Option(help: "Attach to a running location sidecar at this URL instead of running the engine in-process.")
    var attachLocation: String?

    @Option(help: "Attach to a running storage-rest sidecar at this URL.")
    var attachStorage: String?

    @Option(help: "Attach to a running rhoai-normalizer sidecar at this URL.")
    var attachNormalizer: String?

    @Flag(help: "Show built-in SAMPLE DATA (six made-up models), not a cluster; writes do nothing.")
    var demoData = false

    @Option(help: "Print one frame as text at this size (for example 100x30) and exit, without a terminal.")
    var printFrame: String?

    enum ThemeChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, dark, light, none
    }

    func validate() throws {
        guard ViewKind(rawValue: view) != nil else {
            throw ValidationError("--view must be one of: models, endpoints, docs, cache, backstage, events")
        }
        if let printFrame, Self.parseSize(printFrame) == nil {
            throw ValidationError("--print-frame takes COLUMNSxROWS, for example 100x30")
        }
        guard demoData else {
            let attached = [attachLocation, attachStorage, attachNormalizer].contains { $0 != nil }
            throw ValidationError(
                attached
                    ? "attached mode is not wired to the engine yet; run with --demo-data to see the console on sample data"
                    : "the in-process engine is not wired to the console yet; run with --demo-data to see it on sample data"
            )
        }
    }

    static func parseSize(_ text: String) -> Size? {
        let parts = text.lowercased().split(separator: "x")
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), width > 0, height > 0 else {
            return nil
        }
        return Size(width: width, height: height)
    }

    func run() async throws {
        let now = Timestamp(secondsSince1970: Date().timeIntervalSince1970)
        let engine = StaticConsoleEngine(snapshot: .sample(at: now))
        let options = ConsoleOptions(readOnly: readOnly, ascii: ascii, startView: ViewKind(rawValue: view) ?? .models)
        if let printFrame, let size = Self.parseSize(printFrame) {
            print(await ConsoleRunner.frameText(engine: engine, options: options, size: size))
            return
        }
        let palette: TerminalTheme.Palette? =
            switch theme {
            case .auto: nil
            case .dark: .dark
            case .light: .light
            case .none: .monochrome
            }
        let environment = ProcessInfo.processInfo.environment
        // ncurses owns this thread until the user quits; engine tasks run on the cooperative pool.
        try ConsoleRunner.run(
            engine: engine, options: options, settings: CursesTerminal.Settings(palette: palette),
            environment: environment)
    }
}
