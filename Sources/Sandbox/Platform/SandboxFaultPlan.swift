/// Faults to inject into the running sandbox, as posted to `POST /sandbox/faults` or given to
/// `--faults` (JSON; every field optional). A new plan replaces the previous one; it lasts
/// `durationSeconds`, or until `DELETE /sandbox/faults`.
///
/// ```json
/// {"registryErrorRate": 0.3, "registryLatencyMilliseconds": 200, "durationSeconds": 60}
/// {"catalogOutage": true}
/// {"kubeConflicts": 20, "kubeTooManyRequests": 5, "kubeWatchDropSeconds": 10}
/// ```
public struct SandboxFaultPlan: Sendable, Hashable, Codable {
    /// Registries the registry faults apply to, by name; nil or empty means every registry.
    public var registries: [String]?
    /// Fraction (0–1) of registry requests answered with a JSON `{code, message}` error.
    public var registryErrorRate: Double?
    /// The status of those errors (503 by default).
    public var registryErrorStatus: Int?
    /// Fraction (0–1) of registry requests answered with an HTML 502 page (a router's, not JSON).
    public var registryProxyErrorRate: Double?
    /// Extra latency on every registry and catalog request.
    public var registryLatencyMilliseconds: Int?
    /// One page of every paged registry list fails while the plan lasts.
    public var failingPage: FailingPage?
    /// Every catalog request answers 503.
    public var catalogOutage: Bool?
    /// The Kubernetes API drops every open watch this often.
    public var kubeWatchDropSeconds: Double?
    /// The Kubernetes API forgets its history this often (watches and `continue` tokens get 410).
    public var kubeExpireSeconds: Double?
    /// The next N ConfigMap writes (PUT, PATCH) answer 409 Conflict.
    public var kubeConflicts: Int?
    /// The next N Kubernetes requests answer 429 with `Retry-After`.
    public var kubeTooManyRequests: Int?
    /// The `Retry-After` of those 429s (1 s by default).
    public var kubeRetryAfterSeconds: Int?
    /// How long the plan lasts; nil lasts until cleared.
    public var durationSeconds: Double?

    /// A failing page of the registries' paged lists.
    public struct FailingPage: Sendable, Hashable, Codable {
        /// 1-based page number.
        public var page: Int
        public var status: Int?
        /// Only lists whose path contains this (e.g. `registered_models`); nil for all.
        public var pathContains: String?

        public init(page: Int, status: Int? = nil, pathContains: String? = nil) {
            self.page = page
            self.status = status
            self.pathContains = pathContains
        }
    }

    public init(
        registries: [String]? = nil, registryErrorRate: Double? = nil, registryErrorStatus: Int? = nil,
        registryProxyErrorRate: Double? = nil, registryLatencyMilliseconds: Int? = nil, failingPage: FailingPage? = nil,
        catalogOutage: Bool? = nil, kubeWatchDropSeconds: Double? = nil, kubeExpireSeconds: Double? = nil,
        kubeConflicts: Int? = nil, kubeTooManyRequests: Int? = nil, kubeRetryAfterSeconds: Int? = nil,
        durationSeconds: Double? = nil
    ) {
        self.registries = registries
        self.registryErrorRate = registryErrorRate
        self.registryErrorStatus = registryErrorStatus
        self.registryProxyErrorRate = registryProxyErrorRate
        self.registryLatencyMilliseconds = registryLatencyMilliseconds
        self.failingPage = failingPage
        self.catalogOutage = catalogOutage
        self.kubeWatchDropSeconds = kubeWatchDropSeconds
        self.kubeExpireSeconds = kubeExpireSeconds
        self.kubeConflicts = kubeConflicts
        self.kubeTooManyRequests = kubeTooManyRequests
        self.kubeRetryAfterSeconds = kubeRetryAfterSeconds
        self.durationSeconds = durationSeconds
    }

    /// Why the plan cannot be applied, or nil when it is valid.
    public var problem: String? {
        for (name, rate) in [
            ("registryErrorRate", registryErrorRate), ("registryProxyErrorRate", registryProxyErrorRate),
        ] {
            if let rate, !(0...1).contains(rate) { return "\(name) must be between 0 and 1" }
        }
        if (registryErrorRate ?? 0) + (registryProxyErrorRate ?? 0) > 1 {
            return "registryErrorRate + registryProxyErrorRate must not exceed 1"
        }
        if let status = registryErrorStatus, !(400...599).contains(status) {
            return "registryErrorStatus must be 4xx or 5xx"
        }
        for (name, value) in [
            ("kubeWatchDropSeconds", kubeWatchDropSeconds), ("kubeExpireSeconds", kubeExpireSeconds),
            ("durationSeconds", durationSeconds),
        ] {
            if let value, !(value > 0) { return "\(name) must be positive" }
        }
        for (name, value) in [
            ("registryLatencyMilliseconds", registryLatencyMilliseconds), ("kubeConflicts", kubeConflicts),
            ("kubeTooManyRequests", kubeTooManyRequests), ("kubeRetryAfterSeconds", kubeRetryAfterSeconds),
        ] {
            if let value, value < 0 { return "\(name) must not be negative" }
        }
        if let page = failingPage?.page, page < 1 { return "failingPage.page is 1-based" }
        return nil
    }
}
