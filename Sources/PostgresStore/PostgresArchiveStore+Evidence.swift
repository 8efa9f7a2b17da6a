import ArchiveModel
import ArchiveStore
import Ledger
import Logging
import NIOCore
import PostgresNIO

extension PostgresArchiveStore: EvidenceSource {
    public func mediaLeaves(of messages: [MessageID]) async throws -> [MediaLeaf] {
        try await connection { connection in
            var leaves: [MediaLeaf] = []
            for try await (msgid, fileID, sha, size, leaf) in try await connection.query("""
                SELECT mm.msgid, mm.sdkfileid, mm.sha256, md.size, mm.leaf_index FROM message_media mm
                JOIN media md ON md.sha256 = mm.sha256
                WHERE mm.status = 'stored' AND mm.leaf_index IS NOT NULL AND mm.msgid = ANY(\(messages.map(\.rawValue))::text[])
                ORDER BY mm.leaf_index
                """, logger: logger).decode((String, String, String, Int64, Int64).self) {
                leaves.append(MediaLeaf(msgid: msgid, sdkFileID: fileID, sha256: sha, size: UInt64(size), leafIndex: UInt64(leaf)))
            }
            return leaves
        }
    }

    public func inclusionProofs(leaves: [UInt64], treeSize: UInt64) async throws -> [UInt64: [MerkleHashBytes]] {
        try await transaction { connection in
            try await PostgresNodes.withNodes(connection, logger: logger) { node in
                var proofs: [UInt64: [MerkleHashBytes]] = [:]
                for leaf in leaves {
                    proofs[leaf] = try MerkleProofs.inclusionProof(index: leaf, size: treeSize, node: node).map(\.bytes)
                }
                return proofs
            }
        }
    }

    public func consistencyProof(from oldSize: UInt64, to newSize: UInt64) async throws -> [MerkleHashBytes] {
        try await transaction { connection in
            try await PostgresNodes.withNodes(connection, logger: logger) { node in
                try MerkleProofs.consistencyProof(oldSize: oldSize, newSize: newSize, node: node).map(\.bytes)
            }
        }
    }

    public func messages(ids: [MessageID]) async throws -> [StoredMessage] {
        try await connection { connection in
            try await storedMessages(PostgresQuery(unsafeSQL: """
                SELECT \(Self.messageColumns) FROM message_key k JOIN message m ON m.msgid = k.msgid AND m.msgtime = k.msgtime
                WHERE k.msgid = ANY($1::text[]) ORDER BY k.leaf_index
                """, binds: binds(ids.map(\.rawValue))), connection)
        }
    }
}
