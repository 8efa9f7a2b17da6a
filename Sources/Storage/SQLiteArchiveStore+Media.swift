import ArchiveModel
import Foundation
import GRDB
import Ledger

extension SQLiteArchiveStore {
    public func pendingMedia(limit: Int) async throws -> [PendingMedia] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT msgid, sdkfileid, md5, expected_size, attempts FROM message_media
                WHERE status IN ('pending', 'failed') AND attempts < 5 ORDER BY attempts, rowid LIMIT ?
                """, arguments: [limit]).map { row in
                PendingMedia(messageID: MessageID(row["msgid"] as String),
                             reference: MediaReference(sdkFileID: row["sdkfileid"], md5: row["md5"], size: row["expected_size"]),
                             attempts: row["attempts"])
            }
        }
    }

    public func recordMedia(_ outcome: MediaOutcome) async throws {
        let now = clock().milliseconds
        try await pool.write { db in
            var leafIndex: Int64?
            if outcome.status == .stored, let sha = outcome.sha256, let digest = MerkleHash(hex: sha) {
                try db.execute(sql: "INSERT OR IGNORE INTO media (sha256, size, stored_at) VALUES (?, ?, ?)",
                               arguments: [sha, outcome.size ?? 0, now])
                // The attachment joins the ledger in the same transaction that records it.
                var ledger = try LedgerAppender(db: db)
                leafIndex = Int64(try ledger.append(
                    kind: .media, ref: "\(outcome.messageID.rawValue)\n\(outcome.sdkFileID)",
                    leaf: LeafEncoding.media(msgid: outcome.messageID.rawValue, sdkFileID: outcome.sdkFileID,
                                             sha256: digest.bytes, size: UInt64(outcome.size ?? 0)), db: db))
            }
            try db.execute(sql: """
                UPDATE message_media SET status = ?, sha256 = ?, error = ?, attempts = attempts + 1, leaf_index = ?
                WHERE msgid = ? AND sdkfileid = ?
                """, arguments: [outcome.status.rawValue, outcome.sha256, outcome.error, leafIndex, outcome.messageID.rawValue,
                                 outcome.sdkFileID])
        }
    }

    /// The blob hashes of a message's attachments, in the order they were fetched.
    public func mediaHashes(of id: MessageID) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT sha256 FROM message_media WHERE msgid = ? AND sha256 IS NOT NULL ORDER BY rowid",
                                arguments: [id.rawValue])
        }
    }
}
