import ArchiveModel
import ArchiveStore
import Foundation
import GRDB

/// Four-eyes access changes: queued, listed, and decided in one transaction with what they apply.
extension SQLiteArchiveStore: AccessChangeStore {
    @discardableResult
    public func requestAccessChange(kind: AccessChange.Kind, target: String, requestedBy: String, payload: AccessChangePayload)
        async throws -> AccessChange {
        let now = clock().milliseconds
        return try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO access_change (kind, target, requested_by, payload, status, created_at) VALUES (?, ?, ?, ?, 'pending', ?)
                """, arguments: [kind.rawValue, target, requestedBy, payload.json, now])
            return try Self.accessChange(db: db, id: db.lastInsertedRowID, now: now)!
        }
    }

    public func accessChanges(status: AccessChange.Status?, limit: Int) async throws -> [AccessChange] {
        let now = clock().milliseconds
        let cutoff = now - AccessChange.lifetime
        return try await pool.read { db in
            let rows: [Row]
            switch status {
            case nil:
                rows = try Row.fetchAll(db, sql: "SELECT * FROM access_change ORDER BY id DESC LIMIT ?", arguments: [limit])
            case .some(.pending):
                rows = try Row.fetchAll(db, sql: """
                    SELECT * FROM access_change WHERE status = 'pending' AND created_at > ? ORDER BY id DESC LIMIT ?
                    """, arguments: [cutoff, limit])
            case .some(.expired):
                rows = try Row.fetchAll(db, sql: """
                    SELECT * FROM access_change WHERE status = 'expired' OR (status = 'pending' AND created_at <= ?) ORDER BY id DESC LIMIT ?
                    """, arguments: [cutoff, limit])
            case let status?:
                rows = try Row.fetchAll(db, sql: "SELECT * FROM access_change WHERE status = ? ORDER BY id DESC LIMIT ?",
                                        arguments: [status.rawValue, limit])
            }
            return try rows.map { try Self.accessChange($0, now: now) }
        }
    }

    public func accessChange(id: Int64) async throws -> AccessChange? {
        let now = clock().milliseconds
        return try await pool.read { db in try Self.accessChange(db: db, id: id, now: now) }
    }

    @discardableResult
    public func decideAccessChange(id: Int64, _ decision: AccessChangeDecision, by decider: String, note: String?) async throws -> AccessChange {
        let now = clock().milliseconds
        let outcome: Result<AccessChange, StorageError> = try await pool.write { db in
            guard let change = try Self.accessChange(db: db, id: id, now: now) else {
                throw StorageError("no access change #\(id); GET /api/v1/access-changes lists them", notFound: true)
            }
            switch change.status {
            case .pending: break
            case .expired:
                // Recorded as expired (and committed), then refused to the caller.
                try db.execute(sql: "UPDATE access_change SET status = 'expired', decided_at = ? WHERE id = ? AND status = 'pending'",
                               arguments: [now, id])
                return .failure(StorageError("access change #\(id) expired unapproved after 7 days; request it again"))
            default:
                throw StorageError("access change #\(id) is \(change.status.rawValue), not pending")
            }
            if let refusal = change.refusal(of: decision, by: decider) { throw StorageError(refusal) }
            if decision == .approve { try Self.applyAccessChange(change, db: db, now: now) }
            try db.execute(sql: """
                UPDATE access_change SET status = ?, decided_by = ?, decided_at = ?, note = ?, payload = ? WHERE id = ? AND status = 'pending'
                """, arguments: [decision.status.rawValue, decider, now, note, change.payload.scrubbed.json, id])
            guard db.changesCount == 1 else { throw StorageError("access change #\(id) was decided meanwhile") }
            return .success(try Self.accessChange(db: db, id: id, now: now)!)
        }
        return try outcome.get()
    }

    /// Applies an approved change inside the deciding transaction, as `updateUser` and `setProtectedStaff` would.
    static func applyAccessChange(_ change: AccessChange, db: Database, now: Int64) throws {
        let payload = change.payload
        switch change.kind {
        case .user:
            guard let userID = try Int64.fetchOne(db, sql: "SELECT id FROM console_user WHERE username = ?", arguments: [change.target]) else {
                throw StorageError("no user named \(change.target) to apply access change #\(change.id) to", notFound: true)
            }
            var assignments: [String] = ["updated_at = ?"]
            var arguments: [(any DatabaseValueConvertible)?] = [now]
            func set(_ column: String, _ value: (any DatabaseValueConvertible)?) {
                assignments.append("\(column) = ?")
                arguments.append(value)
            }
            if let hash = payload.passwordHash {
                // A new password also ends a lockout and every session opened with the old one.
                set("password_hash", hash)
                set("failed_logins", 0)
                set("locked_until", nil)
                try db.execute(sql: "DELETE FROM console_session WHERE user_id = ?", arguments: [userID])
            }
            if let roles = payload.roles { set("roles", JSONText.array(roles)) }
            if let departments = payload.departments { set("departments", jsonNumbers(departments)) }
            if let mayUnmask = payload.mayUnmask { set("may_unmask", mayUnmask) }
            if let disabled = payload.disabled {
                set("disabled", disabled)
                if disabled { try db.execute(sql: "DELETE FROM console_session WHERE user_id = ?", arguments: [userID]) }
            }
            try db.execute(sql: "UPDATE console_user SET \(assignments.joined(separator: ", ")) WHERE id = ?",
                           arguments: StatementArguments(arguments + [userID]))
        case .protectedStaff:
            let viewers = payload.viewers ?? []
            if viewers.isEmpty {
                try db.execute(sql: "DELETE FROM protected_staff WHERE userid = ?", arguments: [change.target])
            } else {
                try db.execute(sql: """
                    INSERT INTO protected_staff (userid, viewers, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT (userid) DO UPDATE SET viewers = excluded.viewers, updated_at = excluded.updated_at
                    """, arguments: [change.target, JSONText.array(viewers), now])
            }
        }
    }

    static func accessChange(db: Database, id: Int64, now: Int64) throws -> AccessChange? {
        try Row.fetchOne(db, sql: "SELECT * FROM access_change WHERE id = ?", arguments: [id]).map { try accessChange($0, now: now) }
    }

    static func accessChange(_ row: Row, now: Int64) throws -> AccessChange {
        let kindName: String = row["kind"], statusName: String = row["status"]
        guard let kind = AccessChange.Kind(rawValue: kindName), let stored = AccessChange.Status(rawValue: statusName) else {
            throw StorageError("access change #\(row["id"] as Int64) has kind \(kindName) and status \(statusName); was the database edited by hand?")
        }
        let createdAt: Int64 = row["created_at"]
        return AccessChange(id: row["id"], kind: kind, target: row["target"], requestedBy: row["requested_by"],
                            payload: try AccessChangePayload(json: row["payload"]),
                            status: AccessChange.status(stored: stored, createdAt: createdAt, now: now),
                            decidedBy: row["decided_by"], decidedAt: row["decided_at"], createdAt: createdAt, note: row["note"])
    }
}
