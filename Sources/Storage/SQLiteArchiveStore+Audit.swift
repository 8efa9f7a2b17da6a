import ArchiveModel
import Ledger
import Foundation
import GRDB

/// One look at content or one change by an administrator, as the ledger records it.
public struct AuditEvent: Sendable, Hashable, Codable {
    /// Milliseconds since 1970.
    public var at: Int64
    /// The console username (or `cli:<user>` for the command line).
    public var actor: String
    /// What was done, e.g. `conversation.view`, `search`, `media.download`, `user.add`.
    public var action: String
    /// What it was done to: a conversation id, a msgid, a username, a query.
    public var target: String
    /// Further facts (filters used, roles granted …).
    public var detail: [String: String]

    public init(at: Int64 = 0, actor: String, action: String, target: String, detail: [String: String] = [:]) {
        self.at = at
        self.actor = actor
        self.action = action
        self.target = target
        self.detail = detail
    }

    /// The filter columns' values: SQLite text stops at a NUL, so NULs become U+FFFD there (the sealed
    /// event keeps the exact text).
    public var columns: [String] {
        [String(at), actor, action, target].map { $0.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") }
    }

    /// The event as recorded: its time is the store's clock, whatever the caller set.
    package func stamped(at milliseconds: Int64) -> AuditEvent {
        var stamped = self
        stamped.at = milliseconds
        return stamped
    }

    /// The bytes the ledger leaf holds: sorted keys, no insignificant whitespace.
    public var canonicalJSON: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a struct of strings and integers cannot fail.
        return Array(try! encoder.encode(self))
    }
}

/// An audit event with where the ledger holds it.
public struct StoredAuditEvent: Sendable, Hashable {
    public var id: Int64
    public var leafIndex: UInt64
    public var event: AuditEvent

    package init(id: Int64, leafIndex: UInt64, event: AuditEvent) {
        self.id = id
        self.leafIndex = leafIndex
        self.event = event
    }
}

/// Which audit events to list.
public struct AuditFilter: Sendable, Hashable {
    public var actor: String?
    public var action: String?
    /// Milliseconds, inclusive.
    public var since: Int64?
    /// Milliseconds, exclusive.
    public var until: Int64?
    public var limit: Int
    /// Events older than this id (for paging back).
    public var before: Int64?

    public init(actor: String? = nil, action: String? = nil, since: Int64? = nil, until: Int64? = nil, limit: Int = 100, before: Int64? = nil) {
        self.actor = actor
        self.action = action
        self.since = since
        self.until = until
        self.limit = limit
        self.before = before
    }
}

extension SQLiteArchiveStore {
    /// Appends an audit event to the tamper-evident log in one transaction; the time is the store's clock.
    @discardableResult
    public func appendAudit(_ event: AuditEvent) async throws -> StoredAuditEvent {
        let event = event.stamped(at: clock().milliseconds)
        let json = event.canonicalJSON
        let sealer = self.sealer
        let integrity = self.integrity
        return try await pool.write { db in
            var ledger = try LedgerAppender(db: db, enabled: integrity)
            let leafIndex = ledger.size
            try db.execute(sql: """
                INSERT INTO audit_event (at, actor, action, target, event, leaf_index) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [event.at, event.columns[1], event.columns[2], event.columns[3],
                                 Data(try sealer.seal(json, context: SealContext.audit(leafIndex))), Int64(leafIndex)])
            let id = db.lastInsertedRowID
            try ledger.append(kind: .audit, ref: "audit:\(id)", leaf: LeafEncoding.audit(eventJSON: json), db: db)
            return StoredAuditEvent(id: id, leafIndex: leafIndex, event: event)
        }
    }

    /// Audit events, newest first, read from their sealed canonical form (the columns only select them).
    public func auditEvents(_ filter: AuditFilter) async throws -> [StoredAuditEvent] {
        let sealer = self.sealer
        return try await pool.read { db in
            var conditions: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if let actor = filter.actor { conditions.append("actor = ?"); arguments.append(actor) }
            if let action = filter.action { conditions.append("action = ?"); arguments.append(action) }
            if let since = filter.since { conditions.append("at >= ?"); arguments.append(since) }
            if let until = filter.until { conditions.append("at < ?"); arguments.append(until) }
            if let before = filter.before { conditions.append("id < ?"); arguments.append(before) }
            let filterSQL = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(db, sql: "SELECT id, leaf_index, event FROM audit_event \(filterSQL) ORDER BY id DESC LIMIT ?",
                                    arguments: StatementArguments(arguments + [max(1, min(filter.limit, 1000))])).map { row in
                let leafIndex = UInt64(row["leaf_index"] as Int64)
                let json = try sealer.open(Array(row["event"] as Data), context: SealContext.audit(leafIndex))
                return StoredAuditEvent(id: row["id"], leafIndex: leafIndex, event: try JSONDecoder().decode(AuditEvent.self, from: Data(json)))
            }
        }
    }
}

extension SQLiteArchiveStore {
    public func auditEventCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_event") ?? 0 }
    }
}
