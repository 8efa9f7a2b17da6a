/// The `encrypt_chat_msg` envelope of WeCom's archive, implemented in Swift (protocol reference §3.2).
///
/// Reconstructed from the vendor binary and not yet cross-checked against live data; the
/// `chatledger sdk-compare` command runs it beside the vendor library to find any difference.
/// Error codes mirror the SDK's: 10008 (key record), 10005 (layout), 10006 (body).
public struct SdkEnvelope: ChatMessageDecrypting {
    static let headerJunk = 13
    static let headerKey = 32

    public init() {}

    public func decryptData(randomKey: String, encryptedMessage: String) throws(WeComError) -> [UInt8] {
        let m = Array(encryptedMessage.utf8)
        let header = Self.headerJunk + Self.headerKey
        guard m.count > header else {
            throw WeComError(.envelopeMalformed, "encrypt_chat_msg has \(m.count) characters, fewer than the 46 an envelope needs (SDK 10005)")
        }
        let sessionKey = String(decoding: m[Self.headerJunk..<header], as: UTF8.self)
        guard let keyBlob = Base64Text.decode(randomKey) else {
            throw WeComError(.envelopeDecryptFailed, "decrypted random key is not base64: wrong private key for this publickey_ver? (SDK 10008)")
        }
        guard let keyRecord = SdkAESCBC.decrypt(blob: keyBlob, keyText: sessionKey) else {
            throw WeComError(.envelopeDecryptFailed, "random key does not open the envelope: wrong private key for this publickey_ver? (SDK 10008)")
        }
        let info = try SdkKeyInfo(protobuf: keyRecord)
        let s = info.sliceLength
        guard s > 0, 2 * s < m.count, info.preLength >= 0, info.endLength >= 0, header + info.preLength <= m.count else {
            throw WeComError(.envelopeMalformed, "envelope key record does not fit the message (SDK 10005)")
        }
        var body = Array(m[(header + info.preLength)...])
        guard body.count >= s else {
            throw WeComError(.envelopeMalformed, "envelope body shorter than its slice length (the vendor SDK crashes here)")
        }
        body.removeSubrange(s..<min(2 * s, body.count))
        guard body.count >= info.endLength else {
            throw WeComError(.envelopeMalformed, "envelope body shorter than its trailer (SDK 10005)")
        }
        body.removeLast(info.endLength)
        guard let cipherBlob = body.withUnsafeBufferPointer(Base64Text.decode(bytes:)),
              let plain = SdkAESCBC.decrypt(blob: cipherBlob, keyText: info.k1) else {
            throw WeComError(.envelopeDecryptFailed, "message body does not decrypt (SDK 10006)")
        }
        return plain
    }

    /// Builds an envelope that ``decryptData(randomKey:encryptedMessage:)`` (and WeCom's SDK) opens.
    ///
    /// Used by the simulator so that every demo and test runs the real decryption path.
    /// - Returns: the random-key text to RSA-encrypt, and the `encrypt_chat_msg` string.
    public static func seal(
        _ plaintext: [UInt8], using rng: inout some RandomNumberGenerator
    ) throws -> (randomKey: String, encryptedMessage: String) {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        func junk(_ count: Int) -> [UInt8] { (0..<count).map { _ in alphabet[Int.random(in: 0..<64, using: &rng)] } }
        func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) } }

        let k1 = String(decoding: junk(32), as: UTF8.self)
        let body = Array(base64(try SdkAESCBC.encrypt(plaintext, keyText: k1, iv: bytes(16))).utf8)
        let info = SdkKeyInfo(
            k1: k1, preLength: Int.random(in: 0...24, using: &rng), endLength: Int.random(in: 0...24, using: &rng),
            sliceLength: Int.random(in: 1...max(1, min(24, body.count)), using: &rng))
        let sessionKey = junk(headerKey)
        let randomKey = base64(try SdkAESCBC.encrypt(info.protobuf, keyText: String(decoding: sessionKey, as: UTF8.self),
                                                      iv: bytes(16)))
        let s = info.sliceLength
        let message = junk(headerJunk) + sessionKey + junk(info.preLength) + body[0..<s] + junk(s) + body[s...]
            + junk(info.endLength)
        return (randomKey, String(decoding: message, as: UTF8.self))
    }

    static func base64(_ bytes: [UInt8]) -> String {
        // Foundation's encoder, without importing Foundation into every caller.
        Base64Text.encode(bytes)
    }
}
