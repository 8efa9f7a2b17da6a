import Crypto
import Foundation
import TextKit

/// Replaces each search token with a keyed hash, so the index holds no text.
///
/// SipHash-2-4 (fast, keyed, 64-bit) under a key derived from the archive's first data key; the output is
/// written in base32 (a–z, 2–7) so FTS5's default tokenizer keeps each hash as one token.
package struct SearchTokenHasher: Sendable {
    let k0: UInt64
    let k1: UInt64

    init(k0: UInt64, k1: UInt64) {
        self.k0 = k0
        self.k1 = k1
    }

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

    /// The unigram and bigram columns of a document: exactly `tokens(SearchTokenizer.document(text).unigrams)` and
    /// `….bigrams`, built without a string per token. This runs for every archived message, so it hashes each
    /// scalar's UTF-8 from a stack buffer into one output buffer per column.
    package func documentColumns(_ text: String) -> (unigrams: String, bigrams: String) {
        let scalars = TextNormalizer.normalize(text).scalars
        var unigrams: [UInt8] = []
        var bigrams: [UInt8] = []
        unigrams.reserveCapacity(scalars.count * 14)
        bigrams.reserveCapacity(scalars.count * 14)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 8) { buffer in
            for index in scalars.indices {
                var length = 0
                UTF8.encode(scalars[index]) { buffer[length] = $0; length += 1 }
                append(hash(UnsafeBufferPointer(rebasing: buffer[0..<length])), to: &unigrams)
                guard index + 1 < scalars.count else { continue }
                UTF8.encode(scalars[index + 1]) { buffer[length] = $0; length += 1 }
                append(hash(UnsafeBufferPointer(rebasing: buffer[0..<length])), to: &bigrams)
            }
        }
        return (String(decoding: unigrams, as: UTF8.self), String(decoding: bigrams, as: UTF8.self))
    }

    /// Appends a hash as `token` spells it, space-separated.
    private func append(_ hash: UInt64, to out: inout [UInt8]) {
        if !out.isEmpty { out.append(0x20) }
        var value = hash
        let end = out.count + 13
        out.append(contentsOf: repeatElement(0, count: 13))
        for index in stride(from: end - 1, through: end - 13, by: -1) {
            out[index] = Self.alphabet[Int(value & 31)]
            value >>= 5
        }
    }

    /// SipHash-2-4.
    func hash(_ message: [UInt8]) -> UInt64 {
        message.withUnsafeBufferPointer(hash)
    }

    /// SipHash-2-4.
    func hash(_ message: UnsafeBufferPointer<UInt8>) -> UInt64 {
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
