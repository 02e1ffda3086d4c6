import AsyncHTTPClient
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

    public func makeAsyncIterator() -> Iterator {
        Iterator(chunks: body.makeAsyncIterator(), context: context)
    }

    /// Pulls chunks, splits lines, decodes events.
    public struct Iterator: AsyncIteratorProtocol {
        var chunks: HTTPClientResponse.Body.AsyncIterator
        let context: KubeRequestContext
        var decoder = WatchLineDecoder()
        var ready: [[UInt8]] = []
        var finished = false

        init(chunks: HTTPClientResponse.Body.AsyncIterator, context: KubeRequestContext) {
            self.chunks = chunks
            self.context = context
        }

        public mutating func next() async throws -> WatchEvent<Object>? {
            while true {
                if !ready.isEmpty {
                    let line = ready.removeFirst()
                    do {
                        return try WatchEvent<Object>.decode(line: line, context: context)
                    } catch {
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
