import Foundation

/// Picks loopback ports for the demo and the drills that start roles as processes.
public enum LoopbackPort {
    /// Why no port could be picked.
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String { "no free loopback port to listen on" }
    }

    /// A port free on 127.0.0.1 right now: bound to port 0, read back and released. Another
    /// process could take it before the caller listens on it, which a laptop or a test machine
    /// can live with.
    public static func free() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Unavailable() }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(descriptor, pointer, length) == 0 else { return -1 }
                return getsockname(descriptor, pointer, &length)
            }
        }
        guard result == 0 else { throw Unavailable() }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
