/// Placeholder until the fake platform servers land.
enum SandboxModule {}
