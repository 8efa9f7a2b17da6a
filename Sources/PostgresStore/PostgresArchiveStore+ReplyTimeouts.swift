import ArchiveModel
import ArchiveStore
import Foundation
import PostgresNIO

/// Reply-timeout waits and notices. Any `serve` process may run the tracker: recomputation is idempotent, and a notice
/// is sent by whichever process locks its wait first.
extension PostgresArchiveStore: ReplyTimeoutStore {
    static let waitColumns = """
        customer_msgid, conversation, customer, employee, department, waiting_since, reply_msgid, replied_by, replied_at, working_ms,
        target_ms, reminder_due, escalation_due, escalate_to, reminder_sent_at, escalation_sent_at, first_of_day
        """

    static func storedWait(_ row: PostgresRandomAccessRow) throws -> StoredWait {
        var wait = StoredWait(customerMsgid: try row.get(0), conversation: try row.get(1), customer: try row.get(2), employee: try row.get(3),
                              department: try row.get(4), waitingSince: try row.get(5), replyMsgid: try row.get(6), repliedBy: try row.get(7),
                              repliedAt: try row.get(8), workingMilliseconds: try row.get(9), targetMilliseconds: try row.get(10),
                              reminderDue: try row.get(11), escalationDue: try row.get(12), escalateTo: try row.get(13),
                              reminderSentAt: try row.get(14), escalationSentAt: try row.get(15))
        wait.firstOfDay = try row.get(16)
        return wait
    }

    private func waits(_ condition: String, binds: PostgresBindings, _ connection: PostgresConnection) async throws -> [StoredWait] {
        try await connection.rows(PostgresQuery(unsafeSQL: "SELECT \(Self.waitColumns) FROM sla_wait \(condition)", binds: binds),
                                  logger: logger, Self.storedWait)
    }

    public func slaSettingsDocument() async throws -> (version: Int, document: [UInt8])? {
        try await connection { connection in
            try await connection.row("SELECT version, document FROM sla_settings ORDER BY version DESC LIMIT 1", logger: logger) {
                (version: Int(try $0.get(0, as: Int32.self)), document: Array(try $0.get(1, as: String.self).utf8))
            }
        }
    }

    @discardableResult
    public func saveSLASettings(document: [UInt8], by actor: String) async throws -> Int {
        let now = clock().milliseconds
        return try await transaction { connection in
            try await connection.query("LOCK TABLE sla_settings IN EXCLUSIVE MODE", logger: logger)
            let version = try await connection.scalar("SELECT coalesce(max(version), 0) + 1 FROM sla_settings", Int32.self, logger: logger) ?? 1
            try await connection.query("""
                INSERT INTO sla_settings (version, document, created_by, created_at)
                VALUES (\(version), \(String(decoding: document, as: UTF8.self)), \(actor), \(now))
                """, logger: logger)
            try await connection.query("""
                INSERT INTO sla_dirty (conversation) SELECT id FROM conversation
                ON CONFLICT (conversation) DO UPDATE SET generation = sla_dirty.generation + 1
                """, logger: logger)
            return Int(version)
        }
    }

    public func dirtyConversations(limit: Int) async throws -> [(conversation: String, generation: Int64)] {
        try await connection { connection in
            try await connection.rows("SELECT conversation, generation FROM sla_dirty LIMIT \(Int64(limit))", logger: logger) {
                (conversation: try $0.get(0), generation: try $0.get(1))
            }
        }
    }

    public func replyFacts(conversation: String) async throws -> ConversationReplyFacts {
        try await transaction { connection in
            guard let (room, owner, first, last) = try await connection.row("""
                SELECT c.roomid, r.creator, c.first_msgtime, c.last_msgtime FROM conversation c LEFT JOIN room r ON r.id = c.roomid
                WHERE c.id = \(conversation)
                """, logger: logger, { (try $0.get(0, as: String?.self), try $0.get(1, as: String?.self), try $0.get(2, as: Int64.self),
                                        try $0.get(3, as: Int64.self)) }) else {
                return ConversationReplyFacts(conversation: conversation, roomID: nil, roomOwner: nil, messages: [])
            }
            // The conversation's time span prunes the month partitions it never touched.
            let messages = try await connection.rows("""
                SELECT msgid, sender, msgtime FROM message
                WHERE conversation = \(conversation) AND msgtime BETWEEN \(first) AND \(last) AND recalled_by IS NULL AND action = 'send'
                  AND msgtype NOT IN ('revoke', 'agree', 'disagree', 'switch')
                ORDER BY msgtime, leaf_index
                """, logger: logger) { ReplyFact(msgid: try $0.get(0), sender: try $0.get(1), time: try $0.get(2)) }
            return ConversationReplyFacts(conversation: conversation, roomID: room, roomOwner: owner, messages: messages)
        }
    }

