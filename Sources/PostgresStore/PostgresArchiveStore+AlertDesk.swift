import ArchiveModel
import ArchiveStore
import Foundation
import NIOCore
import PostgresNIO

/// The alert queue: every `serve` process reads and works the same alerts.
extension PostgresArchiveStore: AlertDesk {
    static let alertColumns = """
        id, conversation, category, severity, status, assignee, sender, first_msgtime, last_msgtime, hit_count, created_at, updated_at
        """

    static func alertRecord(_ row: PostgresRandomAccessRow) throws -> AlertRecord {
        AlertRecord(id: try row.get(0), conversation: try row.get(1), category: try row.get(2), severity: try row.get(3),
                    status: try row.get(4), assignee: try row.get(5), sender: try row.get(6), firstMsgtime: try row.get(7),
                    lastMsgtime: try row.get(8), hitCount: Int(try row.get(9, as: Int32.self)), createdAt: try row.get(10),
                    updatedAt: try row.get(11))
    }

    public func alerts(status: String?, category: String?, limit: Int) async throws -> [AlertRecord] {
        var query = DynamicQuery()
        if let status { query.conditions.append("status = \(query.bind(status))") }
        if let category {
            query.conditions.append("category = \(query.bind(category))")
        } else {
            // Digests are records of what was sent, not work for the queue; ask for the category to see them.
            query.conditions.append("category <> 'weekly-digest'")
        }
        let sql = "SELECT \(Self.alertColumns) FROM alert \(query.whereClause) ORDER BY id DESC LIMIT \(query.bind(Int64(limit)))"
        return try await connection { connection in try await connection.rows(query.query(sql), logger: logger, Self.alertRecord) }
    }

    public func alert(id: Int64) async throws -> (AlertRecord, [AlertHit], [AlertEvent])? {
        try await transaction { connection in
            guard let alert = try await connection.row("SELECT \(unescaped: Self.alertColumns) FROM alert WHERE id = \(id)",
                                                       logger: logger, Self.alertRecord) else { return nil }
            // The key gives each hit's message month, so each lookup reads one partition.
            let hits = try await connection.rows("""
                SELECT k.msgid, m.text, h.rule, h.severity, h.start, h."end", h.policy_version
                FROM risk_hit h JOIN message_key k ON k.leaf_index = h.message_leaf
                JOIN message m ON m.msgid = k.msgid AND m.msgtime = k.msgtime
                WHERE h.alert_id = \(id) ORDER BY h.id
                """, logger: logger) { row -> AlertHit in
                let msgid: String = try row.get(0)
                let text = Array(String(decoding: try sealer.open(Array(buffer: try row.get(1, as: ByteBuffer.self)),
                                                                  context: SealContext.text(msgid)), as: UTF8.self))
                let start = Int(try row.get(4, as: Int32.self)), end = Int(try row.get(5, as: Int32.self))
                let match = start >= 0 && end <= text.count && start < end ? String(text[start..<end]) : ""
                return AlertHit(msgid: msgid, rule: try row.get(2), severity: try row.get(3), match: match, start: start, end: end,
                                policyVersion: Int(try row.get(6, as: Int32.self)))
            }
            let events = try await connection.rows("""
                SELECT at, actor, action, note FROM alert_event WHERE alert_id = \(id) ORDER BY id
                """, logger: logger) { AlertEvent(at: try $0.get(0), actor: try $0.get(1), action: try $0.get(2), note: try $0.get(3)) }
            return (alert, hits, events)
        }
    }

    public func updateAlert(id: Int64, action: AlertAction, actor: String, assignee: String?, note: String?) async throws {
        let now = clock().milliseconds
        try await transaction { connection in
            // The row lock orders two officers working one alert from different processes.
            guard let status = try await connection.scalar("SELECT status FROM alert WHERE id = \(id) FOR UPDATE", String.self,
                                                           logger: logger) else {
                throw StorageError("no alert \(id)")
            }
            guard action.allowedFrom.contains(status) else {
                throw StorageError("alert \(id) is \(status); \(action.rawValue) is allowed only when \(action.allowedFrom.sorted().joined(separator: ", "))")
            }
            if action == .assign, (assignee ?? "").isEmpty { throw StorageError("assign needs an assignee") }
            if let newStatus = action.status {
                try await connection.query("""
                    UPDATE alert SET status = \(newStatus), assignee = coalesce(\(assignee), assignee), updated_at = \(now) WHERE id = \(id)
                    """, logger: logger)
            }
            try await connection.query("""
                INSERT INTO alert_event (alert_id, at, actor, action, note)
                VALUES (\(id), \(now), \(actor), \(action.rawValue + (assignee.map { " → \($0)" } ?? "")), \(note))
                """, logger: logger)
        }
    }

    @discardableResult
    public func queueDigest(weekStart: Int64, text: String, channels: [String]) async throws -> Bool {
        let now = clock().milliseconds
        return try await transaction { connection in
            // The partial unique index makes this once per week across every process.
            guard let id = try await connection.scalar("""
                INSERT INTO alert (conversation, category, severity, status, sender, first_msgtime, last_msgtime, hit_count, created_at, updated_at)
                VALUES (NULL, 'weekly-digest', 'low', 'resolved', 'chatledger', \(weekStart), \(weekStart), 0, \(now), \(now))
                ON CONFLICT (first_msgtime) WHERE category = 'weekly-digest' DO NOTHING RETURNING id
                """, Int64.self, logger: logger) else { return false }
            try await connection.query("""
                INSERT INTO alert_event (alert_id, at, actor, action, note) VALUES (\(id), \(now), 'chatledger', 'digest', \(text))
                """, logger: logger)
            for channel in channels {
                try await connection.query("""
                    INSERT INTO alert_outbox (alert_id, channel, created_at, next_attempt_at, body) VALUES (\(id), \(channel), \(now), \(now), \(text))
                    """, logger: logger)
            }
            return true
        }
    }
}
