import Foundation

/// One event of a watch stream.
///
/// ```swift
/// switch event {
/// case .added(let object), .modified(let object): cache[object.cacheKey] = object
/// case .deleted(let object): cache[object.cacheKey] = nil
/// case .bookmark(let resourceVersion): lastVersion = resourceVersion
/// }
/// ```
public enum WatchEvent<Object: KubeResource>: Sendable {
    case added(Object)
    case modified(Object)
    case deleted(Object)
    /// A progress marker carrying only a resourceVersion to resume from.
    case bookmark(resourceVersion: String)

    /// The resourceVersion to resume from after this event.
    public var resourceVersion: String? {
        switch self {
        case .added(let object), .modified(let object), .deleted(let object): return object.metadata.resourceVersion
        case .bookmark(let resourceVersion): return resourceVersion
        }
    }

    /// Decodes one watch line `{"type": …, "object": …}`. An `ERROR` event throws: a 410 (or reason `Expired` /
    /// `Gone`) as ``KubeAPIError/expired(_:context:)``, anything else as ``KubeAPIError/status(_:httpStatus:context:)``.
    public static func decode(line: [UInt8], context: KubeRequestContext) throws -> WatchEvent<Object> {
        let data = Data(line)
        let envelope: Envelope
        do {
            envelope = try KubeJSON.decoder.decode(Envelope.self, from: data)
        } catch {
            throw KubeAPIError.undecodableBody(
                type: "watch event", reason: "\(error)", excerpt: excerpt(line), context: context)
        }
        func object() throws -> Object {
            guard let object = envelope.object else {
                throw KubeAPIError.undecodableBody(
                    type: "watch event", reason: "no object", excerpt: excerpt(line), context: context)
            }
            do {
                return try object.decode(as: Object.self)
            } catch {
                throw KubeAPIError.undecodableBody(
                    type: "\(Object.self)", reason: "\(error)", excerpt: excerpt(line), context: context)
            }
        }
        switch envelope.type {
        case "ADDED": return .added(try object())
        case "MODIFIED": return .modified(try object())
        case "DELETED": return .deleted(try object())
        case "BOOKMARK":
            let version = envelope.object?["metadata"]?["resourceVersion"]?.stringValue
            guard let version else {
                throw KubeAPIError.undecodableBody(
                    type: "watch bookmark", reason: "no metadata.resourceVersion", excerpt: excerpt(line),
                    context: context)
            }
            return .bookmark(resourceVersion: version)
        case "ERROR":
            let status =
                (try? envelope.object?.decode(as: KubeStatus.self))
                ?? KubeStatus(message: excerpt(line), reason: "InternalError", code: 500)
            if status.code == 410 || status.reason == "Expired" || status.reason == "Gone" {
                throw KubeAPIError.expired(status, context: context)
            }
            throw KubeAPIError.status(status, httpStatus: status.code ?? 500, context: context)
        default:
            throw KubeAPIError.undecodableBody(
                type: "watch event", reason: "unknown event type \(envelope.type)", excerpt: excerpt(line),
                context: context)
        }
    }

    private struct Envelope: Decodable {
        var type: String
        var object: JSONValue?
    }

    private static func excerpt(_ line: [UInt8]) -> String {
        let text = String(decoding: line.prefix(200), as: UTF8.self)
        return line.count > 200 ? text + "…" : text
    }
}
