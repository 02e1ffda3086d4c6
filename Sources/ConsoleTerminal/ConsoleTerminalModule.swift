import ConsoleCore

/// Placeholder until the terminal layer lands.
enum ConsoleTerminalModule {}
