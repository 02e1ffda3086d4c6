import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Who may call the mutating endpoints (`/upsert`, `/remove`, `/currentkeyset`, `/resync`):
/// callers in the same pod (loopback, or the pod's own IP) and callers with a valid bearer
/// token; nobody else (upstream accepted anyone who could reach the pod, B31).
public struct MutationGuard: Sendable {
    /// Addresses that count as "this pod" besides loopback (`POD_IP`).
    public var podAddresses: Set<String>
    /// Decides whether a bearer token is valid (a shared secret, or a TokenReview).
    public var tokenValidator: (@Sendable (String) async -> Bool)?

    public init(podAddresses: Set<String> = [], tokenValidator: (@Sendable (String) async -> Bool)? = nil) {
        self.podAddresses = podAddresses
        self.tokenValidator = tokenValidator
    }

    /// A guard that accepts one shared secret.
    public static func sharedSecret(_ secret: String?, podAddresses: Set<String> = []) -> MutationGuard {
        guard let secret, !secret.isEmpty else { return MutationGuard(podAddresses: podAddresses) }
        return MutationGuard(podAddresses: podAddresses) { token in constantTimeEquals(token, secret) }
    }

    /// `nil` when the caller may mutate, else the refusal to send.
    func refusal(_ request: Request, remoteAddress: SocketAddress?) async -> Response? {
        if let remoteAddress {
            if Self.isLoopback(remoteAddress) { return nil }
            if let ip = remoteAddress.ipAddress, podAddresses.contains(ip) { return nil }
        } else {
            // No socket (in-process router tests): the caller is this process.
            return nil
        }
        if let token = Self.token(request.headers) {
            if let tokenValidator, await tokenValidator(token) { return nil }
            return Reply.error(.forbidden, "the bearer token was not accepted")
        }
        return Reply.error(
            .unauthorized, "mutating endpoints accept callers in the same pod or with a valid bearer token")
    }

    /// The header that carries the token where `Authorization` cannot: the API server's `pods/proxy` removes
    /// `Authorization` after authenticating the caller, so the console attached by pod sends the token here.
    public static let tokenHeader = HTTPField.Name("X-Bridge-Token")!

    /// The token of `Authorization: Bearer …`, else of ``tokenHeader``.
    static func token(_ headers: HTTPFields) -> String? {
        if let header = headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            return String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        }
        if let header = headers[tokenHeader] {
            let token = header.trimmingCharacters(in: .whitespaces)
            return token.isEmpty ? nil : token
        }
        return nil
    }

    static func isLoopback(_ address: SocketAddress) -> Bool {
        switch address {
        case .v4:
            return address.ipAddress?.hasPrefix("127.") == true
        case .v6:
            let ip = address.ipAddress ?? ""
            return ip == "::1" || ip.hasPrefix("::ffff:127.")
        case .unixDomainSocket:
            return true
        }
    }

    static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
