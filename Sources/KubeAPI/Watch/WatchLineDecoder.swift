import NIOCore

/// Splits a watch body into complete lines, whatever the network chunking.
///
/// Bytes are buffered across chunks; only complete `\n`-terminated lines come out, and a trailing partial line
/// waits for the next chunk. A partial line left when the stream ends is never parsed (``finish()`` drops it).
///
/// ```swift
/// var decoder = WatchLineDecoder()
/// for line in decoder.feed(chunk) { … }   // zero, one or many lines per chunk
/// ```
public struct WatchLineDecoder: Sendable {
    private var pending: [UInt8] = []
    /// The longest line accepted; a longer one means a broken stream, not an object.
    public let maximumLineBytes: Int

    public init(maximumLineBytes: Int = 16 * 1024 * 1024) {
        self.maximumLineBytes = maximumLineBytes
    }

    /// Bytes received but not yet part of a complete line.
    public var bufferedByteCount: Int { pending.count }

    /// Adds a chunk and returns the lines it completed (without the newline; empty lines skipped).
    public mutating func feed(_ chunk: ByteBuffer) throws -> [[UInt8]] {
        try feed(bytes: chunk.readableBytesView)
    }

    /// Adds raw bytes and returns the lines they completed.
    public mutating func feed(bytes: some Collection<UInt8>) throws -> [[UInt8]] {
        var lines: [[UInt8]] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                var line = pending
                pending.removeAll(keepingCapacity: true)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                if !line.isEmpty { lines.append(line) }
            } else {
                pending.append(byte)
                if pending.count > maximumLineBytes {
                    throw WatchLineTooLong(limit: maximumLineBytes)
                }
            }
        }
        return lines
    }

    /// Ends the stream: returns the number of bytes of the incomplete last line, which are discarded.
    public mutating func finish() -> Int {
        defer { pending.removeAll() }
        return pending.count
    }
}

/// A watch line longer than ``WatchLineDecoder/maximumLineBytes``.
public struct WatchLineTooLong: Error, Sendable {
    public var limit: Int
}
