import Hummingbird
import NIOCore
import NIOHTTPTypes

/// Makes an answer sent before the request's body has arrived (a 404, 405, 401, 413…) end the
/// exchange the way Go's `net/http` does, so that no client is left hanging:
///
/// - the response carries `Connection: close`;
/// - a client that asked for `Expect: 100-continue` and was never told to continue has sent no
///   body: the connection is half-closed as soon as the answer is out;
/// - otherwise at most ``drainLimit`` bytes of the rest of the body are read and dropped; if the
///   body ends within them the connection closes cleanly, and if it does not, the server stops
///   reading, half-closes (the client sees the answer and end of stream) and closes the
///   connection ``lingerTime`` later, which resets a client that is still sending.
///
/// It also sends `100 Continue` to a client that asked for it, when a handler starts reading the
/// body (``ContinueEvent``): a request that is refused before its body is read never gets one.
///
/// It sits in the HTTP/1 pipeline right after Hummingbird's `HTTP1ToHTTPServerCodec`.
final class EarlyAnswerHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Bytes of an unread body read after an early answer before giving up on it (Go reads 256 KiB).
    static let defaultDrainLimit = 256 << 10
    /// How long a half-closed connection stays open before it is closed (Go waits 500 ms).
    static let defaultLingerTime = TimeAmount.milliseconds(500)

    /// Sent by a handler (``Request/collectedBody(limit:context:)``) when it starts reading a
    /// body: a client waiting for `100 Continue` gets it.
    struct ContinueEvent: Sendable {}

    let drainLimit: Int
    let lingerTime: TimeAmount

    /// Where the exchange on this connection stands.
    private enum Phase {
        /// No request, or a request whose body has arrived in full.
        case idle
        /// A request whose body is still arriving (`.end` not seen yet).
        case receiving(expectsContinue: Bool, continueSent: Bool)
        /// The answer went out before the body arrived; `drained` bytes read since.
        case draining(drained: Int)
        /// Half-closed; reads stopped; waiting to close.
        case closing
    }

    private var phase = Phase.idle
    /// Requests read whose answer has not started yet (more than one when a client pipelines).
    private var unanswered = 0
    /// The answer head was early: `.end` of the response ends the exchange.
    private var answeredEarly = false
    /// The early answer told the client to continue never: close at once after it.
    private var closeWhenAnswered = false

    init(
        drainLimit: Int = EarlyAnswerHandler.defaultDrainLimit,
        lingerTime: TimeAmount = EarlyAnswerHandler.defaultLingerTime
    ) {
        self.drainLimit = drainLimit
        self.lingerTime = lingerTime
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch (phase, part) {
        case (.idle, .head(let request)):
            unanswered += 1
            let expects = request.headerFields[.expect]?.lowercased() == "100-continue"
            phase = .receiving(expectsContinue: expects, continueSent: false)
            context.fireChannelRead(data)
        case (.receiving, .end):
            phase = .idle
            context.fireChannelRead(data)
        case (.draining(let drained), .body(let buffer)):
            let total = drained + buffer.readableBytes
            if total > drainLimit {
                giveUp(context: context)
            } else {
                phase = .draining(drained: total)
                context.fireChannelRead(data)
            }
        case (.draining, .end):
            // The body ended within the bound: the answer said `Connection: close`, so close cleanly.
            phase = .closing
            context.fireChannelRead(data)
            context.close(promise: nil)
        case (.closing, _):
            break  // dropped: the exchange is over
        default:
            context.fireChannelRead(data)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var response) where response.status.kind != .informational:
            unanswered = max(0, unanswered - 1)
            // Early: the answer is to the request whose body is still arriving (not to an
            // earlier pipelined one).
            if case .receiving(let expectsContinue, let continueSent) = phase, unanswered == 0 {
                answeredEarly = true
                closeWhenAnswered = expectsContinue && !continueSent
                response.headerFields[.connection] = "close"
                context.write(wrapOutboundOut(.head(response)), promise: promise)
            } else {
                context.write(data, promise: promise)
            }
        case .end where answeredEarly:
            answeredEarly = false
            // Close only once the answer is out: the client must be able to read it.
            let written = context.eventLoop.makePromise(of: Void.self)
            if let promise { written.futureResult.cascade(to: promise) }
            context.writeAndFlush(data, promise: written)
            if closeWhenAnswered {
                phase = .closing
                Self.halfCloseThenClose(context.channel, after: written.futureResult, linger: lingerTime)
            } else if case .receiving = phase {
                phase = .draining(drained: 0)
            } else {
                // The body arrived while the answer was being written: nothing more to read.
                phase = .closing
                let channel = context.channel
                written.futureResult.whenComplete { _ in channel.close(promise: nil) }
            }
        default:
            context.write(data, promise: promise)
        }
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is ContinueEvent else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        if case .receiving(expectsContinue: true, continueSent: false) = phase {
            phase = .receiving(expectsContinue: true, continueSent: true)
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: promise)
        } else {
            promise?.succeed()
        }
    }

    func read(context: ChannelHandlerContext) {
        if case .closing = phase { return }  // stop reading: a client still sending waits for the close
        context.read()
    }

    /// More than ``drainLimit`` of an unwanted body: stop reading and end the exchange.
    private func giveUp(context: ChannelHandlerContext) {
        phase = .closing
        Self.halfCloseThenClose(context.channel, after: context.eventLoop.makeSucceededVoidFuture(), linger: lingerTime)
    }

    /// Tells the client the answer is complete (FIN) once `written`, and closes `linger` later,
    /// so that a client still sending can read the answer before the reset (Go's
    /// `closeWriteAndWait`). Reads stay stopped meanwhile (``read(context:)``).
    private static func halfCloseThenClose(
        _ channel: any Channel, after written: EventLoopFuture<Void>, linger: TimeAmount
    ) {
        written.whenComplete { _ in
            let halfClosed = channel.eventLoop.makePromise(of: Void.self)
            halfClosed.futureResult.whenComplete { result in
                switch result {
                case .success: channel.eventLoop.scheduleTask(in: linger) { channel.close(promise: nil) }
                case .failure: channel.close(promise: nil)  // no half-close on this channel: close now
                }
            }
            channel.close(mode: .output, promise: halfClosed)
        }
    }
}
