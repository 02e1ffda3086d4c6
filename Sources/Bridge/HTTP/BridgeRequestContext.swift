import Hummingbird
import NIOCore

/// The request context of every role: Hummingbird's basics plus the caller's address, which
/// the mutation guard needs.
public struct BridgeRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connected peer, `nil` in router-level tests that open no socket.
    public let remoteAddress: SocketAddress?
    /// The connection, to ask its ``EarlyAnswerHandler`` for `100 Continue`.
    let channel: any Channel
    /// The largest request body a route reads (set per role by ``BodyLimitMiddleware``).
    var maximumBodySize = 4 << 20

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.channel = source.channel
    }
}
