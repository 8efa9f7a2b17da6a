import ArchiveModel
import ArchiveStore
import Foundation
import PostgresNIO

/// Four-eyes access changes: queued, listed, and decided in one transaction with what they apply. The change's row is
/// locked first, so two administrators deciding at once from two `serve` processes cannot both decide it.
extension PostgresArchiveStore: AccessChangeStore {
    static let accessChangeColumns = "id, kind, target, requested_by, payload, status, decided_by, decided_at, created_at, note"

    static func accessChange(_ row: PostgresRandomAccessRow, now: Int64) throws -> AccessChange {
        let id: Int64 = try row.get(0)
        let kindName: String = try row.get(1), statusName: String = try row.get(5)
        guard let kind = AccessChange.Kind(rawValue: kindName), let stored = AccessChange.Status(rawValue: statusName) else {
            throw StorageError("access change #\(id) has kind \(kindName) and status \(statusName); was the database edited by hand?")
        }
        let createdAt: Int64 = try row.get(8)
        return AccessChange(id: id, kind: kind, target: try row.get(2), requestedBy: try row.get(3),
                            payload: try AccessChangePayload(json: try row.get(4)),
                            status: AccessChange.status(stored: stored, createdAt: createdAt, now: now),
                            decidedBy: try row.get(6), decidedAt: try row.get(7), createdAt: createdAt, note: try row.get(9))
    }

    @discardableResult
    public func requestAccessChange(kind: AccessChange.Kind, target: String, requestedBy: String, payload: AccessChangePayload)
        async throws -> AccessChange {
        let now = clock().milliseconds
        let row = try await connection { connection in
            try await connection.row("""
                INSERT INTO access_change (kind, target, requested_by, payload, status, created_at)
                VALUES (\(kind.rawValue), \(target), \(requestedBy), \(payload.json), 'pending', \(now))
                RETURNING \(unescaped: Self.accessChangeColumns)
                """, logger: logger) { try Self.accessChange($0, now: now) }
        }
        guard let row else { throw StorageError("the access change was not recorded") }
        return row
    }

    public func accessChanges(status: AccessChange.Status?, limit: Int) async throws -> [AccessChange] {
        let now = clock().milliseconds
        let cutoff = now - AccessChange.lifetime
        let limit = Int64(limit)
        return try await connection { connection in
            let query: PostgresQuery = switch status {
            case nil:
                "SELECT \(unescaped: Self.accessChangeColumns) FROM access_change ORDER BY id DESC LIMIT \(limit)"
            case .some(.pending):
                """
                SELECT \(unescaped: Self.accessChangeColumns) FROM access_change WHERE status = 'pending' AND created_at > \(cutoff)
                ORDER BY id DESC LIMIT \(limit)
                """
            case .some(.expired):
                """
                SELECT \(unescaped: Self.accessChangeColumns) FROM access_change
                WHERE status = 'expired' OR (status = 'pending' AND created_at <= \(cutoff)) ORDER BY id DESC LIMIT \(limit)
                """
            case let status?:
                """
                SELECT \(unescaped: Self.accessChangeColumns) FROM access_change WHERE status = \(status.rawValue)
                ORDER BY id DESC LIMIT \(limit)
                """
            }
            return try await connection.rows(query, logger: logger) { try Self.accessChange($0, now: now) }
        }
    }

    public func accessChange(id: Int64) async throws -> AccessChange? {
        let now = clock().milliseconds
        return try await connection { connection in
            try await connection.row("SELECT \(unescaped: Self.accessChangeColumns) FROM access_change WHERE id = \(id)", logger: logger) {
                try Self.accessChange($0, now: now)
            }
        }
    }

    @discardableResult
    public func decideAccessChange(id: Int64, _ decision: AccessChangeDecision, by decider: String, note: String?) async throws -> AccessChange {
        let now = clock().milliseconds
        let outcome: Result<AccessChange, StorageError> = try await transaction { connection in
            guard let change = try await connection.row("""
                SELECT \(unescaped: Self.accessChangeColumns) FROM access_change WHERE id = \(id) FOR UPDATE
                """, logger: logger, { try Self.accessChange($0, now: now) }) else {
                throw StorageError("no access change #\(id); GET /api/v1/access-changes lists them", notFound: true)
            }
            switch change.status {
            case .pending: break
            case .expired:
                // Recorded as expired (and committed), then refused to the caller.
                try await connection.query("""
                    UPDATE access_change SET status = 'expired', decided_at = \(now) WHERE id = \(id) AND status = 'pending'
                    """, logger: logger)
                return .failure(StorageError("access change #\(id) expired unapproved after 7 days; request it again"))
            default:
                throw StorageError("access change #\(id) is \(change.status.rawValue), not pending")
            }
            if let refusal = change.refusal(of: decision, by: decider) { throw StorageError(refusal) }
            if decision == .approve { try await applyAccessChange(change, connection, now: now) }
            guard let decided = try await connection.row("""
                UPDATE access_change SET status = \(decision.status.rawValue), decided_by = \(decider), decided_at = \(now), note = \(note),
                    payload = \(change.payload.scrubbed.json)
                WHERE id = \(id) AND status = 'pending'
                RETURNING \(unescaped: Self.accessChangeColumns)
                """, logger: logger, { try Self.accessChange($0, now: now) }) else {
                throw StorageError("access change #\(id) was decided meanwhile")
            }
            return .success(decided)
        }
        return try outcome.get()
    }

    /// Applies an approved change inside the deciding transaction, as `updateUser` and `setProtectedStaff` would.
    private func applyAccessChange(_ change: AccessChange, _ connection: PostgresConnection, now: Int64) async throws {
        let payload = change.payload
        switch change.kind {
        case .user:
            guard let userID = try await connection.scalar("""
                UPDATE console_user SET updated_at = \(now),
                    password_hash = coalesce(\(payload.passwordHash), password_hash),
                    roles = coalesce(\(payload.roles), roles),
                    departments = coalesce(\(payload.departments), departments),
                    may_unmask = coalesce(\(payload.mayUnmask), may_unmask),
                    disabled = coalesce(\(payload.disabled), disabled),
                    failed_logins = CASE WHEN \(payload.passwordHash != nil) THEN 0 ELSE failed_logins END,
                    locked_until = CASE WHEN \(payload.passwordHash != nil) THEN NULL ELSE locked_until END
                WHERE username = \(change.target)
                RETURNING id
                """, Int64.self, logger: logger) else {
                throw StorageError("no user named \(change.target) to apply access change #\(change.id) to", notFound: true)
            }
            // A new password ends every session opened with the old one; so does disabling the account.
            if payload.passwordHash != nil || payload.disabled == true {
                try await connection.query("DELETE FROM console_session WHERE user_id = \(userID)", logger: logger)
            }
        case .protectedStaff:
            let viewers = payload.viewers ?? []
            if viewers.isEmpty {
                try await connection.query("DELETE FROM protected_staff WHERE userid = \(change.target)", logger: logger)
            } else {
                try await connection.query("""
                    INSERT INTO protected_staff (userid, viewers, updated_at) VALUES (\(change.target), \(viewers), \(now))
                    ON CONFLICT (userid) DO UPDATE SET viewers = excluded.viewers, updated_at = excluded.updated_at
                    """, logger: logger)
            }
        }
    }
}
