import Foundation
import Prometheus
import Synchronization

/// The `process_*` families of Prometheus' Go client, read from `/proc/self` at each scrape:
/// CPU seconds, resident and virtual memory, open and maximum file descriptors, start time.
/// Where `/proc` is missing (not Linux) nothing is set, and the families stay absent.
final class ProcessMetrics: Sendable {
    private let cpuSeconds: Counter
    private let residentBytes: Gauge
    private let virtualBytes: Gauge
    private let openFileDescriptors: Gauge
    private let maximumFileDescriptors: Gauge
    private let startTime: Gauge
    /// CPU seconds already added to the counter (it only goes up, by the difference).
    private let countedCPU = Mutex<Double>(0)

    init(registry: PrometheusCollectorRegistry) {
        cpuSeconds = registry.counter(
            "process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds.")
        residentBytes = registry.gauge("process_resident_memory_bytes", help: "Resident memory size in bytes.")
        virtualBytes = registry.gauge("process_virtual_memory_bytes", help: "Virtual memory size in bytes.")
        openFileDescriptors = registry.gauge("process_open_fds", help: "Number of open file descriptors.")
        maximumFileDescriptors = registry.gauge("process_max_fds", help: "Maximum number of open file descriptors.")
        startTime = registry.gauge(
            "process_start_time_seconds", help: "Start time of the process since unix epoch in seconds.")
    }

    func update() {
        guard let stat = ProcessStat(pid: nil) else { return }
        let ticks = ProcessStat.ticksPerSecond
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        guard ticks > 0, pageSize > 0 else { return }
        let cpu = stat.cpuSeconds
        let added = countedCPU.withLock { counted -> Double in
            let delta = max(0, cpu - counted)
            counted += delta
            return delta
        }
        if added > 0 { cpuSeconds.increment(by: added) }
        residentBytes.set(to: stat.residentPages * pageSize)
        virtualBytes.set(to: stat.virtualBytes)
        if let bootTime = Self.bootTime() { startTime.set(to: bootTime + stat.startTicks / ticks) }
        if let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            openFileDescriptors.set(to: Double(descriptors.count))
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            maximumFileDescriptors.set(to: Double(limit.rlim_cur))
        }
    }

    /// The boot time in seconds since the epoch (`btime` of `/proc/stat`).
    static func bootTime() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }
}

/// The figures of `/proc/<pid>/stat` that the metrics and the bench use (proc(5)).
public struct ProcessStat: Equatable, Sendable {
    public var userTicks: Double
    public var systemTicks: Double
    public var startTicks: Double
    public var virtualBytes: Double
    public var residentPages: Double

    /// Clock ticks per second, the unit of the tick fields.
    public static var ticksPerSecond: Double { Double(sysconf(Int32(_SC_CLK_TCK))) }

    /// User plus system CPU time, in seconds.
    public var cpuSeconds: Double { (userTicks + systemTicks) / Self.ticksPerSecond }

    /// Reads `/proc/<pid>/stat` (`nil`: this process); `nil` where it is missing or unreadable.
    public init?(pid: Int32?) {
        let path = "/proc/\(pid.map(String.init) ?? "self")/stat"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        self.init(text)
    }

    /// Fields are counted from 1 as in proc(5); the command name (field 2) may hold spaces and
    /// parentheses, so the fields after it are counted from its last `)`.
    public init?(_ text: String) {
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        // fields[0] is field 3 (state): field N is fields[N - 3].
        func field(_ number: Int) -> Double? {
            number - 3 < fields.count
                ? Double(fields[number - 3].trimmingCharacters(in: .whitespacesAndNewlines)) : nil
        }
        guard let utime = field(14), let stime = field(15), let start = field(22), let vsize = field(23),
            let rss = field(24)
        else { return nil }
        userTicks = utime
        systemTicks = stime
        startTicks = start
        virtualBytes = vsize
        residentPages = rss
    }
}
