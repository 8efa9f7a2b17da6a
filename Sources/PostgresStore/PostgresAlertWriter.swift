import ArchiveModel
import ArchiveStore
import Decisions
import Logging
import PostgresNIO
import Risk

/// Executes ``AlertPlanner``'s plan inside the commit transaction, as the SQLite archive does: stores the hits, raises
/// or extends alerts and queues every new alert in the outbox for each channel in the same transaction. What joins
/// what is decided by the planner, not here.
enum PostgresAlertWriter {
    static func record(_ hits: [MessageID: [StoredRiskHit]], of messages: [ChatMessage], policyVersion: Int, channels: [String],
                       now: Int64, connection: PostgresConnection, logger: Logger) async throws {
        let planned = hits.planned
        let candidates = messages.filter { !(planned[$0.id] ?? []).isEmpty }
        guard !candidates.isEmpty else { return }
        var leaves: [MessageID: Int64] = [:]
        let ids = Array(Set(candidates.map(\.id.rawValue)))
        for try await (msgid, leaf) in try await connection.query("""
            SELECT msgid, leaf_index FROM message_key WHERE msgid = ANY(\(ids))
            """, logger: logger).decode((String, Int64).self) {
            leaves[MessageID(rawValue: msgid)] = leaf
        }
        let stored = candidates.filter { leaves[$0.id] != nil }
        guard let lookup = AlertPlanner.lookup(for: stored, hits: planned) else { return }
        var recorded: Set<RecordedHit> = []
        for try await (msgid, rule, start) in try await connection.query("""
            SELECT k.msgid, h.rule, h.start FROM risk_hit h JOIN message_key k ON k.leaf_index = h.message_leaf
            WHERE h.message_leaf = ANY(\(Array(leaves.values)))
            """, logger: logger).decode((String, String, Int).self) {
            recorded.insert(RecordedHit(message: MessageID(rawValue: msgid), rule: rule, start: start))
        }
        // Locked until the commit: a risk officer resolving one of them meanwhile waits, so hits never join an alert
        // that was closed after the plan was made (other processes share a PostgreSQL archive).
        var openAlerts: [OpenAlert] = []
        for try await (id, conversation, category, severity, last) in try await connection.query("""
            SELECT id, conversation, category, severity, last_msgtime FROM alert
            WHERE status = ANY(\(AlertGrouping.joinableStatuses)) AND conversation = ANY(\(lookup.conversations.map(\.rawValue).sorted()))
              AND last_msgtime >= \(lookup.lastMessageTimeFrom.milliseconds)
            ORDER BY id FOR UPDATE
            """, logger: logger).decode((Int64, String, String, String, Int64).self) {
            openAlerts.append(OpenAlert(id: id, conversation: ConversationID(rawValue: conversation), category: RiskCategory(rawValue: category),
                                        severity: AlertSeverity(rawValue: severity), lastMessageTime: WeComTime(milliseconds: last)))
        }
        var opened: [Int64] = []
        for step in AlertPlanner.plan(messages: stored, hits: planned, recorded: recorded, openAlerts: openAlerts) {
            try await PostgresAggregates.addViolations(step.hits.count, employee: step.sender.rawValue, category: step.category.rawValue,
                                                       at: step.time.milliseconds, connection, logger: logger)
            let alertID: Int64
            switch (step.alert, step.change) {
            case (_, .open(let severity)):
                alertID = try await open(step, severity: severity, channels: channels, now: now, connection: connection, logger: logger)
                opened.append(alertID)
            case (.stored(let id), .extend(let severity, let last)):
                alertID = id
                try await extend(alertID, severity: severity, last: last, now: now, connection: connection, logger: logger)
            case (.planned(let index), .extend(let severity, let last)):
                alertID = opened[index]
                try await extend(alertID, severity: severity, last: last, now: now, connection: connection, logger: logger)
            }
            let leaf = leaves[step.message]
            for hit in step.hits.map(StoredRiskHit.init) {
                try await connection.query("""
                    INSERT INTO risk_hit (message_leaf, category, rule, severity, start, "end", policy_version, alert_id)
                    VALUES (\(leaf), \(hit.category), \(hit.rule), \(hit.severity), \(hit.start), \(hit.end), \(policyVersion), \(alertID))
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
        }
    }

    private static func open(_ step: AlertPlanStep, severity: AlertSeverity, channels: [String], now: Int64,
                             connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        let time = step.time.milliseconds
        let id = try await connection.query("""
            INSERT INTO alert (conversation, category, severity, status, sender, first_msgtime, last_msgtime, hit_count, created_at, updated_at)
            VALUES (\(step.conversation?.rawValue), \(step.category.rawValue), \(severity.rawValue), 'open', \(step.sender.rawValue),
                    \(time), \(time), 1, \(now), \(now))
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

    private static func extend(_ id: Int64, severity: AlertSeverity, last: WeComTime, now: Int64,
                               connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            UPDATE alert SET hit_count = hit_count + 1, last_msgtime = \(last.milliseconds), severity = \(severity.rawValue),
                             updated_at = \(now) WHERE id = \(id)
            """, logger: logger)
    }
}
