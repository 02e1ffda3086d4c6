/// Exponential backoff between failed watches, with client-go's reflector numbers: 800 ms initial, doubling,
/// 30 s cap, jitter 1.0 (each delay is stretched by a random 0–100 %), reset after 2 minutes without failures.
///
/// A pure value: the caller passes the current time, so tests need no clock.
///
/// ```swift
/// var backoff = WatchBackoff()
/// let delay = backoff.nextDelay(now: .now)   // 0.8 s … 1.6 s
/// ```
public struct WatchBackoff: Sendable {
    public var initial: Duration
    public var maximum: Duration
    public var factor: Double
    public var jitter: Double
    public var resetAfter: Duration

    private var current: Duration?
    private var lastFailure: ContinuousClock.Instant?

    public init(
        initial: Duration = .milliseconds(800), maximum: Duration = .seconds(30), factor: Double = 2,
        jitter: Double = 1.0, resetAfter: Duration = .seconds(120)
    ) {
        self.initial = initial
        self.maximum = maximum
        self.factor = factor
        self.jitter = jitter
        self.resetAfter = resetAfter
    }

    /// The delay before the next attempt; `random` in 0..<1 picks the jitter (injectable for tests).
    public mutating func nextDelay(
        now: ContinuousClock.Instant, random: Double = Double.random(in: 0..<1)
    ) -> Duration {
        if let lastFailure, now - lastFailure > resetAfter { current = nil }
        let base = current ?? initial
        current = min(base * factor, maximum)
        lastFailure = now
        return base + base * (jitter * random)
    }

    /// Forgets past failures.
    public mutating func reset() {
        current = nil
        lastFailure = nil
    }
}
