import Crypto
import Foundation

/// Replaces each search token with a keyed hash, so the index holds no text.
///
/// SipHash-2-4 (fast, keyed, 64-bit) under a key derived from the archive's first data key; the output is
/// written in base32 (a–z, 2–7) so FTS5's default tokenizer keeps each hash as one token.
package struct SearchTokenHasher: Sendable {
    let k0: UInt64
    let k1: UInt64

    init(key: [UInt8]) {
        precondition(key.count >= 16)
        k0 = key[0..<8].enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        k1 = key[8..<16].enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }

    /// The index key of an archive: HMAC-SHA256(first data key, label), first 16 bytes.
    package static func derive(from dataKey: SymmetricKey) -> SearchTokenHasher {
        SearchTokenHasher(key: Array(HMAC<SHA256>.authenticationCode(for: Data("chatledger search index v1".utf8), using: dataKey).prefix(16)))
    }

    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    package func token(_ text: String) -> String {
        var value = hash(Array(text.utf8))
        var out = [UInt8](repeating: 0, count: 13)
        for index in stride(from: 12, through: 0, by: -1) {
            out[index] = Self.alphabet[Int(value & 31)]
            value >>= 5
        }
        return String(decoding: out, as: UTF8.self)
    }

    package func tokens(_ texts: [String]) -> String { texts.map(token).joined(separator: " ") }

    /// SipHash-2-4.
    func hash(_ message: [UInt8]) -> UInt64 {
        var v0: UInt64 = 0x736f_6d65_7073_6575 ^ k0
        var v1: UInt64 = 0x646f_7261_6e64_6f6d ^ k1
        var v2: UInt64 = 0x6c79_6765_6e65_7261 ^ k0
        var v3: UInt64 = 0x7465_6462_7974_6573 ^ k1
        func round() {
            v0 &+= v1; v1 = v1 << 13 | v1 >> 51; v1 ^= v0; v0 = v0 << 32 | v0 >> 32
            v2 &+= v3; v3 = v3 << 16 | v3 >> 48; v3 ^= v2
            v0 &+= v3; v3 = v3 << 21 | v3 >> 43; v3 ^= v0
            v2 &+= v1; v1 = v1 << 17 | v1 >> 47; v1 ^= v2; v2 = v2 << 32 | v2 >> 32
        }
        let count = message.count
        var index = 0
        while index + 8 <= count {
            var m: UInt64 = 0
            for offset in 0..<8 { m |= UInt64(message[index + offset]) << (8 * UInt64(offset)) }
            v3 ^= m
            round(); round()
            v0 ^= m
            index += 8
        }
        var last = UInt64(count & 0xFF) << 56
        for offset in 0..<(count - index) { last |= UInt64(message[index + offset]) << (8 * UInt64(offset)) }
        v3 ^= last
        round(); round()
        v0 ^= last
        v2 ^= 0xFF
        round(); round(); round(); round()
        return v0 ^ v1 ^ v2 ^ v3
    }
}
