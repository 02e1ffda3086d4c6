/// The `:` commands and their aliases; command mode, completion and help all read this list.
public enum CommandCatalog {
    /// One command.
    public struct Command: Hashable, Sendable {
        /// The name first, then aliases.
        public var names: [String]
        public var help: String
        /// True for commands that write (through a confirm dialog).
        public var isWrite: Bool
    }

    /// Every command.
    public static let commands: [Command] = [
        Command(names: ["models", "model", "mo", "m"], help: "published models", isWrite: false),
        Command(
            names: ["endpoints", "ep", "isvc", "inferenceservices"], help: "inference endpoints", isWrite: false),
        Command(names: ["docs", "techdocs", "td", "cards"], help: "TechDocs model cards", isWrite: false),
        Command(names: ["cache", "cm", "configmaps"], help: "ConfigMap cache shards", isWrite: false),
        Command(names: ["backstage", "bs", "rhdh"], help: "what Backstage fetched", isWrite: false),
        Command(names: ["events", "ev", "log"], help: "engine and console events", isWrite: false),
        Command(names: ["sync", "resync"], help: "resync everything; `:sync KEY` one model", isWrite: true),
        Command(names: ["help", "h"], help: "this help", isWrite: false),
        Command(names: ["q", "quit", "q!", "exit"], help: "quit", isWrite: false),
    ]

    static let views: [String: ViewKind] = [
        "models": .models, "endpoints": .endpoints, "docs": .techDocs, "cache": .cache,
        "backstage": .backstage, "events": .events,
    ]

    /// The command `name` or one of its aliases names.
    public static func command(named name: String) -> Command? {
        commands.first { $0.names.contains(name.lowercased()) }
    }

    /// The first command or alias that starts with `prefix`, for Tab completion.
    public static func complete(_ prefix: String) -> String? {
        guard !prefix.isEmpty, !prefix.contains(" ") else { return nil }
        return commands.flatMap(\.names).first { $0.hasPrefix(prefix.lowercased()) }
    }
}
