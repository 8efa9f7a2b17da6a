import ArchiveModel
import Crypto
import CryptoExtras
import Foundation
import WeCom

/// WeCom's archive for a simulated corp: messages encrypted exactly as WeCom delivers them
/// (RSA-wrapped random key, the `DecryptData` envelope), served through GetChatData and GetMediaData.
///
/// Key version 1 is a PKCS#1 key and version 2 a PKCS#8 key; the corp rotates to version 2 a third
/// of the way through, so every run exercises the key ring.
public final class SimulatedArchive: ChatDataSource, MediaSource, @unchecked Sendable {
    private let lock = NSLock()
    private var generator: ChatGenerator
    private var rng: SeededRandom
    private var items: [ChatDataItem] = []
    private var plaintexts: [SimulatedMessage] = []
    private var media: [String: [UInt8]] = [:]
    private let publicKeys: [UInt32: _RSA.Encryption.PublicKey]
    /// Private keys by version, as PEM text (what the corp admin would hand to ChatLedger).
    public let privateKeyPEMs: [UInt32: String]
    let rotateAt: UInt64

    /// - Parameters:
    ///   - seed: the corp and its conversations (envelope bytes differ per run: RSA padding is random).
    ///   - expectedMessages: places the handover and the key rotation.
    ///   - privateKeyPEMs: keys of an earlier run (versions 1 and 2) to reuse; new ones are made when absent.
    public init(seed: UInt64, expectedMessages: Int = 1000, privateKeyPEMs existing: [UInt32: String]? = nil) throws {
        generator = ChatGenerator(seed: seed, expectedMessages: expectedMessages)
        rng = SeededRandom(seed: seed ^ 0xE4C)
        let v1: _RSA.Encryption.PrivateKey
        let v2: _RSA.Encryption.PrivateKey
        if let existing, let pem1 = existing[1], let pem2 = existing[2] {
            v1 = try _RSA.Encryption.PrivateKey(pemRepresentation: pem1)
            v2 = try _RSA.Encryption.PrivateKey(pemRepresentation: pem2)
        } else {
            v1 = try _RSA.Encryption.PrivateKey(keySize: .bits2048)
            v2 = try _RSA.Encryption.PrivateKey(keySize: .bits2048)
        }
        publicKeys = [1: v1.publicKey, 2: v2.publicKey]
        privateKeyPEMs = [1: v1.pemRepresentation, 2: v2.pkcs8PEMRepresentation]
        rotateAt = UInt64(max(1, expectedMessages / 3))
    }

    public var corp: SimulatedCorp { lock.withLock { generator.corp } }

    /// Produces `count` more messages (the corp keeps chatting).
    @discardableResult
    public func produce(_ count: Int) throws -> [SimulatedMessage] {
        try lock.withLock {
            let batch = generator.next(count)
            for message in batch {
                let version: UInt32 = message.seq > rotateAt ? 2 : 1
                let (randomKey, encryptedMessage) = try SdkEnvelope.seal(message.json, using: &rng)
                let wrapped = try publicKeys[version]!.encrypt(Array(randomKey.utf8), padding: ._WEAK_AND_INSECURE_PKCS_V1_5)
                items.append(ChatDataItem(seq: message.seq, msgid: message.msgid, publickeyVer: version,
                                          encryptRandomKey: Data(wrapped).base64EncodedString(),
                                          encryptChatMsg: encryptedMessage))
                media.merge(message.media) { first, _ in first }
            }
            plaintexts += batch
            return batch
        }
    }

    /// Every envelope produced so far, in seq order.
    public var envelopes: [ChatDataItem] { lock.withLock { items } }

    /// Every plaintext message produced so far, in seq order (the ground truth).
    public var messages: [SimulatedMessage] { lock.withLock { plaintexts } }

    public var mediaFiles: [String: [UInt8]] { lock.withLock { media } }

    public func chatData(after seq: UInt64, limit: Int) async throws(WeComError) -> [ChatDataItem] {
        let limit = min(max(limit, 1), 1000)
        return lock.withLock {
            // Seqs are dense from 1, so the first entry after `seq` sits at index `seq`.
            let start = Int(min(seq, UInt64(items.count)))
            return Array(items[start..<min(items.count, start + limit)])
        }
    }

    public func mediaChunk(sdkFileID: String, indexBuffer: String) async throws(WeComError) -> MediaChunk {
        guard let bytes = lock.withLock({ media[sdkFileID] }) else {
            throw WeComError(.sdkError, "no media for this sdkfileid (SDK 10005)", sdkCode: 10005)
        }
        return try MediaChunk.slice(of: bytes, indexBuffer: indexBuffer)
    }
}
