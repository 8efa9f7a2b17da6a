import ArchiveModel
import ArchiveStore
import Foundation
import GRDB

extension SQLiteArchiveStore {
    public func slaSettingsDocument() async throws -> (version: Int, document: [UInt8])? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT version, document FROM sla_settings ORDER BY version DESC LIMIT 1").map {
                ($0["version"], Array(($0["document"] as String).utf8))
            }
        }
    }

    /// Stores new reply-timeout settings as the next version; every conversation is recomputed under them.
    @discardableResult
    public func saveSLASettings(document: [UInt8], by actor: String) async throws -> Int {
        let now = clock().milliseconds
        return try await pool.write { db in
            let version = (try Int.fetchOne(db, sql: "SELECT coalesce(max(version), 0) FROM sla_settings") ?? 0) + 1
            try db.execute(sql: "INSERT INTO sla_settings (version, document, created_by, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [version, String(decoding: document, as: UTF8.self), actor, now])
            try db.execute(sql: """
                INSERT INTO sla_dirty (conversation) SELECT id FROM conversation WHERE true
                ON CONFLICT (conversation) DO UPDATE SET generation = generation + 1
                """)
            return version
        }
    }

    /// Conversations waiting to be recomputed, with the generation seen.
    public func dirtyConversations(limit: Int) async throws -> [(conversation: String, generation: Int64)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT conversation, generation FROM sla_dirty LIMIT ?", arguments: [limit]).map {
                ($0["conversation"], $0["generation"])
            }
        }
    }

    public func replyFacts(conversation: String) async throws -> ConversationReplyFacts {
        try await pool.read { db in
            let room = try Row.fetchOne(db, sql: """
                SELECT c.roomid, r.creator FROM conversation c LEFT JOIN room r ON r.id = c.roomid WHERE c.id = ?
                """, arguments: [conversation])
            let messages = try Row.fetchAll(db, sql: """
                SELECT msgid, sender, msgtime FROM message
                WHERE conversation = ? AND recalled_by IS NULL AND action = 'send'
                  AND msgtype NOT IN ('revoke', 'agree', 'disagree', 'switch')
                ORDER BY msgtime, id
                """, arguments: [conversation]).map { ReplyFact(msgid: $0["msgid"], sender: $0["sender"], time: $0["msgtime"]) }
            return ConversationReplyFacts(conversation: conversation, roomID: room?["roomid"], roomOwner: room?["creator"], messages: messages)
        }
    }

    /// Replaces a conversation's waits, keeping what was already sent for each, and clears its dirty mark
    /// unless it was marked again meanwhile.
    /// - Returns: the pending waits as stored (with their sent marks), for the timer queue.
    @discardableResult
    public func saveWaits(_ waits: [StoredWait], conversation: String, generation: Int64) async throws -> [StoredWait] {
        let newWaits = StoredWait.markingFirstOfDay(waits)
        return try await pool.write { db in
            // The daily reply aggregates: take out what the old waits contributed, add what the new ones do.
            let old = try Row.fetchAll(db, sql: "SELECT * FROM sla_wait WHERE conversation = ?", arguments: [conversation]).map(Self.storedWait)
            for (key, delta) in StoredWait.replyDeltas(replacing: old, with: newWaits) {
                try db.execute(sql: """
                    INSERT INTO agg_reply (day, employee, waits, answered, within, working_ms, firsts, first_working_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (day, employee) DO UPDATE SET waits = waits + excluded.waits, answered = answered + excluded.answered,
                        within = within + excluded.within, working_ms = working_ms + excluded.working_ms, firsts = firsts + excluded.firsts,
                        first_working_ms = first_working_ms + excluded.first_working_ms
                    """, arguments: [key[0], key[1], delta.waits, delta.answered, delta.within, delta.working, delta.firsts, delta.firstWorking])
            }
            for wait in newWaits {
                try db.execute(sql: """
                    INSERT INTO sla_wait (customer_msgid, conversation, customer, employee, department, waiting_since, reply_msgid, replied_by,
                                          replied_at, working_ms, target_ms, reminder_due, escalation_due, escalate_to, first_of_day)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (customer_msgid) DO UPDATE SET
                        employee = excluded.employee, department = excluded.department, reply_msgid = excluded.reply_msgid,
                        replied_by = excluded.replied_by, replied_at = excluded.replied_at, working_ms = excluded.working_ms,
                        target_ms = excluded.target_ms, reminder_due = excluded.reminder_due,
                        escalation_due = excluded.escalation_due, escalate_to = excluded.escalate_to, first_of_day = excluded.first_of_day
                    """, arguments: [wait.customerMsgid, conversation, wait.customer, wait.employee, wait.department, wait.waitingSince,
                                     wait.replyMsgid, wait.repliedBy, wait.repliedAt, wait.workingMilliseconds, wait.targetMilliseconds,
                                     wait.reminderDue, wait.escalationDue, JSONText.array(wait.escalateTo), wait.firstOfDay])
            }
            try db.execute(sql: "DELETE FROM sla_wait WHERE conversation = ? AND customer_msgid NOT IN (SELECT value FROM json_each(?))",
                           arguments: [conversation, JSONText.array(newWaits.map(\.customerMsgid))])
            try db.execute(sql: "DELETE FROM sla_dirty WHERE conversation = ? AND generation = ?", arguments: [conversation, generation])
            return try Row.fetchAll(db, sql: "SELECT * FROM sla_wait WHERE conversation = ? AND reply_msgid IS NULL", arguments: [conversation])
                .map(Self.storedWait)
        }
    }

    /// Pending waits with a notice still to send: what the timer queue starts from after a restart.
    public func pendingWaits(since noticesFrom: Int64) async throws -> [StoredWait] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM sla_wait WHERE reply_msgid IS NULL AND escalation_sent_at IS NULL AND waiting_since >= ?
                """, arguments: [noticesFrom]).map(Self.storedWait)
        }
    }

    /// Sends a notice exactly once: in one transaction, checks the wait is still unanswered and the notice
    /// due and unsent, marks it sent, and queues an alert (`reply-timeout`) for `channels` addressed to the
    /// employee (reminder) or the escalation list.
    /// - Parameter noticesFrom: waits that began earlier get no notice (history archived before the tracker ran).
    /// - Returns: the wait when the notice was sent now (its escalation is scheduled from it), else nil.
    @discardableResult
    public func sendNotice(_ notice: ReplyNotice, forWait customerMsgid: String, channels: [String], noticesFrom: Int64 = .min) async throws -> StoredWait? {
        let now = clock().milliseconds
        return try await pool.write { db -> StoredWait? in
            let due = notice == .reminder ? "reminder_due" : "escalation_due"
            let sent = notice == .reminder ? "reminder_sent_at" : "escalation_sent_at"
            guard let row = try Row.fetchOne(db, sql: """
                SELECT * FROM sla_wait WHERE customer_msgid = ? AND reply_msgid IS NULL AND \(sent) IS NULL AND \(due) <= ?
                  AND waiting_since >= ?
                """, arguments: [customerMsgid, now, noticesFrom]) else { return nil }
            let wait = Self.storedWait(row)
            try db.execute(sql: "UPDATE sla_wait SET \(sent) = ? WHERE customer_msgid = ?", arguments: [now, customerMsgid])
            let severity = notice == .reminder ? "medium" : "high"
            try db.execute(sql: """
                INSERT INTO alert (conversation, category, severity, status, sender, first_msgtime, last_msgtime, hit_count, created_at, updated_at)
                VALUES (?, 'reply-timeout', ?, 'open', ?, ?, ?, 1, ?, ?)
                """, arguments: [wait.conversation, severity, wait.employee, wait.waitingSince, wait.waitingSince, now, now])
            let alertID = db.lastInsertedRowID
            try db.execute(sql: "INSERT INTO alert_event (alert_id, at, actor, action, note) VALUES (?, ?, 'chatledger', 'opened', ?)",
                           arguments: [alertID, now, "\(notice.rawValue): customer \(wait.customer) waiting since \(wait.waitingSince)"])
            let recipients = notice == .reminder ? [wait.employee] : wait.escalateTo
            for channel in channels {
                try db.execute(sql: """
                    INSERT INTO alert_outbox (alert_id, channel, created_at, next_attempt_at, recipients) VALUES (?, ?, ?, ?, ?)
                    """, arguments: [alertID, channel, now, now, JSONText.array(recipients)])
            }
            return wait
        }
    }

    /// Waits unanswered right now past their reminder threshold: by the business calendar (as stored), or
    /// counting every hour when `allHours`.
    public func overdueWaits(allHours: Bool) async throws -> [StoredWait] {
        let now = clock().milliseconds
        return try await pool.read { db in
            let condition = allHours ? "waiting_since + target_ms <= ?" : "reminder_due <= ?"
            return try Row.fetchAll(db, sql: "SELECT * FROM sla_wait WHERE reply_msgid IS NULL AND \(condition) ORDER BY waiting_since",
                                    arguments: [now]).map(Self.storedWait)
        }
    }

    /// Waits that began in [since, until), answered or not.
    public func waits(since: Int64, until: Int64) async throws -> [StoredWait] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sla_wait WHERE waiting_since >= ? AND waiting_since < ? ORDER BY waiting_since",
                             arguments: [since, until]).map(Self.storedWait)
        }
    }

    static func storedWait(_ row: Row) -> StoredWait {
        var wait = StoredWait(customerMsgid: row["customer_msgid"], conversation: row["conversation"], customer: row["customer"], employee: row["employee"],
                   department: row["department"], waitingSince: row["waiting_since"], replyMsgid: row["reply_msgid"], repliedBy: row["replied_by"],
                   repliedAt: row["replied_at"], workingMilliseconds: row["working_ms"], targetMilliseconds: row["target_ms"],
                   reminderDue: row["reminder_due"], escalationDue: row["escalation_due"], escalateTo: strings(row["escalate_to"]),
                   reminderSentAt: row["reminder_sent_at"], escalationSentAt: row["escalation_sent_at"])
        wait.firstOfDay = row["first_of_day"] ?? false
        return wait
    }

    /// Reply aggregates summed per employee over days in [sinceDay, untilDay).
    public func replyTotals(sinceDay: String, untilDay: String, employees: Set<String>?) async throws -> [ReplyTotals] {
        try await pool.read { db in
            let scope = employees == nil ? "" : " AND employee IN (SELECT value FROM json_each(?))"
            var arguments: StatementArguments = [sinceDay, untilDay]
            if let employees { arguments += [JSONText.array(employees.sorted())] }
            return try Row.fetchAll(db, sql: """
                SELECT employee, sum(waits) AS waits, sum(answered) AS answered, sum(within) AS within, sum(working_ms) AS working,
                       sum(firsts) AS firsts, sum(first_working_ms) AS first_working
                FROM agg_reply WHERE day >= ? AND day < ?\(scope) GROUP BY employee
                """, arguments: arguments).map {
                ReplyTotals(employee: $0["employee"], waits: $0["waits"], answered: $0["answered"], within: $0["within"],
                            workingMilliseconds: $0["working"], firsts: $0["firsts"], firstWorkingMilliseconds: $0["first_working"])
            }
        }
    }
}

extension SQLiteArchiveStore {
    public func organisationFacts() async throws -> OrganisationFacts {
        try await pool.read { db in
            var facts = OrganisationFacts(parent: [:], leaders: [:], employeeDepartments: [:])
            for row in try Row.fetchAll(db, sql: "SELECT id, parent_id, leaders FROM department") {
                let id: Int64 = row["id"]
                if let parent: Int64 = row["parent_id"] { facts.parent[id] = parent }
                facts.leaders[id] = Self.strings(row["leaders"])
            }
            for row in try Row.fetchAll(db, sql: "SELECT id, department_ids FROM party WHERE kind = 'employee'") {
                facts.employeeDepartments[row["id"]] = Self.numbers(row["department_ids"])
            }
            return facts
        }
    }
}
