/// The settings every normalizer run shares (`DEFAULT_OWNER`, `DEFAULT_LIFECYCLE`, where
/// `location` serves model cards).
public struct NormalizerSettings: Hashable, Sendable {
    /// Owner when nothing else names one; sanitised, never empty (C15, C16).
    public var defaultOwner: String
    /// Lifecycle when nothing else names one; sanitised, never empty (C16).
    public var defaultLifecycle: String
    /// Base of model-card links; the TechDocs reader accepts `localhost:9090` or the
    /// provider's `baseUrl` host and port (C20).
    public var modelCardBaseURL: String

    /// The upstream fallbacks.
    public static let fallbackOwner = "rhdh-rhoai-bridge"
    public static let fallbackLifecycle = "development"

    /// Builds settings from raw environment values, applying upstream's sanitising and fallbacks.
    public init(
        defaultOwner: String? = nil, defaultLifecycle: String? = nil,
        modelCardBaseURL: String = "http://localhost:9090"
    ) {
        let owner = NameSanitizer.sanitizeName(defaultOwner ?? "")
        let lifecycle = NameSanitizer.sanitizeName(defaultLifecycle ?? "")
        self.defaultOwner = owner.isEmpty ? NormalizerSettings.fallbackOwner : owner
        self.defaultLifecycle = lifecycle.isEmpty ? NormalizerSettings.fallbackLifecycle : lifecycle
        self.modelCardBaseURL = BaseURL(modelCardBaseURL).text
    }
}
