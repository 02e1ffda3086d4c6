import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// The events of one watch request, read straight from the response body: no background task, and breaking out
/// of the loop (or cancelling the task) closes the request.
///
/// The sequence ends normally when the server ends the stream (`timeoutSeconds`); re-watch from the last
/// ``WatchEvent/resourceVersion``. A partial last line is discarded.
public struct KubeWatch<Object: KubeResource>: AsyncSequence {
    public typealias Element = WatchEvent<Object>

    let body: HTTPClientResponse.Body
    let context: KubeRequestContext
    var logger = Logger(label: "modelbridge.kubeapi")

    public func makeAsyncIterator() -> Iterator {
        Iterator(chunks: body.makeAsyncIterator(), context: context, logger: logger)
    }

    /// Pulls chunks, splits lines, decodes events.
    public struct Iterator: AsyncIteratorProtocol {
        var chunks: HTTPClientResponse.Body.AsyncIterator
        let context: KubeRequestContext
        var decoder = WatchLineDecoder()
        var ready: [[UInt8]] = []
        var finished = false
        let logger: Logger

        init(chunks: HTTPClientResponse.Body.AsyncIterator, context: KubeRequestContext, logger: Logger) {
            self.chunks = chunks
            self.context = context
            self.logger = logger
        }

        /// An object the typed decoder refuses (a wrong JSON type in one field) becomes a bookmark at
        /// its resourceVersion, with a log line: the watch moves past it instead of re-reading it
        /// forever, and a cache keeps the last good copy of that object.
        func skipUndecodableObject(_ line: [UInt8], _ error: any Error) -> WatchEvent<Object>? {
            guard case KubeAPIError.undecodableBody(let type, _, _, _) = error, type == "\(Object.self)",
                let root = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                let object = root["object"] as? [String: Any],
                let metadata = object["metadata"] as? [String: Any],
                let version = metadata["resourceVersion"] as? String
            else { return nil }
            let name = "\(metadata["namespace"] as? String ?? "")/\(metadata["name"] as? String ?? "?")"
            logger.warning(
                "skipping a \(Object.self) the client cannot read; the last readable copy stays in use",
                metadata: ["object": "\(name)", "resourceVersion": "\(version)", "error": "\(error)"])
            return .bookmark(resourceVersion: version)
        }

        public mutating func next() async throws -> WatchEvent<Object>? {
            while true {
                if !ready.isEmpty {
                    let line = ready.removeFirst()
                    do {
                        return try WatchEvent<Object>.decode(line: line, context: context)
                    } catch {
                        if let skipped = skipUndecodableObject(line, error) { return skipped }
                        finished = true
                        ready.removeAll()
                        throw error
                    }
                }
                if finished { return nil }
                let chunk: ByteBuffer?
                do {
                    chunk = try await chunks.next()
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    finished = true
                    _ = decoder.finish()
                    throw KubeAPIError.transport(reason: "watch stream broke: \(error)", context: context)
                }
                guard let chunk else {
                    finished = true
                    _ = decoder.finish()
                    return nil
                }
                do {
                    ready = try decoder.feed(chunk)
                } catch {
                    finished = true
                    throw KubeAPIError.undecodableBody(
                        type: "watch stream", reason: "\(error)", excerpt: "", context: context)
                }
            }
        }
    }
}
