/// Everything that can happen to the console; `update` turns each into a new state and effects.
public enum Msg: Hashable, Sendable {
    /// The user pressed a key.
    case key(Key)
    /// The terminal changed size.
    case resize(Size)
    /// The engine's state changed.
    case snapshot(EngineSnapshot)
    /// A write the console asked for has finished.
    case actionFinished(ActionResult)
    /// The clock moved (about once a second); ages and flash expiry use it.
    case tick(Timestamp)
}

/// A write the console can ask the engine for. Each one goes through a confirm dialog.
public enum WriteAction: Hashable, Sendable, CustomStringConvertible {
    /// Re-read every source and rewrite what changed.
    case resyncAll
    /// Re-read one model (by storage key) and rewrite it.
    case resyncModel(key: String)
    /// Push one cache entry (by storage key) to `location` again.
    case repushCacheEntry(key: String)

    public var description: String {
        switch self {
        case .resyncAll: "resync everything"
        case .resyncModel(let key): "resync model \(key)"
        case .repushCacheEntry(let key): "re-push cache entry \(key)"
        }
    }
}

/// How a write ended.
public struct ActionResult: Hashable, Sendable {
    public var action: WriteAction
    public var succeeded: Bool
    /// What the engine said: a summary on success, the error on failure.
    public var message: String

    /// Creates a result.
    public init(action: WriteAction, succeeded: Bool, message: String) {
        self.action = action
        self.succeeded = succeeded
        self.message = message
    }
}

/// What `update` asks the outside world to do; the terminal's run loop performs them.
public enum Effect: Hashable, Sendable {
    /// Perform a confirmed write through the engine, then send `.actionFinished`.
    case perform(WriteAction)
    /// Put text on the clipboard (OSC 52).
    case copy(String)
    /// Repaint the whole screen from scratch (Ctrl-L).
    case redraw
    /// Restore the terminal and exit.
    case quit
}
