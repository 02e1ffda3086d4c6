/// Stable content fingerprints (SHA-256), for ETags and change detection.
public enum ContentDigest {
    /// The first `length` hex digits of the SHA-256 of `bytes`.
    public static func hex<Bytes: Sequence>(_ bytes: Bytes, length: Int = 16) -> String where Bytes.Element == UInt8 {
        let hexDigits = Array("0123456789abcdef")
        var result = ""
        for byte in SHA256.digest(Array(bytes)) {
            result.append(hexDigits[Int(byte >> 4)])
            result.append(hexDigits[Int(byte & 0x0f)])
            if result.count >= length { break }
        }
        return String(result.prefix(length))
    }
}
