import ArchiveModel
import ArchiveStore
import Crypto
import Foundation
import GRDB
import Ledger

extension SQLiteArchiveStore {
    /// Number of leaves in the log.
    public func treeSize() async throws -> UInt64 {
        try await pool.read { db in UInt64(try Int64.fetchOne(db, sql: "SELECT coalesce(max(idx) + 1, 0) FROM ledger_leaf") ?? 0) }
    }

    /// Signs and stores a checkpoint if leaves were added since the last one.
    /// - Returns: the new checkpoint, or `nil` when nothing changed.
    @discardableResult
    public func writeCheckpoint(signingKey: Curve25519.Signing.PrivateKey,
                                timestamp: (@Sendable ([UInt8]) async throws -> [UInt8]?)? = nil) async throws -> Checkpoint? {
        let origin = self.origin
        let now = clock().milliseconds
        let draft: Checkpoint? = try await pool.write { db in
            let size = UInt64(try Int64.fetchOne(db, sql: "SELECT coalesce(max(idx) + 1, 0) FROM ledger_leaf") ?? 0)
            let last = try Int64.fetchOne(db, sql: "SELECT tree_size FROM checkpoint ORDER BY id DESC LIMIT 1")
            guard size > 0, last.map({ UInt64($0) < size }) ?? true else { return nil }
            let root = try MerkleProofs.root(size: size) { try LedgerAppender.node(level: $0, index: $1, db: db) }
            let checkpoint = try Checkpoint.sign(origin: origin, treeSize: size, root: root, timeMilliseconds: now, key: signingKey)
            try db.execute(sql: """
                INSERT INTO checkpoint (origin, tree_size, root, time_ms, signature, key_id) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [origin, Int64(size), Data(root.bytes), now, Data(checkpoint.signature),
                                 SigningKeyFormat.keyID(signingKey.publicKey)])
            return checkpoint
        }
        guard var checkpoint = draft, let timestamp else { return draft }
        // Third-party notarization: attach an RFC 3161 token over the signed note when a TSA answers.
        if let token = try await timestamp(Array(SHA256.hash(data: checkpoint.note))) {
            checkpoint.timestampToken = token
            let (size, time) = (Int64(checkpoint.treeSize), checkpoint.timeMilliseconds)
            try await pool.write { db in
                try db.execute(sql: "UPDATE checkpoint SET tsa_token = ? WHERE tree_size = ? AND time_ms = ?",
                               arguments: [Data(token), size, time])
            }
        }
        return checkpoint
    }

    /// Every checkpoint, oldest first.
    public func checkpoints() async throws -> [Checkpoint] {
        try await pool.read { db in try Self.checkpoints(db: db) }
    }

    static func checkpoints(db: Database) throws -> [Checkpoint] {
        try Row.fetchAll(db, sql: "SELECT * FROM checkpoint ORDER BY id").map { row in
            let root = Array(row["root"] as Data)
            let token: Data? = row["tsa_token"]
            return Checkpoint(origin: row["origin"], treeSize: UInt64(row["tree_size"] as Int64),
                              root: root.count == 32 ? MerkleHash(bytes: root) : MerkleHash(bytes: [UInt8](repeating: 0, count: 32)),
                              timeMilliseconds: row["time_ms"], signature: Array(row["signature"] as Data),
                              timestampToken: token.map(Array.init))
        }
    }

    /// Everything an outside verifier needs to check that a message is in the log.
    public func inclusionProof(msgid: String) async throws -> InclusionProofBundle {
        let sealer = self.sealer
        return try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT seq, body, leaf_index FROM message WHERE msgid = ?", arguments: [msgid]) else {
                throw StorageError("no message \(msgid) in this archive")
            }
            let index = UInt64(row["leaf_index"] as Int64)
            let raw = try sealer.open(Array(row["body"] as Data), context: SealContext.body(msgid))
            let leaf = LeafEncoding.message(seq: UInt64(row["seq"] as Int64), msgid: msgid, raw: raw)
            guard let checkpoint = try Self.checkpoints(db: db).last, checkpoint.treeSize > index else {
                throw StorageError("no checkpoint covers message \(msgid) yet; checkpoints follow new messages within seconds, try again")
            }
            let proof = try MerkleProofs.inclusionProof(index: index, size: checkpoint.treeSize) {
                try LedgerAppender.node(level: $0, index: $1, db: db)
            }
            return InclusionProofBundle(leafIndex: index, leaf: leaf, proof: proof, checkpoint: checkpoint)
        }
    }
}

