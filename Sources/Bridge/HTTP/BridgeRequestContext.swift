import Hummingbird
import NIOCore

/// The request context of every role: Hummingbird's basics plus the caller's address, which
/// the mutation guard needs.
public struct BridgeRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connected peer, `nil` in router-level tests that open no socket.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
