import ArchiveModel
import ArchiveStore
import Foundation
import GRDB
import Ledger

extension SQLiteArchiveStore: EvidenceSource {
    public func mediaLeaves(of messages: [MessageID]) async throws -> [MediaLeaf] {
        try await pool.read { db in
            var leaves: [MediaLeaf] = []
            for chunk in messages.map(\.rawValue).chunks(of: 500) {
                leaves += try Row.fetchAll(db, sql: """
                    SELECT mm.msgid, mm.sdkfileid, mm.sha256, md.size, mm.leaf_index FROM message_media mm
                    JOIN media md ON md.sha256 = mm.sha256
                    WHERE mm.status = 'stored' AND mm.leaf_index IS NOT NULL AND mm.msgid IN (\(Self.placeholders(chunk.count)))
                    """, arguments: StatementArguments(chunk)).map {
                    MediaLeaf(msgid: $0[0], sdkFileID: $0[1], sha256: $0[2], size: UInt64($0[3] as Int64), leafIndex: UInt64($0[4] as Int64))
                }
            }
            return leaves.sorted { $0.leafIndex < $1.leafIndex }
        }
    }

    public func inclusionProofs(leaves: [UInt64], treeSize: UInt64) async throws -> [UInt64: [MerkleHashBytes]] {
        try await pool.read { db in
            var proofs: [UInt64: [MerkleHashBytes]] = [:]
            for leaf in leaves {
                proofs[leaf] = try MerkleProofs.inclusionProof(index: leaf, size: treeSize) {
                    try LedgerAppender.node(level: $0, index: $1, db: db)
                }.map(\.bytes)
            }
            return proofs
        }
    }

    public func consistencyProof(from oldSize: UInt64, to newSize: UInt64) async throws -> [MerkleHashBytes] {
        try await pool.read { db in
            try MerkleProofs.consistencyProof(oldSize: oldSize, newSize: newSize) {
                try LedgerAppender.node(level: $0, index: $1, db: db)
            }.map(\.bytes)
        }
    }

    public func messages(ids: [MessageID]) async throws -> [StoredMessage] {
        let sealer = self.sealer
        return try await pool.read { db in
            var found: [StoredMessage] = []
            for chunk in ids.map(\.rawValue).chunks(of: 500) {
                found += try Row.fetchAll(db, sql: "SELECT * FROM message WHERE msgid IN (\(Self.placeholders(chunk.count)))",
                                          arguments: StatementArguments(chunk)).map { try Self.storedMessage($0, sealer: sealer) }
            }
            return found.sorted { $0.leafIndex < $1.leafIndex }
        }
    }
}
