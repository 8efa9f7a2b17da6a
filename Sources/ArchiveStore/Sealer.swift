import Crypto
import Foundation

/// Encrypts records at rest with AES-256-GCM under data keys, and opens them again.
///
/// Sealed layout: version (1 byte, = 1) ‖ data key id (u32 big-endian) ‖ nonce (12) ‖ ciphertext ‖ tag (16).
/// The associated data binds a sealed value to its place (a msgid, a blob hash), so a value copied
/// into another row does not open there.
public struct Sealer: Sendable {
    package let keys: [UInt32: SymmetricKey]
    package let activeKeyID: UInt32
    private let cleartext: Bool

    package init(keys: [UInt32: SymmetricKey], activeKeyID: UInt32) {
        self.keys = keys
        self.activeKeyID = activeKeyID
        cleartext = false
    }

    private init(cleartextForBenchmarks: Void) {
        keys = [:]
        activeKeyID = 0
        cleartext = true
    }

    /// Stores values as they are: the baseline benchmarks compare sealing against. Never used by the product.
    package static let cleartext = Sealer(cleartextForBenchmarks: ())

    public func seal(_ plaintext: [UInt8], context: String) throws -> [UInt8] {
        if cleartext { return plaintext }
        let box = try AES.GCM.seal(plaintext, using: keys[activeKeyID]!, authenticating: Array(context.utf8))
        let id = activeKeyID
        return [1, UInt8(id >> 24), UInt8(id >> 16 & 0xFF), UInt8(id >> 8 & 0xFF), UInt8(id & 0xFF)]
            + Array(box.nonce) + Array(box.ciphertext) + Array(box.tag)
    }

    /// - Throws: ``StorageError`` when the value was altered, belongs elsewhere, or its data key is unknown.
    public func open(_ sealed: [UInt8], context: String) throws -> [UInt8] {
        if cleartext { return sealed }
        guard sealed.count >= 5 + 12 + 16, sealed[0] == 1 else { throw StorageError("sealed value is truncated or of an unknown format") }
        let id = sealed[1..<5].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard let key = keys[id] else { throw StorageError("sealed value uses data key \(id), which this archive does not hold") }
        do {
            let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: sealed[5..<17]), ciphertext: sealed[17..<(sealed.count - 16)],
                                            tag: sealed[(sealed.count - 16)...])
            return Array(try AES.GCM.open(box, using: key, authenticating: Array(context.utf8)))
        } catch {
            throw StorageError("sealed value does not authenticate: it was altered or moved from another record")
        }
    }

    /// Wraps a data key under the master key.
    package static func wrap(_ dataKey: SymmetricKey, id: UInt32, master: MasterKey) throws -> [UInt8] {
        let box = try AES.GCM.seal(dataKey.withUnsafeBytes { Array($0) }, using: master.key, authenticating: Array("chatledger data key \(id)".utf8))
        return Array(box.combined!)
    }

    package static func unwrap(_ wrapped: [UInt8], id: UInt32, master: MasterKey) throws -> SymmetricKey {
        let box = try AES.GCM.SealedBox(combined: wrapped)
        return SymmetricKey(data: try AES.GCM.open(box, using: master.key, authenticating: Array("chatledger data key \(id)".utf8)))
    }
}
