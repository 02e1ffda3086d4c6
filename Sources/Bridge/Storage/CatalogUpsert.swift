import CatalogModel
import Foundation

/// One document on its way to storage and `location`: a typed key, the reconciler type and
/// the body, encoded once.
///
/// Two things make one. ``init(rendered:)`` takes a document this process rendered: it is a
/// model-catalog document by construction, so nothing decodes it again. ``checked(key:type:body:format:)``
/// is the HTTP edge (and the load from storage): it parses the strings and validates the body.
/// Past those, nothing parses a key or decodes a document.
public struct CatalogUpsert: Sendable, Hashable {
    public let key: ImportKey
    /// `nil` when the sender named none (upstream's storage-rest accepts an empty `type`).
    public let type: ReconcilerType?
    public let body: UpsertBody

    /// A rendered document: typed as rendered, not validated again.
    public init(rendered document: NormalizedDocument, body: UpsertBody) {
        self.key = document.key
        self.type = document.reconcilerType
        self.body = body
    }

    init(key: ImportKey, type: ReconcilerType?, body: UpsertBody) {
        self.key = key
        self.type = type
        self.body = body
    }

    /// Parses and validates an upsert that came as strings: the key must be a storage key,
    /// `type` (storage-rest's query parameter; `nil` where there is none) empty or a reconciler
    /// type, the body non-empty and, in the JSON format, a model-catalog document. So a bad
    /// upsert is refused before anything changes.
    public static func checked(
        key rawKey: String, type rawType: String?, body: UpsertBody, format: NormalizerFormat
    ) throws(LocationError) -> CatalogUpsert {
        guard let key = ImportKey(storedKey: rawKey) else { throw .badKey(rawKey) }
        var type: ReconcilerType?
        if let rawType, !rawType.isEmpty {
            guard let parsed = ReconcilerType(rawValue: rawType) else {
                throw .badQuery("query parameter 'type' must be kubeflow or kserve")
            }
            type = parsed
        }
        guard !body.body.isEmpty else { throw .badBody("the document ('body') is empty") }
        if format == .jsonArray, (try? ModelCatalog.decode(body.body)) == nil {
            throw .badBody("'body' is not a model-catalog JSON document")
        }
        return CatalogUpsert(key: key, type: type, body: body)
    }
}
