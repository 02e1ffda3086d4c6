/// Placeholder until the console core lands.
public enum ConsoleCoreModule {}
