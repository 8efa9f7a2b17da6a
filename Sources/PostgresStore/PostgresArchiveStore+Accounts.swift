import ArchiveModel
import ArchiveStore
import Foundation
import NIOCore
import PostgresNIO

/// Console accounts, sessions, API tokens and protected staff: shared by every `serve` process on this database.
extension PostgresArchiveStore: ConsoleAccountStore {
    static let userColumns = """
        u.id, u.username, u.display_name, u.password_hash, u.roles, u.departments, u.may_unmask, u.disabled, u.failed_logins,
        u.locked_until, u.totp_secret IS NOT NULL, u.created_at, u.updated_at
        """

    static func consoleUser(_ row: PostgresRandomAccessRow, from start: Int = 0) throws -> ConsoleUser {
        ConsoleUser(id: try row.get(start), username: try row.get(start + 1), displayName: try row.get(start + 2),
                    passwordHash: try row.get(start + 3), roles: try row.get(start + 4), departments: try row.get(start + 5),
                    mayUnmask: try row.get(start + 6), disabled: try row.get(start + 7),
                    failedLogins: Int(try row.get(start + 8, as: Int32.self)), lockedUntil: try row.get(start + 9),
                    hasTOTP: try row.get(start + 10), createdAt: try row.get(start + 11), updatedAt: try row.get(start + 12))
    }

    private func user(where condition: String, _ value: String, _ connection: PostgresConnection) async throws -> ConsoleUser? {
        try await connection.row(PostgresQuery(unsafeSQL: "SELECT \(Self.userColumns) FROM console_user u WHERE \(condition) = $1",
                                               binds: binds(value)), logger: logger) { try Self.consoleUser($0) }
    }

    @discardableResult
    public func addUser(_ user: ConsoleUser) async throws -> ConsoleUser {
        let now = clock().milliseconds
        return try await transaction { connection in
            let id = try await connection.scalar("""
                INSERT INTO console_user (username, display_name, password_hash, roles, departments, may_unmask, disabled, created_at, updated_at)
                VALUES (\(user.username), \(user.displayName), \(user.passwordHash), \(user.roles), \(user.departments), \(user.mayUnmask),
                        \(user.disabled), \(now), \(now))
                ON CONFLICT (username) DO NOTHING RETURNING id
                """, Int64.self, logger: logger)
            guard id != nil, let stored = try await self.user(where: "u.username", user.username, connection) else {
                throw StorageError("a user named \(user.username) exists already; use `chatledger user passwd` or `grant` to change it")
            }
            return stored
        }
    }

    public func user(named username: String) async throws -> ConsoleUser? {
        try await connection { connection in try await user(where: "u.username", username, connection) }
    }

    public func users() async throws -> [ConsoleUser] {
        try await connection { connection in
            try await connection.rows("SELECT \(unescaped: Self.userColumns) FROM console_user u ORDER BY u.username", logger: logger) {
                try Self.consoleUser($0)
            }
        }
    }

    @discardableResult
    public func updateUser(named username: String, _ change: ConsoleUserChange) async throws -> ConsoleUser {
        let now = clock().milliseconds
        let sealedSecret = try change.totpSecret.map { secret in
            try secret.map { ByteBuffer(bytes: try sealer.seal(Array($0.utf8), context: SealContext.totp(username))) }
        }
        return try await transaction { connection in
            guard let user = try await user(where: "u.username", username, connection) else {
                throw StorageError("no user named \(username); `chatledger user list` shows them", notFound: true)
            }
            // One statement whatever changes: a NULL parameter leaves its column as it is.
            try await connection.query("""
                UPDATE console_user SET updated_at = \(now),
                    display_name = coalesce(\(change.displayName), display_name),
                    password_hash = coalesce(\(change.passwordHash), password_hash),
                    roles = coalesce(\(change.roles), roles),
                    departments = coalesce(\(change.departments), departments),
                    may_unmask = coalesce(\(change.mayUnmask), may_unmask),
                    disabled = coalesce(\(change.disabled), disabled),
                    failed_logins = CASE WHEN \(change.passwordHash != nil) THEN 0 ELSE failed_logins END,
                    locked_until = CASE WHEN \(change.passwordHash != nil) THEN NULL ELSE locked_until END,
                    totp_secret = CASE WHEN \(sealedSecret != nil) THEN \(sealedSecret ?? nil) ELSE totp_secret END
                WHERE id = \(user.id)
                """, logger: logger)
            // A new password ends every session opened with the old one; so does disabling the account.
            if change.passwordHash != nil || change.disabled == true {
                try await connection.query("DELETE FROM console_session WHERE user_id = \(user.id)", logger: logger)
            }
            return try await self.user(where: "u.username", username, connection)!
        }
    }

