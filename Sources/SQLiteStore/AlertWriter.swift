import ArchiveModel
import ArchiveStore
import GRDB

/// Stores risk hits and turns them into alerts inside the commit transaction.
///
/// Hits of one category in one conversation within half an hour of each other join one alert (a burst
/// is one case for a risk officer, not twenty). A new alert is queued in the outbox for every channel
/// in the same transaction, so a crash cannot lose a notification.
enum AlertWriter {
    static let burstWindow: Int64 = 30 * 60 * 1000
    static let severities = ["low", "medium", "high", "critical"]

    static func record(_ hits: [MessageID: [StoredRiskHit]], of messages: [ChatMessage], policyVersion: Int, channels: [String],
                       now: Int64, db: Database) throws {
        for message in messages {
            guard let messageHits = hits[message.id], !messageHits.isEmpty,
                  let rowID = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM message WHERE msgid = ?"),
                                                 arguments: [message.id.rawValue]) else { continue }
            // A hit already recorded (a duplicate delivery, or a rescan under the same rules) is not news.
            let fresh = try messageHits.filter { hit in
                try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM risk_hit WHERE message_id = ? AND rule = ? AND start = ?"),
                                 arguments: [rowID, hit.rule, hit.start]) == 0
            }
            // In category order: alert ids then follow the same order in every run and on every engine.
            for (category, categoryHits) in Dictionary(grouping: fresh, by: \.category).sorted(by: { $0.key < $1.key }) {
                try InsightAggregator.addViolations(categoryHits.count, employee: message.from.rawValue, category: category,
                                                    at: message.time.milliseconds, db: db)
                let severity = categoryHits.map(\.severity).max { (severities.firstIndex(of: $0) ?? 0) < (severities.firstIndex(of: $1) ?? 0) }!
                let alertID = try alert(for: message, category: category, severity: severity, channels: channels, now: now, db: db)
                for hit in categoryHits {
                    try db.cachedStatement(sql: """
                        INSERT OR IGNORE INTO risk_hit (message_id, category, rule, severity, start, end, policy_version, alert_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """).execute(arguments: [rowID, hit.category, hit.rule, hit.severity, hit.start, hit.end, policyVersion, alertID])
                }
            }
        }
    }

    private static func alert(for message: ChatMessage, category: String, severity: String, channels: [String], now: Int64,
                              db: Database) throws -> Int64 {
        let time = message.time.milliseconds
        let conversation = message.conversation?.rawValue
        if let conversation, let open = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT id, severity FROM alert WHERE conversation = ? AND category = ? AND status IN ('open', 'assigned', 'acknowledged')
              AND last_msgtime >= ? ORDER BY id DESC LIMIT 1
            """), arguments: [conversation, category, time - burstWindow]) {
            let id: Int64 = open["id"]
            let current: String = open["severity"]
            let higher = (severities.firstIndex(of: severity) ?? 0) > (severities.firstIndex(of: current) ?? 0) ? severity : current
            try db.cachedStatement(sql: """
                UPDATE alert SET hit_count = hit_count + 1, last_msgtime = max(last_msgtime, ?), severity = ?, updated_at = ? WHERE id = ?
                """).execute(arguments: [time, higher, now, id])
            return id
        }
        try db.cachedStatement(sql: """
            INSERT INTO alert (conversation, category, severity, status, sender, first_msgtime, last_msgtime, hit_count, created_at, updated_at)
            VALUES (?, ?, ?, 'open', ?, ?, ?, 1, ?, ?)
            """).execute(arguments: [conversation, category, severity, message.from.rawValue, time, time, now, now])
        let id = db.lastInsertedRowID
        try db.cachedStatement(sql: "INSERT INTO alert_event (alert_id, at, actor, action) VALUES (?, ?, 'chatledger', 'opened')")
            .execute(arguments: [id, now])
        for channel in channels {
            try db.cachedStatement(sql: "INSERT INTO alert_outbox (alert_id, channel, created_at, next_attempt_at) VALUES (?, ?, ?, ?)")
                .execute(arguments: [id, channel, now, now])
        }
        return id
    }
}
