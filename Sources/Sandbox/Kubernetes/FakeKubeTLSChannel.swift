import HummingbirdCore
import Logging
import NIOCore
import NIOSSL

/// Wraps a Hummingbird child channel (HTTP/1) in a TLS server handler, so the fake API server can serve HTTPS
/// with a caller-supplied certificate and key.
struct FakeKubeTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let context: NIOSSLContext

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let context = self.context
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
