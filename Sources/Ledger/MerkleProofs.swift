/// RFC 9162 (RFC 6962) proofs over stored perfect-subtree nodes, and their verification.
///
/// Proof building reads nodes through a closure (`(level, index) -> hash`, level 0 = leaves), so it knows
/// nothing of storage; verification needs no storage at all, so it runs offline.
public enum MerkleProofs {
    public typealias NodeReader = (Int, UInt64) throws -> MerkleHash

    /// The hash of leaves [start, end), assembled from perfect subtrees.
    ///
    /// Valid for the ranges that RFC 6962's recursive definitions produce: `start` is a multiple of the
    /// largest power of two not above `end - start`.
    public static func rangeHash(_ start: UInt64, _ end: UInt64, node: NodeReader) rethrows -> MerkleHash {
        precondition(end > start)
        var parts: [MerkleHash] = []
        var position = start
        while position < end {
            var level = 0
            while level < 63 {
                let width = UInt64(1) << UInt64(level + 1)
                guard position % width == 0, position + width <= end else { break }
                level += 1
            }
            parts.append(try node(level, position >> UInt64(level)))
            position += UInt64(1) << UInt64(level)
        }
        var hash = parts.removeLast()
        for part in parts.reversed() { hash = MerkleHash.node(part, hash) }
        return hash
    }

    /// The root of the first `size` leaves.
    public static func root(size: UInt64, node: NodeReader) rethrows -> MerkleHash {
        size == 0 ? .empty : try rangeHash(0, size, node: node)
    }

    static func largestPowerOfTwo(below n: UInt64) -> UInt64 {
        var k: UInt64 = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    /// The audit path of leaf `index` in the tree of `size` leaves (RFC 9162 §2.1.3.1).
    public static func inclusionProof(index: UInt64, size: UInt64, node: NodeReader) throws -> [MerkleHash] {
        guard index < size else { throw LedgerError("leaf \(index) is not in a tree of \(size) leaves") }
        return try path(index, 0, size, node: node)
    }

    private static func path(_ m: UInt64, _ start: UInt64, _ end: UInt64, node: NodeReader) rethrows -> [MerkleHash] {
        let n = end - start
        guard n > 1 else { return [] }
        let k = largestPowerOfTwo(below: n)
        if m < k {
            return try path(m, start, start + k, node: node) + [rangeHash(start + k, end, node: node)]
        }
        return try path(m - k, start + k, end, node: node) + [rangeHash(start, start + k, node: node)]
    }

    /// The consistency proof between the trees of `oldSize` and `newSize` leaves (RFC 9162 §2.1.4.1).
    public static func consistencyProof(oldSize: UInt64, newSize: UInt64, node: NodeReader) throws -> [MerkleHash] {
        guard oldSize <= newSize else { throw LedgerError("old size \(oldSize) exceeds new size \(newSize)") }
        guard oldSize > 0, oldSize < newSize else { return [] }
        return try subproof(oldSize, 0, newSize, true, node: node)
    }

    private static func subproof(_ m: UInt64, _ start: UInt64, _ end: UInt64, _ complete: Bool, node: NodeReader) rethrows -> [MerkleHash] {
        let n = end - start
        if m == n { return complete ? [] : [try rangeHash(start, end, node: node)] }
        let k = largestPowerOfTwo(below: n)
        if m <= k {
            return try subproof(m, start, start + k, complete, node: node) + [rangeHash(start + k, end, node: node)]
        }
        return try subproof(m - k, start + k, end, false, node: node) + [rangeHash(start, start + k, node: node)]
    }

    /// Checks an inclusion proof (RFC 9162 §2.1.3.2).
    public static func verifyInclusion(leaf: MerkleHash, index: UInt64, size: UInt64, proof: [MerkleHash], root: MerkleHash) -> Bool {
        guard index < size else { return false }
        var fn = index
        var sn = size - 1
        var r = leaf
        for p in proof {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                r = MerkleHash.node(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = MerkleHash.node(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// Checks a consistency proof (RFC 9162 §2.1.4.2).
    public static func verifyConsistency(oldSize: UInt64, newSize: UInt64, oldRoot: MerkleHash, newRoot: MerkleHash,
                                         proof: [MerkleHash]) -> Bool {
        if oldSize == newSize { return proof.isEmpty && oldRoot == newRoot }
        if oldSize == 0 { return proof.isEmpty }
        guard oldSize < newSize, !proof.isEmpty else { return false }
        var path = proof
        if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }  // old size is a power of two
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0]
        var sr = path[0]
        for c in path.dropFirst() {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                fr = MerkleHash.node(c, fr)
                sr = MerkleHash.node(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = MerkleHash.node(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && fr == oldRoot && sr == newRoot
    }
}

/// A ledger failure: a proof that cannot be built or a record that does not match.
public struct LedgerError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
