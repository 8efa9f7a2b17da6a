import ArchiveModel
import ArchiveStore
import Foundation
import GRDB

/// Console accounts, sessions, API tokens and protected staff.
extension SQLiteArchiveStore {
    /// - Throws: ``StorageError`` when the username is taken.
    @discardableResult
    public func addUser(_ user: ConsoleUser) async throws -> ConsoleUser {
        let now = clock().milliseconds
        return try await pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM console_user WHERE username = ?", arguments: [user.username]) == true {
                throw StorageError("a user named \(user.username) exists already; use `chatledger user passwd` or `grant` to change it")
            }
            try db.execute(sql: """
                INSERT INTO console_user (username, display_name, password_hash, roles, departments, may_unmask, disabled,
                                          created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [user.username, user.displayName, user.passwordHash, JSONText.array(user.roles),
                                 Self.jsonNumbers(user.departments), user.mayUnmask, user.disabled, now, now])
            return try Self.user(db: db, sql: "SELECT * FROM console_user WHERE id = ?", db.lastInsertedRowID)!
        }
    }

    public func user(named username: String) async throws -> ConsoleUser? {
        try await pool.read { db in try Self.user(db: db, sql: "SELECT * FROM console_user WHERE username = ?", username) }
    }

    public func users() async throws -> [ConsoleUser] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM console_user ORDER BY username").map(Self.consoleUser)
        }
    }

    /// - Throws: ``StorageError`` when there is no such user.
    @discardableResult
    public func updateUser(named username: String, _ change: ConsoleUserChange) async throws -> ConsoleUser {
        let now = clock().milliseconds
        let sealer = self.sealer
        return try await pool.write { db in
            guard let user = try Self.user(db: db, sql: "SELECT * FROM console_user WHERE username = ?", username) else {
                throw StorageError("no user named \(username); `chatledger user list` shows them", notFound: true)
            }
            var assignments: [String] = ["updated_at = ?"]
            var arguments: [(any DatabaseValueConvertible)?] = [now]
            func set(_ column: String, _ value: (any DatabaseValueConvertible)?) {
                assignments.append("\(column) = ?")
                arguments.append(value)
            }
            if let name = change.displayName { set("display_name", name) }
            if let hash = change.passwordHash {
                set("password_hash", hash)
                // A new password also ends a lockout and every session opened with the old one.
                set("failed_logins", 0)
                set("locked_until", nil)
                try db.execute(sql: "DELETE FROM console_session WHERE user_id = ?", arguments: [user.id])
            }
            if let roles = change.roles { set("roles", JSONText.array(roles)) }
            if let departments = change.departments { set("departments", Self.jsonNumbers(departments)) }
            if let mayUnmask = change.mayUnmask { set("may_unmask", mayUnmask) }
            if let disabled = change.disabled {
                set("disabled", disabled)
                if disabled { try db.execute(sql: "DELETE FROM console_session WHERE user_id = ?", arguments: [user.id]) }
            }
            if let secret = change.totpSecret {
                set("totp_secret", try secret.map { Data(try sealer.seal(Array($0.utf8), context: SealContext.totp(username))) })
            }
            try db.execute(sql: "UPDATE console_user SET \(assignments.joined(separator: ", ")) WHERE id = ?",
                           arguments: StatementArguments(arguments + [user.id]))
            return try Self.user(db: db, sql: "SELECT * FROM console_user WHERE id = ?", user.id)!
        }
    }

    /// The user's TOTP secret, unsealed, when they have one.
    public func totpSecret(of username: String) async throws -> String? {
        let sealer = self.sealer
        return try await pool.read { db in
            guard let sealed = try Data.fetchOne(db, sql: "SELECT totp_secret FROM console_user WHERE username = ?",
                                                 arguments: [username]) else { return nil }
            return String(decoding: try sealer.open(Array(sealed), context: SealContext.totp(username)), as: UTF8.self)
        }
    }

    /// Counts a failed login; locks the account for `lockFor` milliseconds once `threshold` failures are reached.
    /// - Returns: the user as it now stands.
    @discardableResult
    public func recordFailedLogin(of username: String, threshold: Int, lockFor: Int64) async throws -> ConsoleUser? {
        let now = clock().milliseconds
        return try await pool.write { db in
            try db.execute(sql: """
                UPDATE console_user SET failed_logins = failed_logins + 1,
                    locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END
                WHERE username = ?
                """, arguments: [threshold, now + lockFor, username])
            return try Self.user(db: db, sql: "SELECT * FROM console_user WHERE username = ?", username)
        }
    }

    /// Counts a sign-in attempt before its password is checked; refuses a locked account.
    ///
    /// One `UPDATE` counts, moves the window and locks together, and only while the account is not locked, so
    /// however many attempts arrive at once, at most `threshold` are reserved per window.
    public func reserveLoginAttempt(of username: String, threshold: Int, lockFor: Int64) async throws -> LoginAttempt {
        let now = clock().milliseconds
        return try await pool.write { db in
            // SQLite evaluates every SET expression on the row as it was, so the count is spelt out twice.
            try db.execute(sql: """
                UPDATE console_user SET
                    failed_logins = CASE WHEN login_window_start IS NULL OR login_window_start <= :windowFloor THEN 1
                                         ELSE failed_logins + 1 END,
                    login_window_start = CASE WHEN login_window_start IS NULL OR login_window_start <= :windowFloor THEN :now
                                              ELSE login_window_start END,
                    locked_until = CASE WHEN (CASE WHEN login_window_start IS NULL OR login_window_start <= :windowFloor THEN 1
                                                   ELSE failed_logins + 1 END) >= :threshold THEN :lockedUntil ELSE NULL END
                WHERE username = :username AND (locked_until IS NULL OR locked_until <= :now)
                """, arguments: ["windowFloor": now - lockFor, "now": now, "threshold": threshold, "lockedUntil": now + lockFor,
                                 "username": username])
            let counted = db.changesCount == 1
            guard let user = try Self.user(db: db, sql: "SELECT * FROM console_user WHERE username = ?", username) else {
                return .unknownUser
            }
            return counted ? .reserved(user) : .locked(until: user.lockedUntil ?? now)
        }
    }

    /// Records a TOTP time step only if it is newer than the last one used (one statement, so a code is accepted once).
    public func acceptTOTPStep(_ step: Int64, of username: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE console_user SET totp_last_step = ? WHERE username = ? AND (totp_last_step IS NULL OR totp_last_step < ?)
                """, arguments: [step, username, step])
            return db.changesCount == 1
        }
    }

    /// Opens a session after a successful login (which also clears the failure count).
    public func openSession(for username: String, tokenHash: String, csrf: String, lifetime: Int64) async throws {
        let now = clock().milliseconds
        try await pool.write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM console_user WHERE username = ?", arguments: [username]) else {
                throw StorageError("no user named \(username)", notFound: true)
            }
            try db.execute(sql: "UPDATE console_user SET failed_logins = 0, locked_until = NULL, login_window_start = NULL WHERE id = ?",
                           arguments: [id])
            try db.execute(sql: "DELETE FROM console_session WHERE expires_at < ?", arguments: [now])
            try db.execute(sql: "INSERT INTO console_session (token_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [tokenHash, id, csrf, now, now + lifetime])
        }
    }

    /// The live session with this token hash, with its user; `nil` when unknown, expired or the user is disabled.
    public func session(tokenHash: String) async throws -> ConsoleSession? {
        let now = clock().milliseconds
        return try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT s.csrf, s.expires_at, u.* FROM console_session s JOIN console_user u ON u.id = s.user_id
                WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0
                """, arguments: [tokenHash, now]) else { return nil }
            return ConsoleSession(user: Self.consoleUser(row), csrf: row["csrf"], expiresAt: row["expires_at"])
        }
    }

    public func closeSession(tokenHash: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM console_session WHERE token_hash = ?", arguments: [tokenHash])
        }
    }

    @discardableResult
    public func addAPIToken(for username: String, name: String, tokenHash: String) async throws -> ConsoleAPIToken {
        let now = clock().milliseconds
        return try await pool.write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM console_user WHERE username = ?", arguments: [username]) else {
                throw StorageError("no user named \(username)", notFound: true)
            }
            try db.execute(sql: "INSERT INTO console_api_token (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [id, name, tokenHash, now])
            return ConsoleAPIToken(id: db.lastInsertedRowID, username: username, name: name, createdAt: now, revokedAt: nil)
        }
    }

    /// The user an unrevoked API token belongs to, unless they are disabled.
    public func user(apiTokenHash: String) async throws -> ConsoleUser? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT u.* FROM console_api_token t JOIN console_user u ON u.id = t.user_id
                WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled = 0
                """, arguments: [apiTokenHash]).map(Self.consoleUser)
        }
    }

    public func apiTokens(of username: String) async throws -> [ConsoleAPIToken] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT t.* FROM console_api_token t JOIN console_user u ON u.id = t.user_id WHERE u.username = ? ORDER BY t.id
                """, arguments: [username]).map {
                ConsoleAPIToken(id: $0["id"], username: username, name: $0["name"], createdAt: $0["created_at"], revokedAt: $0["revoked_at"])
            }
        }
    }

    public func revokeAPIToken(id: Int64, of username: String) async throws {
        let now = clock().milliseconds
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE console_api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL
                AND user_id = (SELECT id FROM console_user WHERE username = ?)
                """, arguments: [now, id, username])
            guard db.changesCount == 1 else { throw StorageError("\(username) has no live API token \(id)") }
        }
    }

    public func protectedStaff() async throws -> [ProtectedStaff] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT userid, viewers FROM protected_staff ORDER BY userid").map {
                ProtectedStaff(userid: $0["userid"], viewers: Self.strings($0["viewers"]))
            }
        }
    }

    /// Protects an employee (or, with no viewers, lifts the protection).
    public func setProtectedStaff(_ entry: ProtectedStaff) async throws {
        let now = clock().milliseconds
        try await pool.write { db in
            if entry.viewers.isEmpty {
                try db.execute(sql: "DELETE FROM protected_staff WHERE userid = ?", arguments: [entry.userid])
            } else {
                try db.execute(sql: """
                    INSERT INTO protected_staff (userid, viewers, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT (userid) DO UPDATE SET viewers = excluded.viewers, updated_at = excluded.updated_at
                    """, arguments: [entry.userid, JSONText.array(entry.viewers), now])
            }
        }
    }

    static func user(db: Database, sql: String, _ argument: some DatabaseValueConvertible) throws -> ConsoleUser? {
        try Row.fetchOne(db, sql: sql, arguments: [argument]).map(consoleUser)
    }

    static func consoleUser(_ row: Row) -> ConsoleUser {
        ConsoleUser(id: row["id"], username: row["username"], displayName: row["display_name"], passwordHash: row["password_hash"],
                    roles: strings(row["roles"]), departments: numbers(row["departments"]), mayUnmask: row["may_unmask"],
                    disabled: row["disabled"], failedLogins: row["failed_logins"], lockedUntil: row["locked_until"],
                    hasTOTP: !(row["totp_secret"] as DatabaseValue).isNull,
                    createdAt: row["created_at"], updatedAt: row["updated_at"])
    }

    static func strings(_ json: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? []
    }

    static func numbers(_ json: String) -> [Int64] {
        (try? JSONDecoder().decode([Int64].self, from: Data(json.utf8))) ?? []
    }

    static func jsonNumbers(_ numbers: [Int64]) -> String {
        "[" + numbers.map(String.init).joined(separator: ",") + "]"
    }
}
