import ArchiveModel
import ArchiveStore
import Foundation
import GRDB
import Ledger

extension SQLiteArchiveStore {
    /// Attachments waiting for a fetch whose attempt is due now (never tried, or their backoff has run out), fewest
    /// attempts first. A failed attachment is never dropped for its number of attempts: ``MediaRetryPolicy`` decides.
    public func pendingMedia(limit: Int) async throws -> [PendingMedia] {
        let now = clock().milliseconds
        return try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT msgid, sdkfileid, md5, expected_size, attempts FROM message_media
                WHERE status IN ('pending', 'failed') AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
                ORDER BY attempts, rowid LIMIT ?
                """, arguments: [now, limit]).map { row in
                PendingMedia(messageID: MessageID(row["msgid"] as String),
                             reference: MediaReference(sdkFileID: row["sdkfileid"], md5: row["md5"], size: row["expected_size"]),
                             attempts: row["attempts"])
            }
        }
    }

    /// Records an attempt: a stored blob joins the ledger; a failure is rescheduled or given up as the outcome's
    /// ``MediaOutcome/retry`` policy says, by this store's clock and the message's `msgtime`.
    public func recordMedia(_ outcome: MediaOutcome) async throws {
        let now = clock()
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT mm.attempts, m.msgtime FROM message_media mm LEFT JOIN message m ON m.msgid = mm.msgid
                WHERE mm.msgid = ? AND mm.sdkfileid = ?
                """, arguments: [outcome.messageID.rawValue, outcome.sdkFileID]) else { return }
            let attempts: Int = row[0]
            let messageTime = (row[1] as Int64?).map(WeComTime.init(milliseconds:))
            let update = outcome.retry.update(for: outcome, attempts: attempts + 1, messageTime: messageTime, now: now)
            var leafIndex: Int64?
            if update.status == .stored, let sha = outcome.sha256, let digest = MerkleHash(hex: sha) {
                try db.execute(sql: "INSERT OR IGNORE INTO media (sha256, size, stored_at) VALUES (?, ?, ?)",
                               arguments: [sha, outcome.size ?? 0, now.milliseconds])
                // The attachment joins the ledger in the same transaction that records it.
                var ledger = try LedgerAppender(db: db)
                leafIndex = Int64(try ledger.append(
                    kind: .media, ref: "\(outcome.messageID.rawValue)\n\(outcome.sdkFileID)",
                    leaf: LeafEncoding.media(msgid: outcome.messageID.rawValue, sdkFileID: outcome.sdkFileID,
                                             sha256: digest.bytes, size: UInt64(outcome.size ?? 0)), db: db))
            }
            try db.execute(sql: """
                UPDATE message_media SET status = ?, sha256 = ?, error = ?, attempts = attempts + 1, leaf_index = ?,
                                         next_attempt_at = ?
                WHERE msgid = ? AND sdkfileid = ?
                """, arguments: [update.status.rawValue, outcome.sha256, update.error, leafIndex, update.nextAttemptAt?.milliseconds,
                                 outcome.messageID.rawValue, outcome.sdkFileID])
        }
    }

    /// The blob hashes of a message's attachments, in the order they were fetched.
    public func mediaHashes(of id: MessageID) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT sha256 FROM message_media WHERE msgid = ? AND sha256 IS NOT NULL ORDER BY rowid",
                                arguments: [id.rawValue])
        }
    }

    public func mediaHashes(of ids: [MessageID]) async throws -> [MessageID: [String]] {
        try await pool.read { db in
            var hashes: [MessageID: [String]] = [:]
            for chunk in Array(Set(ids.map(\.rawValue))).sorted().chunks(of: 500) {
                for row in try Row.fetchAll(db, sql: """
                    SELECT msgid, sha256 FROM message_media WHERE msgid IN (\(Self.placeholders(chunk.count))) AND sha256 IS NOT NULL
                    ORDER BY rowid
                    """, arguments: StatementArguments(chunk)) {
                    hashes[MessageID(rawValue: row["msgid"]), default: []].append(row["sha256"])
                }
            }
            return hashes
        }
    }

    public func mediaBacklog() async throws -> MediaBacklog {
        let now = clock().milliseconds
        return try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT coalesce(sum(status IN ('pending', 'failed')), 0),
                       coalesce(sum(status IN ('pending', 'failed') AND (next_attempt_at IS NULL OR next_attempt_at <= ?)), 0),
                       coalesce(sum(status = 'failed'), 0),
                       coalesce(sum(status = 'gone'), 0),
                       coalesce(sum(status = 'stored'), 0),
                       min(CASE WHEN status IN ('pending', 'failed') AND next_attempt_at > ? THEN next_attempt_at END)
                FROM message_media
                """, arguments: [now, now]) else {
                return MediaBacklog(pending: 0, due: 0, retrying: 0, failed: 0, stored: 0, nextAttemptAt: nil)
            }
            return MediaBacklog(pending: row[0], due: row[1], retrying: row[2], failed: row[3], stored: row[4],
                                nextAttemptAt: (row[5] as Int64?).map(WeComTime.init(milliseconds:)))
        }
    }

    public func unstoredMedia(limit: Int) async throws -> [MediaEntry] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT msgid, sdkfileid, status, attempts, next_attempt_at, error FROM message_media
                WHERE status <> 'stored'
                ORDER BY CASE status WHEN 'gone' THEN 0 WHEN 'failed' THEN 1 ELSE 2 END, rowid LIMIT ?
                """, arguments: [limit]).compactMap { row -> MediaEntry? in
                guard let state = MediaEntry.state(ofStatus: row["status"]) else { return nil }
                return MediaEntry(messageID: MessageID(row["msgid"] as String), sdkFileID: row["sdkfileid"], state: state,
                                  attempts: row["attempts"],
                                  nextAttemptAt: (row["next_attempt_at"] as Int64?).map(WeComTime.init(milliseconds:)),
                                  error: row["error"])
            }
        }
    }

    public func retryMedia(includingFailed: Bool) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE message_media SET next_attempt_at = NULL, status = CASE WHEN status = 'gone' THEN 'pending' ELSE status END
                WHERE status IN ('pending', 'failed') OR (? AND status = 'gone')
                """, arguments: [includingFailed])
            return db.changesCount
        }
    }
}