    public func totpSecret(of username: String) async throws -> String? {
        let sealed = try await connection { connection in
            try await connection.scalar("SELECT totp_secret FROM console_user WHERE username = \(username)", ByteBuffer?.self,
                                        logger: logger) ?? nil
        }
        guard let sealed else { return nil }
        return String(decoding: try sealer.open(Array(buffer: sealed), context: SealContext.totp(username)), as: UTF8.self)
    }

    @discardableResult
    public func recordFailedLogin(of username: String, threshold: Int, lockFor: Int64) async throws -> ConsoleUser? {
        let now = clock().milliseconds
        return try await transaction { connection in
            try await connection.query("""
                UPDATE console_user SET failed_logins = failed_logins + 1,
                    locked_until = CASE WHEN failed_logins + 1 >= \(threshold) THEN \(now + lockFor) ELSE locked_until END
                WHERE username = \(username)
                """, logger: logger)
            return try await user(where: "u.username", username, connection)
        }
    }

    /// Counts a sign-in attempt before its password is checked; refuses a locked account. The row lock taken first orders
    /// attempts from every `serve` process, so at most `threshold` are reserved per window across all of them.
    public func reserveLoginAttempt(of username: String, threshold: Int, lockFor: Int64) async throws -> LoginAttempt {
        let now = clock().milliseconds
        let windowFloor = now - lockFor
        return try await transaction { connection in
            guard let lockedUntil = try await connection.scalar("""
                SELECT locked_until FROM console_user WHERE username = \(username) FOR UPDATE
                """, Int64?.self, logger: logger) else { return .unknownUser }
            if let lockedUntil, lockedUntil > now { return .locked(until: lockedUntil) }
            let user = try await connection.row("""
                UPDATE console_user u SET
                    failed_logins = CASE WHEN u.login_window_start IS NULL OR u.login_window_start <= \(windowFloor) THEN 1
                                         ELSE u.failed_logins + 1 END,
                    login_window_start = CASE WHEN u.login_window_start IS NULL OR u.login_window_start <= \(windowFloor) THEN \(now)
                                              ELSE u.login_window_start END,
                    locked_until = CASE WHEN (CASE WHEN u.login_window_start IS NULL OR u.login_window_start <= \(windowFloor) THEN 1
                                                   ELSE u.failed_logins + 1 END) >= \(threshold) THEN \(now + lockFor) ELSE NULL END
                WHERE u.username = \(username)
                RETURNING \(unescaped: Self.userColumns)
                """, logger: logger) { try Self.consoleUser($0) }
            return user.map(LoginAttempt.reserved) ?? .unknownUser
        }
    }

    public func acceptTOTPStep(_ step: Int64, of username: String) async throws -> Bool {
        try await connection { connection in
            try await connection.scalar("""
                UPDATE console_user SET totp_last_step = \(step)
                WHERE username = \(username) AND (totp_last_step IS NULL OR totp_last_step < \(step)) RETURNING id
                """, Int64.self, logger: logger) != nil
        }
    }

    public func openSession(for username: String, tokenHash: String, csrf: String, lifetime: Int64) async throws {
        let now = clock().milliseconds
        try await transaction { connection in
            guard let id = try await connection.scalar("""
                UPDATE console_user SET failed_logins = 0, locked_until = NULL, login_window_start = NULL WHERE username = \(username)
                RETURNING id
                """, Int64.self, logger: logger) else { throw StorageError("no user named \(username)", notFound: true) }
            try await connection.query("DELETE FROM console_session WHERE expires_at < \(now)", logger: logger)
            try await connection.query("""
                INSERT INTO console_session (token_hash, user_id, csrf, created_at, expires_at)
                VALUES (\(tokenHash), \(id), \(csrf), \(now), \(now + lifetime))
                """, logger: logger)
        }
    }

