import Foundation

/// A core `ConfigMap` (`v1`): string `data` and base64 `binaryData`, fully modelled so a PUT loses nothing
/// that matters.
///
/// ```swift
/// var map = ConfigMap(metadata: ObjectMeta(name: "bac-import-model", namespace: "ai-rhdh"))
/// map.binaryData = ["ns_model": Data("{...}".utf8)]
/// map = try await client.create(map)
/// ```
public struct ConfigMap: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true)

    /// The largest total of `data` plus decoded `binaryData` bytes the API server accepts.
    public static let maximumPayloadBytes = 1_048_576

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var data: [String: String]?
    /// Decoded bytes; JSON carries them as standard base64, which `Data`'s default strategy matches.
    public var binaryData: [String: Data]?
    public var immutable: Bool?

    public init(metadata: ObjectMeta, data: [String: String]? = nil, binaryData: [String: Data]? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.data = data
        self.binaryData = binaryData
    }

    /// The size the server checks against ``maximumPayloadBytes``.
    public var payloadBytes: Int {
        (data ?? [:]).values.reduce(0) { $0 + $1.utf8.count } + (binaryData ?? [:]).values.reduce(0) { $0 + $1.count }
    }
}
