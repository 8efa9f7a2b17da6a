import ArchiveModel

/// Opens one GetChatData entry: RSA by key version, then `DecryptData`, then decoding.
///
/// Pure CPU work with no shared mutable state, so the ingest pipeline runs it on all cores at once.
public struct EnvelopeOpener: Sendable {
    public var keyRing: PrivateKeyRing
    public var decryptor: any ChatMessageDecrypting
    public var decoder: MessageDecoder
    /// Envelopes longer than this are refused before any work (WeCom's are a few KiB).
    public var maximumEnvelopeCharacters: Int

    public init(keyRing: PrivateKeyRing, decryptor: any ChatMessageDecrypting = SdkEnvelope(),
                decoder: MessageDecoder = MessageDecoder(), maximumEnvelopeCharacters: Int = 24 << 20) {
        self.keyRing = keyRing
        self.decryptor = decryptor
        self.decoder = decoder
        self.maximumEnvelopeCharacters = maximumEnvelopeCharacters
    }

    /// Decrypts `item` to its message JSON, byte-exact.
    public func decrypt(_ item: ChatDataItem) throws(WeComError) -> [UInt8] {
        guard item.encryptChatMsg.utf8.count <= maximumEnvelopeCharacters,
              item.encryptRandomKey.utf8.count <= 4096 else {
            throw WeComError(.oversized, "seq \(item.seq): envelope larger than \(maximumEnvelopeCharacters) characters")
        }
        guard let key = keyRing.key(version: item.publickeyVer) else {
            let known = keyRing.versions.map(String.init).joined(separator: ", ")
            throw WeComError(.unknownKeyVersion,
                             "seq \(item.seq): no private key for publickey_ver \(item.publickeyVer) (have: \(known)); add it to the key folder and retry the quarantine")
        }
        guard let wrapped = Base64Text.decode(item.encryptRandomKey) else {
            throw WeComError(.invalidBase64, "seq \(item.seq): encrypt_random_key is not base64")
        }
        let randomKey: [UInt8]
        do {
            randomKey = try key.decrypt(wrapped)
        } catch {
            throw WeComError(error.code, "seq \(item.seq) publickey_ver \(item.publickeyVer): \(error.message)")
        }
        do {
            return try decryptor.decryptData(randomKey: String(decoding: randomKey, as: UTF8.self),
                                             encryptedMessage: item.encryptChatMsg)
        } catch {
            throw WeComError(error.code, "seq \(item.seq): \(error.message)")
        }
    }

    /// Decrypts and decodes `item`.
    public func open(_ item: ChatDataItem) throws(WeComError) -> ChatMessage {
        let plaintext = try decrypt(item)
        var message = try decoder.decode(plaintext, seq: item.seq)
        guard message.id.rawValue == item.msgid || item.msgid.isEmpty else {
            throw WeComError(.envelopeMalformed, "seq \(item.seq): envelope msgid \(item.msgid) differs from the message's \(message.id)")
        }
        message.seq = item.seq
        return message
    }
}
