import Foundation

/// Supplies the bearer token for each request: a fixed token, or a file re-read at most every
/// `refreshInterval` (60 s, as client-go) and at once after a 401, because bound service-account tokens rotate.
///
/// ```swift
/// let tokens = BearerTokenProvider(credentials: .tokenFile("/var/run/secrets/…/token"))
/// let token = try await tokens.token()
/// ```
public actor BearerTokenProvider {
    private let credentials: KubeCredentials
    private let refreshInterval: Duration
    private var cached: String?
    private var readAt: ContinuousClock.Instant?

    public init(credentials: KubeCredentials, refreshInterval: Duration = .seconds(60)) {
        self.credentials = credentials
        self.refreshInterval = refreshInterval
    }

    /// The token to send, or nil for no `Authorization` header.
    public func token() throws -> String? {
        switch credentials {
        case .none:
            return nil
        case .token(let token):
            return token
        case .tokenFile(let path):
            let now = ContinuousClock.now
            if let cached, let readAt, now - readAt < refreshInterval { return cached }
            guard let data = FileManager.default.contents(atPath: path) else {
                // A file briefly missing during a kubelet swap: keep the last good token.
                if let cached { return cached }
                throw KubeConfigError("token file \(path) cannot be read")
            }
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            cached = token
            readAt = now
            return token
        }
    }

    /// Forgets the cached token after a 401. Returns whether a re-read could give a different token.
    public func invalidate() -> Bool {
        guard case .tokenFile = credentials else { return false }
        readAt = nil
        return true
    }
}
