import Crypto

/// A SHA-256 node of the Merkle log.
public struct MerkleHash: Sendable, Hashable, Codable, CustomStringConvertible {
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) {
        precondition(bytes.count == 32, "a Merkle hash has 32 bytes")
        self.bytes = bytes
    }

    /// `nil` unless `hex` is 64 hex digits.
    public init?(hex: String) {
        guard hex.utf8.count == 64 else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.bytes = bytes
    }

    public var hex: String { bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }
    public var description: String { hex }

    /// RFC 6962 leaf hash: SHA-256(0x00 ‖ data).
    public static func leaf(_ data: [UInt8]) -> MerkleHash {
        var hasher = SHA256()
        hasher.update(data: [0])
        hasher.update(data: data)
        return MerkleHash(bytes: Array(hasher.finalize()))
    }

    /// RFC 6962 interior node: SHA-256(0x01 ‖ left ‖ right).
    public static func node(_ left: MerkleHash, _ right: MerkleHash) -> MerkleHash {
        var hasher = SHA256()
        hasher.update(data: [1])
        hasher.update(data: left.bytes)
        hasher.update(data: right.bytes)
        return MerkleHash(bytes: Array(hasher.finalize()))
    }

    /// The root of the empty tree: SHA-256 of nothing.
    public static let empty = MerkleHash(bytes: Array(SHA256.hash(data: [UInt8]())))
}
