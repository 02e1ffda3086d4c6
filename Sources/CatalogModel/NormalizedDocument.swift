import Foundation

/// Which path produced a document (upstream's `type` query parameter, stored as `reconcilerType`).
public enum ReconcilerType: String, Hashable, Sendable, Codable {
    case kubeflow
    case kserve
}

/// A model card to serve at `/modelcard?key=`.
public struct ModelCard: Hashable, Sendable {
    /// The opaque key the TechDocs link carries.
    public var key: String
    /// The markdown (the catalog model's `readme`).
    public var markdown: String

    public init(key: String, markdown: String) {
        self.key = key
        self.markdown = markdown
    }
}

/// The normalizer's result for one key: the document plus what storage and `location` need.
public struct NormalizedDocument: Hashable, Sendable {
    public var key: ImportKey
    public var document: ModelCatalog
    /// Newest `lastUpdateTimeSinceEpoch` of the inputs (numeric comparison, B6); `""` if unknown.
    public var epoch: String
    public var modelCard: ModelCard?
    public var reconcilerType: ReconcilerType
    /// The legacy catalog-info YAML of the same inputs; empty when the normalizer was asked for
    /// JSON only.
    public var legacyYAML: String

    /// The body `location` serves, in the given format.
    public func body(format: NormalizerFormat) throws -> Data {
        switch format {
        case .jsonArray: return try document.encodedJSON()
        case .catalogInfoYaml: return Data(legacyYAML.utf8)
        }
    }
}

/// Epoch strings compared as numbers (B6): the larger of the parseable ones, else the first non-empty.
func newestEpoch(_ epochs: [String?]) -> String {
    let present = epochs.compactMap { $0 }.filter { !$0.isEmpty }
    let numeric = present.compactMap { text in Int64(text).map { (text, $0) } }
    if let newest = numeric.max(by: { $0.1 < $1.1 }) { return newest.0 }
    return present.first ?? ""
}

/// Whether `text` parses as an absolute http(s) URL with a host.
func isHTTPURL(_ text: String?) -> Bool {
    guard let text, let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
        scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
    else { return false }
    return true
}

/// Value or `nil` when empty, for fields that must be omitted rather than `""` (C17).
func nonEmpty(_ text: String?) -> String? {
    guard let text, !text.isEmpty else { return nil }
    return text
}
