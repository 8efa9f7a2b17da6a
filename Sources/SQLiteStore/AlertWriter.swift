import ArchiveModel
import ArchiveStore
import Decisions
import GRDB
import Risk

/// Executes ``AlertPlanner``'s plan inside the commit transaction: stores the hits, raises or extends alerts and
/// queues every new alert in the outbox for each channel, so a crash cannot lose a notification. What joins what is
/// decided by the planner, not here.
enum AlertWriter {
    static func record(_ hits: [MessageID: [StoredRiskHit]], of messages: [ChatMessage], policyVersion: Int, channels: [String],
                       now: Int64, db: Database) throws {
        let planned = hits.planned
        let candidates = messages.filter { !(planned[$0.id] ?? []).isEmpty }
        guard !candidates.isEmpty else { return }
        var rowIDs: [MessageID: Int64] = [:]
        for chunk in Array(Set(candidates.map(\.id.rawValue))).chunks(of: 500) {
            for row in try Row.fetchAll(db, sql: "SELECT id, msgid FROM message WHERE msgid IN (\(SQLiteArchiveStore.placeholders(chunk.count)))",
                                        arguments: StatementArguments(chunk)) {
                rowIDs[MessageID(rawValue: row["msgid"])] = row["id"]
            }
        }
        let stored = candidates.filter { rowIDs[$0.id] != nil }
        guard let lookup = AlertPlanner.lookup(for: stored, hits: planned) else { return }
        let steps = AlertPlanner.plan(messages: stored, hits: planned, recorded: try recordedHits(rowIDs, db: db),
                                      openAlerts: try openAlerts(lookup, db: db))
        var opened: [Int64] = []
        for step in steps {
            try InsightAggregator.addViolations(step.hits.count, employee: step.sender.rawValue, category: step.category.rawValue,
                                                at: step.time.milliseconds, db: db)
            let alertID: Int64
            switch (step.alert, step.change) {
            case (_, .open(let severity)):
                alertID = try open(step, severity: severity, channels: channels, now: now, db: db)
                opened.append(alertID)
            case (.stored(let id), .extend(let severity, let last)):
                alertID = id
                try extend(alertID, severity: severity, last: last, now: now, db: db)
            case (.planned(let index), .extend(let severity, let last)):
                alertID = opened[index]
                try extend(alertID, severity: severity, last: last, now: now, db: db)
            }
            let insertHit = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO risk_hit (message_id, category, rule, severity, start, end, policy_version, alert_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for hit in step.hits.map(StoredRiskHit.init) {
                try insertHit.execute(arguments: [rowIDs[step.message], hit.category, hit.rule, hit.severity, hit.start, hit.end,
                                                  policyVersion, alertID])
            }
        }
    }

    /// The keys of the hits already stored for these messages: a hit found again is not news.
    private static func recordedHits(_ rowIDs: [MessageID: Int64], db: Database) throws -> Set<RecordedHit> {
        var recorded: Set<RecordedHit> = []
        for chunk in Array(rowIDs.values).chunks(of: 500) {
            for row in try Row.fetchAll(db, sql: """
                SELECT m.msgid, h.rule, h.start FROM risk_hit h JOIN message m ON m.id = h.message_id
                WHERE h.message_id IN (\(SQLiteArchiveStore.placeholders(chunk.count)))
                """, arguments: StatementArguments(chunk)) {
                recorded.insert(RecordedHit(message: MessageID(rawValue: row["msgid"]), rule: row["rule"], start: row["start"]))
            }
        }
        return recorded
    }

    private static func openAlerts(_ lookup: OpenAlertLookup, db: Database) throws -> [OpenAlert] {
        let statuses = AlertGrouping.joinableStatuses
        var alerts: [OpenAlert] = []
        for chunk in lookup.conversations.map(\.rawValue).sorted().chunks(of: 500) {
            let arguments = StatementArguments(statuses) + StatementArguments(chunk) + [lookup.lastMessageTimeFrom.milliseconds]
            for row in try Row.fetchAll(db, sql: """
                SELECT id, conversation, category, severity, last_msgtime FROM alert
                WHERE status IN (\(SQLiteArchiveStore.placeholders(statuses.count))) AND conversation IN (\(SQLiteArchiveStore.placeholders(chunk.count))) AND last_msgtime >= ?
                """, arguments: arguments) {
                alerts.append(OpenAlert(id: row["id"], conversation: ConversationID(rawValue: row["conversation"]),
                                        category: RiskCategory(rawValue: row["category"]), severity: AlertSeverity(rawValue: row["severity"]),
                                        lastMessageTime: WeComTime(milliseconds: row["last_msgtime"])))
            }
        }
        return alerts
    }

    private static func open(_ step: AlertPlanStep, severity: AlertSeverity, channels: [String], now: Int64, db: Database) throws -> Int64 {
        let time = step.time.milliseconds
        try db.cachedStatement(sql: """
            INSERT INTO alert (conversation, category, severity, status, sender, first_msgtime, last_msgtime, hit_count, created_at, updated_at)
            VALUES (?, ?, ?, 'open', ?, ?, ?, 1, ?, ?)
            """).execute(arguments: [step.conversation?.rawValue, step.category.rawValue, severity.rawValue, step.sender.rawValue,
                                     time, time, now, now])
        let id = db.lastInsertedRowID
        try db.cachedStatement(sql: "INSERT INTO alert_event (alert_id, at, actor, action) VALUES (?, ?, 'chatledger', 'opened')")
            .execute(arguments: [id, now])
        for channel in channels {
            try db.cachedStatement(sql: "INSERT INTO alert_outbox (alert_id, channel, created_at, next_attempt_at) VALUES (?, ?, ?, ?)")
                .execute(arguments: [id, channel, now, now])
        }
        return id
    }

    private static func extend(_ id: Int64, severity: AlertSeverity, last: WeComTime, now: Int64, db: Database) throws {
        try db.cachedStatement(sql: "UPDATE alert SET hit_count = hit_count + 1, last_msgtime = ?, severity = ?, updated_at = ? WHERE id = ?")
            .execute(arguments: [last.milliseconds, severity.rawValue, now, id])
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements (SQLite binds at most 32,766 parameters per statement).
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
