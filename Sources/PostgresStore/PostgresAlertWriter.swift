import ArchiveModel
import ArchiveStore
import Logging
import PostgresNIO

/// Stores risk hits and turns them into alerts inside the commit transaction, as the SQLite archive does:
/// hits of one category in one conversation within half an hour join one alert, and a new alert is queued in the
/// outbox for every channel in the same transaction.
enum PostgresAlertWriter {
    static let burstWindow: Int64 = 30 * 60 * 1000
    static let severities = ["low", "medium", "high", "critical"]

    static func record(_ hits: [MessageID: [StoredRiskHit]], of messages: [ChatMessage], policyVersion: Int, channels: [String],
                       now: Int64, connection: PostgresConnection, logger: Logger) async throws {
        for message in messages {
            guard let messageHits = hits[message.id], !messageHits.isEmpty,
                  let leaf = try await connection.query("SELECT leaf_index FROM message_key WHERE msgid = \(message.id.rawValue)",
                                                        logger: logger).decode(Int64.self).first(where: { _ in true }) else { continue }
            // A hit already recorded (a duplicate delivery, or a rescan under the same rules) is not news.
            var fresh: [StoredRiskHit] = []
            for hit in messageHits {
                let known = try await connection.query("""
                    SELECT count(*) FROM risk_hit WHERE message_leaf = \(leaf) AND rule = \(hit.rule) AND start = \(hit.start)
                    """, logger: logger).decode(Int64.self).first { _ in true } ?? 0
                if known == 0 { fresh.append(hit) }
            }
            // In category order: alert ids then follow the same order in every run and on every engine.
            for (category, categoryHits) in Dictionary(grouping: fresh, by: \.category).sorted(by: { $0.key < $1.key }) {
                try await PostgresAggregates.addViolations(categoryHits.count, employee: message.from.rawValue, category: category,
                                                           at: message.time.milliseconds, connection, logger: logger)
                let severity = categoryHits.map(\.severity).max { rank($0) < rank($1) }!
                let alertID = try await alert(for: message, category: category, severity: severity, channels: channels, now: now,
                                              connection: connection, logger: logger)
                for hit in categoryHits {
                    try await connection.query("""
                        INSERT INTO risk_hit (message_leaf, category, rule, severity, start, "end", policy_version, alert_id)
                        VALUES (\(leaf), \(hit.category), \(hit.rule), \(hit.severity), \(hit.start), \(hit.end), \(policyVersion), \(alertID))
                        ON CONFLICT DO NOTHING
                        """, logger: logger)
                }
            }
        }
    }

    static func rank(_ severity: String) -> Int { severities.firstIndex(of: severity) ?? 0 }

    private static func alert(for message: ChatMessage, category: String, severity: String, channels: [String], now: Int64,
                              connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        let time = message.time.milliseconds
        if let conversation = message.conversation?.rawValue,
           let (id, current) = try await connection.query("""
               SELECT id, severity FROM alert WHERE conversation = \(conversation) AND category = \(category)
                 AND status IN ('open', 'assigned', 'acknowledged') AND last_msgtime >= \(time - burstWindow)
               ORDER BY id DESC LIMIT 1
               """, logger: logger).decode((Int64, String).self).first(where: { _ in true }) {
            let higher = rank(severity) > rank(current) ? severity : current
            try await connection.query("""
                UPDATE alert SET hit_count = hit_count + 1, last_msgtime = greatest(last_msgtime, \(time)), severity = \(higher),
                                 updated_at = \(now) WHERE id = \(id)
                """, logger: logger)
            return id
        }
        let id = try await connection.query("""
            INSERT INTO alert (conversation, category, severity, status, sender, first_msgtime, last_msgtime, hit_count, created_at, updated_at)
            VALUES (\(message.conversation?.rawValue), \(category), \(severity), 'open', \(message.from.rawValue), \(time), \(time), 1, \(now), \(now))
            RETURNING id
            """, logger: logger).decode(Int64.self).first { _ in true }!
        try await connection.query("INSERT INTO alert_event (alert_id, at, actor, action) VALUES (\(id), \(now), 'chatledger', 'opened')",
                                   logger: logger)
        for channel in channels {
            try await connection.query("""
                INSERT INTO alert_outbox (alert_id, channel, created_at, next_attempt_at) VALUES (\(id), \(channel), \(now), \(now))
                """, logger: logger)
        }
        return id
    }
}
