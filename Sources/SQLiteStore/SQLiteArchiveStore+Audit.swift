import ArchiveModel
import ArchiveStore
import Foundation
import GRDB
import Ledger

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