    public func session(tokenHash: String) async throws -> ConsoleSession? {
        let now = clock().milliseconds
        return try await connection { connection in
            try await connection.row("""
                SELECT s.csrf, s.expires_at, \(unescaped: Self.userColumns) FROM console_session s JOIN console_user u ON u.id = s.user_id
                WHERE s.token_hash = \(tokenHash) AND s.expires_at > \(now) AND NOT u.disabled
                """, logger: logger) { row in
                ConsoleSession(user: try Self.consoleUser(row, from: 2), csrf: try row.get(0), expiresAt: try row.get(1))
            }
        }
    }

    public func closeSession(tokenHash: String) async throws {
        try await connection { connection in
            _ = try await connection.query("DELETE FROM console_session WHERE token_hash = \(tokenHash)", logger: logger)
        }
    }

    @discardableResult
    public func addAPIToken(for username: String, name: String, tokenHash: String) async throws -> ConsoleAPIToken {
        let now = clock().milliseconds
        return try await transaction { connection in
            guard let id = try await connection.scalar("""
                INSERT INTO console_api_token (user_id, name, token_hash, created_at)
                SELECT id, \(name), \(tokenHash), \(now) FROM console_user WHERE username = \(username) RETURNING id
                """, Int64.self, logger: logger) else { throw StorageError("no user named \(username)", notFound: true) }
            return ConsoleAPIToken(id: id, username: username, name: name, createdAt: now, revokedAt: nil)
        }
    }

    public func user(apiTokenHash: String) async throws -> ConsoleUser? {
        try await connection { connection in
            try await connection.row("""
                SELECT \(unescaped: Self.userColumns) FROM console_api_token t JOIN console_user u ON u.id = t.user_id
                WHERE t.token_hash = \(apiTokenHash) AND t.revoked_at IS NULL AND NOT u.disabled
                """, logger: logger) { try Self.consoleUser($0) }
        }
    }

    public func apiTokens(of username: String) async throws -> [ConsoleAPIToken] {
        try await connection { connection in
            try await connection.rows("""
                SELECT t.id, t.name, t.created_at, t.revoked_at FROM console_api_token t JOIN console_user u ON u.id = t.user_id
                WHERE u.username = \(username) ORDER BY t.id
                """, logger: logger) { row in
                ConsoleAPIToken(id: try row.get(0), username: username, name: try row.get(1), createdAt: try row.get(2),
                                revokedAt: try row.get(3))
            }
        }
    }

    public func revokeAPIToken(id: Int64, of username: String) async throws {
        let now = clock().milliseconds
        try await transaction { connection in
            let revoked = try await connection.scalar("""
                UPDATE console_api_token SET revoked_at = \(now) WHERE id = \(id) AND revoked_at IS NULL
                  AND user_id = (SELECT id FROM console_user WHERE username = \(username)) RETURNING id
                """, Int64.self, logger: logger)
            guard revoked != nil else { throw StorageError("\(username) has no live API token \(id)") }
        }
    }

    public func protectedStaff() async throws -> [ProtectedStaff] {
        try await connection { connection in
            try await connection.rows("SELECT userid, viewers FROM protected_staff ORDER BY userid", logger: logger) {
                ProtectedStaff(userid: try $0.get(0), viewers: try $0.get(1))
            }
        }
    }

    public func setProtectedStaff(_ entry: ProtectedStaff) async throws {
        let now = clock().milliseconds
        try await connection { connection in
            if entry.viewers.isEmpty {
                _ = try await connection.query("DELETE FROM protected_staff WHERE userid = \(entry.userid)", logger: logger)
            } else {
                _ = try await connection.query("""
                    INSERT INTO protected_staff (userid, viewers, updated_at) VALUES (\(entry.userid), \(entry.viewers), \(now))
                    ON CONFLICT (userid) DO UPDATE SET viewers = excluded.viewers, updated_at = excluded.updated_at
                    """, logger: logger)
            }
        }
    }
}
