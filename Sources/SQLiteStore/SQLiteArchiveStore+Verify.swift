import ArchiveStore
import Crypto
import Foundation
import GRDB
import Ledger

extension SQLiteArchiveStore {
    /// Re-derives the ledger from the stored records and checks every checkpoint and blob.
    ///
    /// Every message body is unsealed and re-encoded as its leaf; the tree is rebuilt from those leaves
    /// (not from the stored hashes) and compared with every stored node and checkpoint root; every
    /// checkpoint signature and the consistency between consecutive checkpoints are checked; every blob
    /// is opened and hashed. Runs on one consistent snapshot of the database.
    public func verify(publicKey: Curve25519.Signing.PublicKey, blobs: (any BlobStore)?,
                       progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> VerifyReport {
        let sealer = self.sealer
        let started = Date()
        let report = try await pool.read { db in
            try LedgerVerification(db: db, sealer: sealer, publicKey: publicKey, progress: progress).run()
        }
        let stored = blobs == nil ? [] : try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT msgid, sha256 FROM message_media WHERE status = 'stored' ORDER BY rowid")
                .map { (msgid: $0["msgid"] as String, sha256: $0["sha256"] as String) }
        }
        return await LedgerWalk.finish(report, storedBlobs: stored, blobs: blobs, started: started)
    }
}

/// One verification pass over a read transaction.
private struct LedgerVerification {
    let db: Database
    let sealer: Sealer
    let publicKey: Curve25519.Signing.PublicKey
    let progress: @Sendable (Int, Int) -> Void

    func run() throws -> VerifyReport {
        let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM ledger_leaf") ?? 0
        var walk = LedgerWalk(checkpoints: try SQLiteArchiveStore.checkpoints(db: db), sealer: sealer)
        var next: UInt64 = 0
        while true {
            let rows = try page(after: next, limit: LedgerWalk.pageSize)
            if rows.isEmpty { break }
            let failure = try walk.check(rows) { level, index in
                try Data.fetchOne(db.cachedStatement(sql: "SELECT hash FROM ledger_node WHERE level = ? AND idx = ?"),
                                  arguments: [level, Int64(index)]).map(Array.init)
            }
            if let failure { return walk.report(failure: failure) }
            next = rows.last!.index + 1
            progress(walk.records, total)
        }
        if let orphan = try orphanMessage() {
            return walk.report(failure: VerifyFailure(kind: "message", ref: orphan, leafIndex: nil,
                                                      reason: "stored message is not in the ledger (added outside ChatLedger?)"))
        }
        if let orphan = try orphanMedia() {
            return walk.report(failure: VerifyFailure(kind: "media", ref: orphan, leafIndex: nil, reason: "stored attachment is not in the ledger"))
        }
        return walk.report(failure: walk.checkCheckpoints(publicKey: publicKey) { try LedgerAppender.node(level: $0, index: $1, db: db) })
    }

    func page(after start: UInt64, limit: Int) throws -> [LedgerLeafRow] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT l.idx, l.kind, l.ref, l.hash, m.msgid, m.seq, m.body,
                   mm.msgid AS media_msgid, mm.sdkfileid, mm.sha256, md.size,
                   a.id AS audit_id, a.at AS audit_at, a.actor, a.action AS audit_action, a.target, a.event
            FROM ledger_leaf l
            LEFT JOIN message m ON l.kind = 'message' AND m.leaf_index = l.idx
            LEFT JOIN message_media mm ON l.kind = 'media' AND mm.leaf_index = l.idx
            LEFT JOIN media md ON md.sha256 = mm.sha256
            LEFT JOIN audit_event a ON l.kind = 'audit' AND a.leaf_index = l.idx
            WHERE l.idx >= ? ORDER BY l.idx LIMIT ?
            """), arguments: [Int64(start), limit]).map { row in
            LedgerLeafRow(index: UInt64(row["idx"] as Int64), kind: row["kind"], ref: row["ref"], storedHash: Array(row["hash"] as Data),
                    msgid: row["msgid"], seq: row["seq"], body: (row["body"] as Data?).map(Array.init),
                    mediaMsgid: row["media_msgid"], sdkFileID: row["sdkfileid"], sha256: row["sha256"], size: row["size"],
                    auditID: row["audit_id"],
                    auditColumns: (row["audit_id"] as Int64?).map { _ in
                        [String(row["audit_at"] as Int64), row["actor"], row["audit_action"], row["target"]]
                    },
                    auditEvent: (row["event"] as Data?).map(Array.init))
        }
    }

    func orphanMessage() throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT m.msgid FROM message m LEFT JOIN ledger_leaf l ON l.idx = m.leaf_index AND l.kind = 'message' AND l.ref = m.msgid
            WHERE l.idx IS NULL LIMIT 1
            """)
    }

    func orphanMedia() throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT mm.msgid || ' ' || mm.sdkfileid FROM message_media mm
            LEFT JOIN ledger_leaf l ON l.idx = mm.leaf_index AND l.kind = 'media'
            WHERE mm.status = 'stored' AND l.idx IS NULL LIMIT 1
            """)
    }
}
