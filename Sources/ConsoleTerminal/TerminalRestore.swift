import CNCursesW

/// Restores the terminal however the process ends: the shim's signal handlers and `atexit`
/// hook put the saved termios back and leave the alternate screen, then hand the signal on.
/// Every call into the shim's restore state lives in this file (its statics are per file).
enum TerminalRestore {
    /// Saves the terminal modes and installs the handlers; false when stdin is not a terminal.
    static func arm() -> Bool { cnc_arm_terminal_restore() != 0 }

    /// Removes the handlers after a clean `endwin`.
    static func disarm() { cnc_disarm_terminal_restore() }
}
