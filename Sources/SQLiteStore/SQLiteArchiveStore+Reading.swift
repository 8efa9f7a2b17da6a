import ArchiveModel
import ArchiveStore
import Foundation
import GRDB

extension SQLiteArchiveStore {
    public func message(id: MessageID) async throws -> StoredMessage? {
        let sealer = self.sealer
        return try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM message WHERE msgid = ?", arguments: [id.rawValue])
                .map { try Self.storedMessage($0, sealer: sealer) }
        }
    }

    static func storedMessage(_ row: Row, sealer: Sealer) throws -> StoredMessage {
        let msgid: String = row["msgid"]
        let recalledBy: String? = row["recalled_by"]
        return try StoredMessage(
            raw: try sealer.open(Array(row["body"] as Data), context: SealContext.body(msgid)), seq: UInt64(row["seq"] as Int64),
            searchableText: String(decoding: try sealer.open(Array(row["text"] as Data), context: SealContext.text(msgid)), as: UTF8.self),
            recalledBy: recalledBy.map { MessageID($0) }, archivedAt: WeComTime(milliseconds: row["archived_at"]),
            leafIndex: UInt64(row["leaf_index"] as Int64))
    }

    public func stats() async throws -> ArchiveStats {
        try await pool.read { db in
            let count = { (sql: String) in try Int.fetchOne(db, sql: sql) ?? 0 }
            var byType: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT msgtype, count(*) AS n FROM message GROUP BY msgtype") {
                byType[row["msgtype"]] = row["n"]
            }
            var cursors: [String: UInt64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT source, seq FROM source_cursor") {
                cursors[row["source"]] = UInt64(row["seq"] as Int64)
            }
            let range = try Row.fetchOne(db, sql: "SELECT min(msgtime) AS first, max(msgtime) AS last FROM message")
            let first: Int64? = range?["first"]
            let last: Int64? = range?["last"]
            return ArchiveStats(
                messages: try count("SELECT count(*) FROM message"),
                quarantined: try count("SELECT count(*) FROM quarantine WHERE resolved_at IS NULL"),
                conversations: try count("SELECT count(*) FROM conversation"),
                media: try count("SELECT count(*) FROM media"),
                mediaPending: try count("SELECT count(*) FROM message_media WHERE status IN ('pending', 'failed')"),
                mediaFailed: try count("SELECT count(*) FROM message_media WHERE status IN ('failed', 'gone')"),
                seqGaps: try count("SELECT count(*) FROM seq_gap"),
                recalled: try count("SELECT count(*) FROM message WHERE recalled_by IS NOT NULL"),
                firstMessageTime: first.map(WeComTime.init(milliseconds:)),
                lastMessageTime: last.map(WeComTime.init(milliseconds:)),
                byMsgtype: byType, cursors: cursors)
        }
    }

    /// Seq gaps detected so far, oldest first.
    public func seqGaps(source: String) async throws -> [SeqGap] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT after_seq, before_seq FROM seq_gap WHERE source = ? ORDER BY after_seq",
                             arguments: [source])
                .map { SeqGap(after: UInt64($0["after_seq"] as Int64), before: UInt64($0["before_seq"] as Int64)) }
        }
    }
}

extension SQLiteArchiveStore {
    /// Bytes used by the search index and by the sealed message bodies (SQLite's dbstat).
    public func storageSizes() async throws -> (index: Int, bodies: Int) {
        try await pool.read { db in
            let index = try Int.fetchOne(db, sql: "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE 'message_fts%'") ?? 0
            let bodies = try Int.fetchOne(db, sql: "SELECT coalesce(sum(length(body)), 0) FROM message") ?? 0
            return (index, bodies)
        }
    }
}
