/// `state` of a RegisteredModel or ModelVersion: `LIVE` or `ARCHIVED`.
///
/// Kept as an open set of strings so that a value a newer server invents still decodes.
///
/// ```swift
/// if version.state == .archived { skip(version) }
/// ```
public struct ModelState: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let live = ModelState(rawValue: "LIVE")
    public static let archived = ModelState(rawValue: "ARCHIVED")

    public var description: String { rawValue }
}

/// `state` of an artifact (`ArtifactState`): `UNKNOWN` (the default), `PENDING`, `LIVE`,
/// `MARKED_FOR_DELETION`, `DELETED`, `ABANDONED` or `REFERENCE`. An open set of strings.
public struct ArtifactState: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let unknown = ArtifactState(rawValue: "UNKNOWN")
    public static let pending = ArtifactState(rawValue: "PENDING")
    public static let live = ArtifactState(rawValue: "LIVE")
    public static let markedForDeletion = ArtifactState(rawValue: "MARKED_FOR_DELETION")
    public static let deleted = ArtifactState(rawValue: "DELETED")
    public static let abandoned = ArtifactState(rawValue: "ABANDONED")
    public static let reference = ArtifactState(rawValue: "REFERENCE")

    public var description: String { rawValue }
}

/// `desiredState` of a registry InferenceService: `DEPLOYED` (the default) or `UNDEPLOYED`.
/// An open set of strings.
public struct InferenceServiceState: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let deployed = InferenceServiceState(rawValue: "DEPLOYED")
    public static let undeployed = InferenceServiceState(rawValue: "UNDEPLOYED")

    public var description: String { rawValue }
}
