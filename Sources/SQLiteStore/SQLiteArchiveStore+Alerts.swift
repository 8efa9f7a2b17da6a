import ArchiveModel
import ArchiveStore
import Foundation
import GRDB

extension SQLiteArchiveStore {
    public func alerts(status: String? = nil, category: String? = nil, limit: Int = 100) async throws -> [AlertRecord] {
        try await pool.read { db in
            var conditions: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if let status { conditions.append("status = ?"); arguments.append(status) }
            if let category {
                conditions.append("category = ?")
                arguments.append(category)
            } else {
                // Digests are records of what was sent, not work for the queue; ask for the category to see them.
                conditions.append("category <> 'weekly-digest'")
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(db, sql: "SELECT * FROM alert \(filter) ORDER BY id DESC LIMIT ?",
                                    arguments: StatementArguments(arguments + [limit])).map(Self.alertRecord)
        }
    }

    static func alertRecord(_ row: Row) -> AlertRecord {
        AlertRecord(id: row["id"], conversation: row["conversation"], category: row["category"], severity: row["severity"],
                    status: row["status"], assignee: row["assignee"], sender: row["sender"], firstMsgtime: row["first_msgtime"],
                    lastMsgtime: row["last_msgtime"], hitCount: row["hit_count"], createdAt: row["created_at"], updatedAt: row["updated_at"])
    }

    /// One alert with its hits (matched text unsealed) and its history.
    public func alert(id: Int64) async throws -> (AlertRecord, [AlertHit], [AlertEvent])? {
        let sealer = self.sealer
        return try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM alert WHERE id = ?", arguments: [id]) else { return nil }
            let hits = try Row.fetchAll(db, sql: """
                SELECT h.*, m.msgid, m.text FROM risk_hit h JOIN message m ON m.id = h.message_id WHERE h.alert_id = ? ORDER BY h.id
                """, arguments: [id]).map { hit -> AlertHit in
                let msgid: String = hit["msgid"]
                let text = Array(String(decoding: try sealer.open(Array(hit["text"] as Data), context: SealContext.text(msgid)), as: UTF8.self))
                let start: Int = hit["start"], end: Int = hit["end"]
                let match = start >= 0 && end <= text.count && start < end ? String(text[start..<end]) : ""
                return AlertHit(msgid: msgid, rule: hit["rule"], severity: hit["severity"], match: match, start: start, end: end,
                                policyVersion: hit["policy_version"])
            }
            let events = try Row.fetchAll(db, sql: "SELECT * FROM alert_event WHERE alert_id = ? ORDER BY id", arguments: [id]).map {
                AlertEvent(at: $0["at"], actor: $0["actor"], action: $0["action"], note: $0["note"])
            }
            return (Self.alertRecord(row), hits, events)
        }
    }

    /// Moves an alert through its lifecycle, recording who did what and when.
    /// - Throws: ``StorageError`` when the alert does not exist or the action is not allowed from its status.
    public func updateAlert(id: Int64, action: AlertAction, actor: String, assignee: String? = nil, note: String? = nil) async throws {
        let now = clock().milliseconds
        try await pool.write { db in
            guard let status = try String.fetchOne(db, sql: "SELECT status FROM alert WHERE id = ?", arguments: [id]) else {
                throw StorageError("no alert \(id)")
            }
            guard action.allowedFrom.contains(status) else {
                throw StorageError("alert \(id) is \(status); \(action.rawValue) is allowed only when \(action.allowedFrom.sorted().joined(separator: ", "))")
            }
            if action == .assign, (assignee ?? "").isEmpty { throw StorageError("assign needs an assignee") }
            if let newStatus = action.status {
                try db.execute(sql: "UPDATE alert SET status = ?, assignee = coalesce(?, assignee), updated_at = ? WHERE id = ?",
                               arguments: [newStatus, assignee, now, id])
            }
            try db.execute(sql: "INSERT INTO alert_event (alert_id, at, actor, action, note) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, now, actor, action.rawValue + (assignee.map { " → \($0)" } ?? ""), note])
        }
    }

    /// Queues the weekly digest for `channels` once per week (`weekStart`, milliseconds): kept as a resolved
    /// `weekly-digest` alert so the queue stays clean and the history shows it was sent.
    /// - Returns: whether it was queued now (false when that week's digest exists already).
    @discardableResult
    public func queueDigest(weekStart: Int64, text: String, channels: [String]) async throws -> Bool {
        let now = clock().milliseconds
        return try await pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM alert WHERE category = 'weekly-digest' AND first_msgtime = ?", arguments: [weekStart]) == true {
                return false
            }
            try db.execute(sql: """
                INSERT INTO alert (conversation, category, severity, status, sender, first_msgtime, last_msgtime, hit_count, created_at, updated_at)
                VALUES (NULL, 'weekly-digest', 'low', 'resolved', 'chatledger', ?, ?, 0, ?, ?)
                """, arguments: [weekStart, weekStart, now, now])
            let id = db.lastInsertedRowID
            try db.execute(sql: "INSERT INTO alert_event (alert_id, at, actor, action, note) VALUES (?, ?, 'chatledger', 'digest', ?)",
                           arguments: [id, now, text])
            for channel in channels {
                try db.execute(sql: "INSERT INTO alert_outbox (alert_id, channel, created_at, next_attempt_at, body) VALUES (?, ?, ?, ?, ?)",
                               arguments: [id, channel, now, now, text])
            }
            return true
        }
    }

    /// Outbox items due now, oldest first.
    public func dueOutbox(limit: Int = 100) async throws -> [OutboxItem] {
        let now = clock().milliseconds
        return try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT o.id AS outbox_id, o.channel, o.attempts, o.recipients, o.body, a.* FROM alert_outbox o JOIN alert a ON a.id = o.alert_id
                WHERE o.delivered_at IS NULL AND o.next_attempt_at <= ? ORDER BY o.id LIMIT ?
                """, arguments: [now, limit]).map {
                var alert = Self.alertRecord($0)
                alert.message = $0["body"]
                return OutboxItem(id: $0["outbox_id"], channel: $0["channel"], attempts: $0["attempts"], alert: alert,
                                  recipients: ($0["recipients"] as String?).map(Self.strings))
            }
        }
    }

    /// Records a delivery attempt: delivered, or failed and due again after exponential backoff (never dropped).
    public func recordDelivery(outboxID: Int64, error: String?) async throws {
        let now = clock().milliseconds
        try await pool.write { db in
            if let error {
                let attempts = (try Int.fetchOne(db, sql: "SELECT attempts FROM alert_outbox WHERE id = ?", arguments: [outboxID]) ?? 0) + 1
                let delay = Int64(min(3_600_000, 1000 << min(attempts, 12)))
                try db.execute(sql: "UPDATE alert_outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?",
                               arguments: [attempts, now + delay, error, outboxID])
            } else {
                try db.execute(sql: "UPDATE alert_outbox SET attempts = attempts + 1, delivered_at = ?, last_error = NULL WHERE id = ?",
                               arguments: [now, outboxID])
            }
        }
    }

    /// Outbox rows still undelivered (for stats and tests).
    public func undeliveredCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM alert_outbox WHERE delivered_at IS NULL") ?? 0 }
    }
}
