import ArchiveModel
import ArchiveStore
import Foundation
import Ledger
import Logging
import NIOCore
import PostgresNIO

/// Appends leaves to the Merkle log inside the caller's transaction, which holds the ledger lock.
///
/// New leaves and nodes are collected and written in one statement each by ``flush(_:)``.
struct PostgresLedgerAppender {
    private var range: CompactRange
    private var leaves: (index: [Int64], kind: [String], ref: [String], hash: [ByteBuffer]) = ([], [], [], [])
    private var nodes: (level: [Int32], index: [Int64], hash: [ByteBuffer]) = ([], [], [])

    /// Takes the ledger lock and reads the right edge of the tree.
    static func begin(_ connection: PostgresConnection, logger: Logger) async throws -> PostgresLedgerAppender {
        try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.ledgerLock))", logger: logger)
        let size = try await connection.query("SELECT coalesce(max(idx) + 1, 0)::bigint FROM ledger_leaf", logger: logger)
            .decode(Int64.self).first { _ in true } ?? 0
        let range = try await PostgresNodes.withNodes(connection, logger: logger) { node in
            try CompactRange(size: UInt64(size), node: node)
        }
        return PostgresLedgerAppender(range: range)
    }

    private init(range: CompactRange) { self.range = range }

    var size: UInt64 { range.size }

    /// Appends one leaf; returns its index.
    @discardableResult
    mutating func append(kind: String, ref: String, leaf: [UInt8]) -> UInt64 {
        let index = range.size
        let hash = MerkleHash.leaf(leaf)
        leaves.index.append(Int64(index))
        leaves.kind.append(kind)
        leaves.ref.append(ref)
        leaves.hash.append(ByteBuffer(bytes: hash.bytes))
        for node in range.append(hash) {
            nodes.level.append(Int32(node.level))
            nodes.index.append(Int64(node.index))
            nodes.hash.append(ByteBuffer(bytes: node.hash.bytes))
        }
        return index
    }

    /// Writes what was appended since the last flush.
    mutating func flush(_ connection: PostgresConnection, logger: Logger) async throws {
        if !leaves.index.isEmpty {
            try await connection.query("""
                INSERT INTO ledger_leaf (idx, kind, ref, hash)
                SELECT * FROM unnest(\(leaves.index)::bigint[], \(leaves.kind)::text[], \(leaves.ref)::text[], \(leaves.hash)::bytea[])
                """, logger: logger)
        }
        if !nodes.level.isEmpty {
            try await connection.query("""
                INSERT INTO ledger_node (level, idx, hash)
                SELECT * FROM unnest(\(nodes.level)::integer[], \(nodes.index)::bigint[], \(nodes.hash)::bytea[])
                """, logger: logger)
        }
        leaves = ([], [], [], [])
        nodes = ([], [], [])
    }
}

/// Reads stored tree nodes for the pure Merkle functions, which ask for them synchronously.
///
/// Which nodes a root, proof or compact range needs depends only on sizes and indexes, never on hash values,
/// so a first pass records the coordinates, one query fetches them, and a second pass computes.
enum PostgresNodes {
    struct Coordinate: Hashable {
        var level: Int
        var index: UInt64
    }

    static func withNodes<T>(_ connection: PostgresConnection, logger: Logger,
                             _ body: (MerkleProofs.NodeReader) throws -> T) async throws -> T {
        var wanted = Set<Coordinate>()
        _ = try? body { level, index in
            wanted.insert(Coordinate(level: level, index: index))
            return MerkleHash.empty
        }
        let found = try await fetch(wanted, connection, logger: logger)
        return try body { level, index in
            guard let hash = found[Coordinate(level: level, index: index)] else {
                throw StorageError("ledger node \(level)/\(index) is missing or damaged; run `chatledger verify`")
            }
            return hash
        }
    }

    /// A reader over the nodes `record` asks for. `record` must reach every node it will need whatever the hash
    /// values (run each computation under `try?`, never stop at the first failed check).
    static func reader(_ connection: PostgresConnection, logger: Logger,
                       record: (MerkleProofs.NodeReader) -> Void) async throws -> MerkleProofs.NodeReader {
        var wanted = Set<Coordinate>()
        record { level, index in
            wanted.insert(Coordinate(level: level, index: index))
            return MerkleHash.empty
        }
        let found = try await fetch(wanted, connection, logger: logger)
        return { level, index in
            guard let hash = found[Coordinate(level: level, index: index)] else {
                throw StorageError("ledger node \(level)/\(index) is missing or damaged; run `chatledger verify`")
            }
            return hash
        }
    }

    static func fetch(_ coordinates: Set<Coordinate>, _ connection: PostgresConnection,
                      logger: Logger) async throws -> [Coordinate: MerkleHash] {
        var found: [Coordinate: MerkleHash] = [:]
        let leaves = coordinates.filter { $0.level == 0 }.map { Int64($0.index) }
        let interior = coordinates.filter { $0.level > 0 }
        if !leaves.isEmpty {
            let rows = try await connection.query("SELECT idx, hash FROM ledger_leaf WHERE idx = ANY(\(leaves)::bigint[])", logger: logger)
            for try await (index, hash) in rows.decode((Int64, ByteBuffer).self) where hash.readableBytes == 32 {
                found[Coordinate(level: 0, index: UInt64(index))] = MerkleHash(bytes: Array(buffer: hash))
            }
        }
        if !interior.isEmpty {
            let levels = interior.map { Int32($0.level) }
            let indexes = interior.map { Int64($0.index) }
            let rows = try await connection.query("""
                SELECT n.level, n.idx, n.hash FROM unnest(\(levels)::integer[], \(indexes)::bigint[]) AS w(level, idx)
                JOIN ledger_node n ON n.level = w.level AND n.idx = w.idx
                """, logger: logger)
            for try await (level, index, hash) in rows.decode((Int32, Int64, ByteBuffer).self) where hash.readableBytes == 32 {
                found[Coordinate(level: Int(level), index: UInt64(index))] = MerkleHash(bytes: Array(buffer: hash))
            }
        }
        return found
    }
}
