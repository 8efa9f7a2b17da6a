import ArchiveStore
import Foundation
import GRDB
import Ledger

/// Appends leaves to the Merkle log inside the caller's transaction, writing every new perfect-subtree node.
///
/// The right edge is rebuilt from the stored nodes at the start of each transaction (a few dozen reads),
/// so nothing in memory can drift from what a rolled-back transaction left behind.
struct LedgerAppender {
    enum Kind: String {
        case message
        case media
        case audit
    }

    private var range: CompactRange
    /// Benchmarks only: counts positions without hashing or writing, to measure what the ledger costs.
    private let enabled: Bool
    private var disabledSize: UInt64 = 0
    var size: UInt64 { enabled ? range.size : disabledSize }

    init(db: Database, enabled: Bool = true) throws {
        self.enabled = enabled
        guard enabled else {
            range = CompactRange()
            disabledSize = UInt64(try Int64.fetchOne(db, sql: "SELECT coalesce(max(leaf_index) + 1, 0) FROM message") ?? 0)
            return
        }
        let size = UInt64(try Int64.fetchOne(db, sql: "SELECT coalesce(max(idx) + 1, 0) FROM ledger_leaf") ?? 0)
        range = try CompactRange(size: size) { level, index in try Self.node(level: level, index: index, db: db) }
    }

    /// Appends one leaf; returns its index.
    @discardableResult
    mutating func append(kind: Kind, ref: String, leaf: [UInt8], db: Database) throws -> UInt64 {
        try append(kind: kind, ref: ref, leafHash: enabled ? MerkleHash.leaf(leaf) : nil, db: db)
    }

    /// Appends a leaf whose hash was computed before the transaction (off the writer); `nil` only when disabled.
    @discardableResult
    mutating func append(kind: Kind, ref: String, leafHash: MerkleHash?, db: Database) throws -> UInt64 {
        guard enabled else {
            disabledSize += 1
            return disabledSize - 1
        }
        guard let hash = leafHash else { throw StorageError("a \(kind.rawValue) leaf for \(ref) was prepared without its hash") }
        let index = range.size
        try db.cachedStatement(sql: "INSERT INTO ledger_leaf (idx, kind, ref, hash) VALUES (?, ?, ?, ?)")
            .execute(arguments: [Int64(index), kind.rawValue, ref, Data(hash.bytes)])
        for node in range.append(hash) {
            try db.cachedStatement(sql: "INSERT INTO ledger_node (level, idx, hash) VALUES (?, ?, ?)")
                .execute(arguments: [node.level, Int64(node.index), Data(node.hash.bytes)])
        }
        return index
    }

    var root: MerkleHash { range.root }

    /// The stored hash of the perfect subtree at (level, index); level 0 is a leaf.
    static func node(level: Int, index: UInt64, db: Database) throws -> MerkleHash {
        let data: Data? = level == 0
            ? try Data.fetchOne(db.cachedStatement(sql: "SELECT hash FROM ledger_leaf WHERE idx = ?"), arguments: [Int64(index)])
            : try Data.fetchOne(db.cachedStatement(sql: "SELECT hash FROM ledger_node WHERE level = ? AND idx = ?"),
                                arguments: [level, Int64(index)])
        guard let data, data.count == 32 else {
            throw StorageError("ledger node \(level)/\(index) is missing or damaged; run `chatledger verify`")
        }
        return MerkleHash(bytes: Array(data))
    }
}
