import Foundation

/// The JSON encoder and decoder settings every Kubernetes body uses.
///
/// Foundation's encoder on Linux escapes `/` unless told not to; keys are sorted so bodies are reproducible.
public enum KubeJSON {
    /// A fresh-configured encoder (encoders are cheap; sharing one across threads is not documented as safe).
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }

    /// A decoder with the default `.base64` data strategy, which matches `binaryData` on the wire.
    public static var decoder: JSONDecoder { JSONDecoder() }
}
