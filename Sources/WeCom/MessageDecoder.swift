import ArchiveModel

/// Turns a decrypted WeCom message (JSON bytes) into a ``ChatMessage``, failing with a ``WeComError`` as the rest
/// of the capture path does. The reading itself is ``ChatMessage/decode(_:seq:maximumBytes:)``, shared with
/// storage (which re-derives every column from it) and displays.
public struct MessageDecoder: Sendable {
    /// Messages larger than this are refused rather than parsed (a defence against garbage input).
    public var maximumMessageBytes: Int

    public init(maximumMessageBytes: Int = ChatMessage.maximumMessageBytes) {
        self.maximumMessageBytes = maximumMessageBytes
    }

    /// Decodes one message.
    /// - Parameters:
    ///   - raw: the decrypted JSON exactly as received; kept unchanged in the result.
    ///   - seq: the archive sequence number of the envelope, or 0 when unknown.
    /// - Throws: ``WeComError`` (`oversized`, `invalid-json`, `missing-field`, `out-of-range`).
    public func decode(_ raw: [UInt8], seq: UInt64) throws(WeComError) -> ChatMessage {
        do {
            return try ChatMessage.decode(raw, seq: seq, maximumBytes: maximumMessageBytes)
        } catch {
            let code: WeComError.Code = switch error.reason {
            case .oversized: .oversized
            case .invalidJSON: .invalidJSON
            case .missingField: .missingField
            case .outOfRange: .outOfRange
            }
            throw WeComError(code, error.message)
        }
    }
}