    @discardableResult
    public func saveWaits(_ waits: [StoredWait], conversation: String, generation: Int64) async throws -> [StoredWait] {
        let newWaits = StoredWait.markingFirstOfDay(waits)
        return try await transaction { connection in
            // Two processes recomputing one conversation take turns here, so the aggregates see each replacement once.
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.replyLock), hashtext(\(conversation)))", logger: logger)
            var old = DynamicQuery()
            let oldWaits = try await self.waits("WHERE conversation = \(old.bind(conversation))", binds: old.bindings, connection)
            // One statement per table whatever the number of waits: the tracker recomputes thousands of conversations.
            let deltas = StoredWait.replyDeltas(replacing: oldWaits, with: newWaits).map { (key: $0.key, delta: $0.value) }
            if !deltas.isEmpty {
                try await connection.query("""
                    INSERT INTO agg_reply (day, employee, waits, answered, within, working_ms, firsts, first_working_ms)
                    SELECT * FROM unnest(\(deltas.map { $0.key[0] })::text[], \(deltas.map { $0.key[1] })::text[],
                                         \(deltas.map { Int64($0.delta.waits) })::bigint[], \(deltas.map { Int64($0.delta.answered) })::bigint[],
                                         \(deltas.map { Int64($0.delta.within) })::bigint[], \(deltas.map(\.delta.working))::bigint[],
                                         \(deltas.map { Int64($0.delta.firsts) })::bigint[], \(deltas.map(\.delta.firstWorking))::bigint[])
                    ON CONFLICT (day, employee) DO UPDATE SET waits = agg_reply.waits + excluded.waits,
                        answered = agg_reply.answered + excluded.answered, within = agg_reply.within + excluded.within,
                        working_ms = agg_reply.working_ms + excluded.working_ms, firsts = agg_reply.firsts + excluded.firsts,
                        first_working_ms = agg_reply.first_working_ms + excluded.first_working_ms
                    """, logger: logger)
            }
            if !newWaits.isEmpty {
                // Absent values travel as '' and Int64.min (unnest takes no arrays of arrays or of optionals).
                let none = Int64.min
                let escalateTo = newWaits.map { String(decoding: (try? JSONEncoder().encode($0.escalateTo)) ?? Data("[]".utf8), as: UTF8.self) }
                try await connection.query("""
                    INSERT INTO sla_wait (customer_msgid, conversation, customer, employee, department, waiting_since, reply_msgid, replied_by,
                                          replied_at, working_ms, target_ms, reminder_due, escalation_due, escalate_to, first_of_day)
                    SELECT msgid, \(conversation), customer, employee, nullif(department, \(none)), since, nullif(reply, ''),
                           nullif(replied_by, ''), nullif(replied_at, \(none)), nullif(working, \(none)), target, reminder, escalation,
                           ARRAY(SELECT json_array_elements_text(escalate_to::json)), first
                    FROM unnest(\(newWaits.map(\.customerMsgid))::text[], \(newWaits.map(\.customer))::text[], \(newWaits.map(\.employee))::text[],
                                \(newWaits.map { $0.department ?? none })::bigint[], \(newWaits.map(\.waitingSince))::bigint[],
                                \(newWaits.map { $0.replyMsgid ?? "" })::text[], \(newWaits.map { $0.repliedBy ?? "" })::text[],
                                \(newWaits.map { $0.repliedAt ?? none })::bigint[], \(newWaits.map { $0.workingMilliseconds ?? none })::bigint[],
                                \(newWaits.map(\.targetMilliseconds))::bigint[], \(newWaits.map(\.reminderDue))::bigint[],
                                \(newWaits.map(\.escalationDue))::bigint[], \(escalateTo)::text[], \(newWaits.map(\.firstOfDay))::boolean[])
                        AS w(msgid, customer, employee, department, since, reply, replied_by, replied_at, working, target, reminder, escalation,
                             escalate_to, first)
                    ON CONFLICT (customer_msgid) DO UPDATE SET
                        employee = excluded.employee, department = excluded.department, reply_msgid = excluded.reply_msgid,
                        replied_by = excluded.replied_by, replied_at = excluded.replied_at, working_ms = excluded.working_ms,
                        target_ms = excluded.target_ms, reminder_due = excluded.reminder_due,
                        escalation_due = excluded.escalation_due, escalate_to = excluded.escalate_to, first_of_day = excluded.first_of_day
                    """, logger: logger)
            }
            try await connection.query("""
                DELETE FROM sla_wait WHERE conversation = \(conversation) AND NOT (customer_msgid = ANY(\(newWaits.map(\.customerMsgid))::text[]))
                """, logger: logger)
            try await connection.query("DELETE FROM sla_dirty WHERE conversation = \(conversation) AND generation = \(generation)",
                                       logger: logger)
            var pending = DynamicQuery()
            return try await self.waits("WHERE conversation = \(pending.bind(conversation)) AND reply_msgid IS NULL",
                                        binds: pending.bindings, connection)
        }
    }

    public func pendingWaits(since noticesFrom: Int64) async throws -> [StoredWait] {
        try await connection { connection in
            var query = DynamicQuery()
            return try await waits("WHERE reply_msgid IS NULL AND escalation_sent_at IS NULL AND waiting_since >= \(query.bind(noticesFrom))",
                                   binds: query.bindings, connection)
        }
    }

    @discardableResult
    public func sendNotice(_ notice: ReplyNotice, forWait customerMsgid: String, channels: [String], noticesFrom: Int64) async throws -> StoredWait? {
        let now = clock().milliseconds
        let due = notice == .reminder ? "reminder_due" : "escalation_due"
        let sent = notice == .reminder ? "reminder_sent_at" : "escalation_sent_at"
        return try await transaction { connection -> StoredWait? in
            // FOR UPDATE: a second process asking for the same notice waits, then finds it sent.
            var query = DynamicQuery()
            let condition = """
                WHERE customer_msgid = \(query.bind(customerMsgid)) AND reply_msgid IS NULL AND \(sent) IS NULL AND \(due) <= \(query.bind(now))
                  AND waiting_since >= \(query.bind(noticesFrom)) FOR UPDATE
                """
            guard let wait = try await waits(condition, binds: query.bindings, connection).first else { return nil }
            try await connection.query(PostgresQuery(unsafeSQL: "UPDATE sla_wait SET \(sent) = $1 WHERE customer_msgid = $2",
                                                     binds: try binds(now, customerMsgid)), logger: logger)
            let alertID = try await connection.scalar("""
                INSERT INTO alert (conversation, category, severity, status, sender, first_msgtime, last_msgtime, hit_count, created_at, updated_at)
                VALUES (\(wait.conversation), 'reply-timeout', \(notice == .reminder ? "medium" : "high"), 'open', \(wait.employee),
                        \(wait.waitingSince), \(wait.waitingSince), 1, \(now), \(now))
                RETURNING id
                """, Int64.self, logger: logger)!
            try await connection.query("""
                INSERT INTO alert_event (alert_id, at, actor, action, note)
                VALUES (\(alertID), \(now), 'chatledger', 'opened', \("\(notice.rawValue): customer \(wait.customer) waiting since \(wait.waitingSince)"))
                """, logger: logger)
            let recipients = notice == .reminder ? [wait.employee] : wait.escalateTo
            for channel in channels {
                try await connection.query("""
                    INSERT INTO alert_outbox (alert_id, channel, created_at, next_attempt_at, recipients)
                    VALUES (\(alertID), \(channel), \(now), \(now), \(recipients))
                    """, logger: logger)
            }
            return wait
        }
    }

    public func overdueWaits(allHours: Bool) async throws -> [StoredWait] {
        let now = clock().milliseconds
        return try await connection { connection in
            var query = DynamicQuery()
            let condition = allHours ? "waiting_since + target_ms <= \(query.bind(now))" : "reminder_due <= \(query.bind(now))"
            return try await waits("WHERE reply_msgid IS NULL AND \(condition) ORDER BY waiting_since", binds: query.bindings, connection)
        }
    }

    public func waits(since: Int64, until: Int64) async throws -> [StoredWait] {
        try await connection { connection in
            var query = DynamicQuery()
            return try await waits("WHERE waiting_since >= \(query.bind(since)) AND waiting_since < \(query.bind(until)) ORDER BY waiting_since",
                                   binds: query.bindings, connection)
        }
    }

    public func replyTotals(sinceDay: String, untilDay: String, employees: Set<String>?) async throws -> [ReplyTotals] {
        var query = DynamicQuery()
        var sql = """
            SELECT employee, sum(waits)::bigint, sum(answered)::bigint, sum(within)::bigint, sum(working_ms)::bigint, sum(firsts)::bigint,
                   sum(first_working_ms)::bigint
            FROM agg_reply WHERE day >= \(query.bind(sinceDay)) AND day < \(query.bind(untilDay))
            """
        if let employees { sql += " AND employee = ANY(\(query.bind(employees.sorted()))::text[])" }
        sql += " GROUP BY employee"
        return try await connection { connection in
            // sum(bigint) is numeric in PostgreSQL: cast back, the sums stay far below 2^63.
            try await connection.rows(query.query(sql), logger: logger) { row in
                ReplyTotals(employee: try row.get(0), waits: Int(try row.get(1, as: Int64.self)), answered: Int(try row.get(2, as: Int64.self)),
                            within: Int(try row.get(3, as: Int64.self)), workingMilliseconds: try row.get(4),
                            firsts: Int(try row.get(5, as: Int64.self)), firstWorkingMilliseconds: try row.get(6))
            }
        }
    }
}
