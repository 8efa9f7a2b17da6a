import TextKit

/// A keyed digest of one message's search-index entries, so `verify` can compare an index that lives apart from the
/// message rows (SQLite's FTS5) with what the message's text and participants must produce.
///
/// Each entry (document, column, position, token) adds SipHash-2-4 of those four numbers under a key only the archive
/// holds; a sum does not depend on the order the index is read in. Someone holding the database file but not the
/// data key cannot craft entries that keep a message's digest while hiding or changing its tokens.
package struct SearchIndexDigest: Sendable {
    private let hasher: SearchTokenHasher
    private let tokens: SearchTokenHasher

    package init(tokenHasher: SearchTokenHasher) {
        tokens = tokenHasher
        // A key apart from the token key: the tokens are visible in the file, their digests are not.
        hasher = SearchTokenHasher(k0: tokenHasher.k0 ^ 0x6469_6765_7374_2d6b, k1: tokenHasher.k1 ^ 0x6368_6174_6c65_6467)
    }

    /// The digest of one index entry; `column` is 0 for unigrams, 1 for bigrams, 2 for participants.
    package func entry(document: Int64, column: Int, position: Int, token: UInt64) -> UInt64 {
        var words: (UInt64, UInt64, UInt64, UInt64) = (UInt64(bitPattern: document), UInt64(column), UInt64(position), token)
        return withUnsafeBytes(of: &words) { hasher.hash($0.bindMemory(to: UInt8.self)) }
    }

    /// The digest every entry of a message with this text and these participants adds up to.
    package func expected(document: Int64, text: String, participants: SearchParticipants) -> UInt64 {
        var sum: UInt64 = 0
        let scalars = TextNormalizer.normalize(text).scalars
        var buffer = [UInt8](repeating: 0, count: 8)
        buffer.withUnsafeMutableBufferPointer { buffer in
            for index in scalars.indices {
                var length = 0
                UTF8.encode(scalars[index]) { buffer[length] = $0; length += 1 }
                sum &+= entry(document: document, column: 0, position: index,
                              token: tokens.hash(UnsafeBufferPointer(rebasing: buffer[0..<length])))
                guard index + 1 < scalars.count else { continue }
                UTF8.encode(scalars[index + 1]) { buffer[length] = $0; length += 1 }
                sum &+= entry(document: document, column: 1, position: index,
                              token: tokens.hash(UnsafeBufferPointer(rebasing: buffer[0..<length])))
            }
        }
        for (position, token) in participants.tokens.enumerated() {
            sum &+= entry(document: document, column: 2, position: position, token: tokens.hash(Array(token.utf8)))
        }
        return sum
    }

    /// The hash a token spells (the inverse of ``SearchTokenHasher/token(_:)``), or nil when it is not one.
    package static func value(ofToken token: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard token.count == 13 else { return nil }
        var value: UInt64 = 0
        for byte in token {
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): digit = UInt64(byte - UInt8(ascii: "a"))
            case UInt8(ascii: "2")...UInt8(ascii: "7"): digit = UInt64(byte - UInt8(ascii: "2")) + 26
            default: return nil
            }
            value = value << 5 | digit
        }
        return value
    }
}
