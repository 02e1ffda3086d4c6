/// The version of this build: what `modelbridge --version` prints, and what `scripts/image` writes into the
/// image's tag and `org.opencontainers.image.version` label. Change it here only.
enum ModelBridgeVersion {
    static let current = "0.14.0"
}
