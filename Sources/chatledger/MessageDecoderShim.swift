import ArchiveModel
import ArchiveStore
import WeCom

/// Decodes a stored message back into its typed form (for rescans).
enum MessageDecoderShim {
    static func decode(_ stored: StoredMessage) throws -> ChatMessage {
        try MessageDecoder().decode(stored.raw, seq: stored.seq)
    }
}
