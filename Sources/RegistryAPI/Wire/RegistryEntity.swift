/// What every Model Registry entity (BaseResource) has: a string id, a name, custom properties
/// and the two server-maintained timestamps (milliseconds since the epoch, as strings).
///
/// ```swift
/// let newest = models.compactMap(\.lastUpdateMillis).max()
/// ```
public protocol RegistryEntity: Codable, Sendable, Hashable {
    /// Server-assigned id: a decimal number written as a string. `nil` only in create bodies.
    var id: String? { get set }
    var name: String? { get set }
    var externalId: String? { get set }
    var description: String? { get set }
    var customProperties: CustomProperties? { get set }
    var createTimeSinceEpoch: String? { get set }
    var lastUpdateTimeSinceEpoch: String? { get set }
}

extension RegistryEntity {
    /// `lastUpdateTimeSinceEpoch` as a number (never compare the strings: their length varies).
    public var lastUpdateMillis: Int64? { lastUpdateTimeSinceEpoch.flatMap { Int64($0) } }

    /// `createTimeSinceEpoch` as a number.
    public var createMillis: Int64? { createTimeSinceEpoch.flatMap { Int64($0) } }

    /// The string value of a custom property, or `nil` when it is absent or not a string.
    public func stringProperty(_ key: String) -> String? {
        customProperties?[key]?.stringValue
    }
}
