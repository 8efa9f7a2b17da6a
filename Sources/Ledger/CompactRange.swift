/// The right edge of a Merkle log: the roots of its maximal perfect subtrees, largest first.
///
/// Appending a leaf merges equal-sized subtrees and reports every new interior node, so a store can
/// persist all perfect-subtree nodes (from which any root or proof is assembled) in the same
/// transaction as the leaf.
public struct CompactRange: Sendable, Hashable {
    /// Number of leaves.
    public private(set) var size: UInt64
    /// (level, hash) of each perfect subtree on the right edge, from the left.
    public private(set) var nodes: [(level: Int, hash: MerkleHash)]

    public static func == (lhs: CompactRange, rhs: CompactRange) -> Bool {
        lhs.size == rhs.size && lhs.nodes.map(\.hash) == rhs.nodes.map(\.hash)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(size)
        hasher.combine(nodes.map(\.hash))
    }

    public init() {
        size = 0
        nodes = []
    }

    /// Rebuilds the right edge of a tree of `size` leaves from stored perfect-subtree nodes.
    /// - Parameter node: returns the hash of the perfect subtree at (level, index).
    public init(size: UInt64, node: (Int, UInt64) throws -> MerkleHash) rethrows {
        self.size = size
        nodes = []
        var start: UInt64 = 0
        for level in stride(from: 63, through: 0, by: -1) where size & (UInt64(1) << UInt64(level)) != 0 {
            nodes.append((level, try node(level, start >> UInt64(level))))
            start += UInt64(1) << UInt64(level)
        }
    }

    /// A new interior node produced by an append.
    public struct NewNode: Sendable, Hashable {
        public var level: Int
        public var index: UInt64
        public var hash: MerkleHash
    }

    /// Appends a leaf hash; returns the interior nodes that became complete.
    @discardableResult
    public mutating func append(_ leaf: MerkleHash) -> [NewNode] {
        var created: [NewNode] = []
        var current = (level: 0, hash: leaf)
        var index = size
        while let last = nodes.last, last.level == current.level {
            nodes.removeLast()
            current = (current.level + 1, MerkleHash.node(last.hash, current.hash))
            index >>= 1
            created.append(NewNode(level: current.level, index: index, hash: current.hash))
        }
        nodes.append(current)
        size += 1
        return created
    }

    /// The RFC 6962 root hash of the tree.
    public var root: MerkleHash {
        guard var hash = nodes.last?.hash else { return .empty }
        for node in nodes.dropLast().reversed() { hash = MerkleHash.node(node.hash, hash) }
        return hash
    }
}
