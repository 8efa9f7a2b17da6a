/// A console user as stored. Roles are names (`admin`, `auditor`, `manager`, `qa`, `viewer`); the Console
/// module gives them meaning.
public struct ConsoleUser: Sendable, Hashable {
    public var id: Int64
    public var username: String
    public var displayName: String
    public var passwordHash: String
    public var roles: [String]
    /// Departments in scope, each with its sub-departments; `1` (WeCom's root) is the whole corp.
    public var departments: [Int64]
    /// Whether phone, ID-card and bank-card numbers are shown unmasked.
    public var mayUnmask: Bool
    public var disabled: Bool
    /// Sign-in attempts counted in the current lockout window, each before its password was checked; a sign-in clears them.
    public var failedLogins: Int
    /// Milliseconds; logins are refused until then.
    public var lockedUntil: Int64?
    /// Whether a second factor (TOTP) is required at login.
    public var hasTOTP: Bool
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(id: Int64 = 0, username: String, displayName: String, passwordHash: String, roles: [String],
                departments: [Int64], mayUnmask: Bool = false, disabled: Bool = false, failedLogins: Int = 0,
                lockedUntil: Int64? = nil, hasTOTP: Bool = false, createdAt: Int64 = 0, updatedAt: Int64 = 0) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.roles = roles
        self.departments = departments
        self.mayUnmask = mayUnmask
        self.disabled = disabled
        self.failedLogins = failedLogins
        self.lockedUntil = lockedUntil
        self.hasTOTP = hasTOTP
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// What ``ConsoleAccountStore/reserveLoginAttempt(of:threshold:lockFor:)`` decided about one sign-in attempt.
public enum LoginAttempt: Sendable, Hashable {
    /// The attempt is counted (and the account locked if it reached the threshold): its password may now be checked,
    /// once. The user is as it now stands, the attempt included in ``ConsoleUser/failedLogins``.
    case reserved(ConsoleUser)
    /// The account is locked until then (milliseconds): no password may be checked.
    case locked(until: Int64)
    /// No user has this name.
    case unknownUser
}

/// What may change about a user; `nil` leaves a field as it is.
public struct ConsoleUserChange: Sendable, Hashable {
    public var displayName: String?
    public var passwordHash: String?
    public var roles: [String]?
    public var departments: [Int64]?
    public var mayUnmask: Bool?
    public var disabled: Bool?
    /// `.some(nil)` removes the second factor.
    public var totpSecret: String??

    public init(displayName: String? = nil, passwordHash: String? = nil, roles: [String]? = nil, departments: [Int64]? = nil,
                mayUnmask: Bool? = nil, disabled: Bool? = nil, totpSecret: String?? = nil) {
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.roles = roles
        self.departments = departments
        self.mayUnmask = mayUnmask
        self.disabled = disabled
        self.totpSecret = totpSecret
    }
}

/// A signed-in browser session, found by the hash of its cookie.
public struct ConsoleSession: Sendable, Hashable {
    public var user: ConsoleUser
    public var csrf: String
    public var expiresAt: Int64

    package init(user: ConsoleUser, csrf: String, expiresAt: Int64) {
        self.user = user
        self.csrf = csrf
        self.expiresAt = expiresAt
    }
}

/// An API token's metadata (the secret itself is never stored).
public struct ConsoleAPIToken: Sendable, Hashable {
    public var id: Int64
    public var username: String
    public var name: String
    public var createdAt: Int64
    public var revokedAt: Int64?

    package init(id: Int64, username: String, name: String, createdAt: Int64, revokedAt: Int64? = nil) {
        self.id = id
        self.username = username
        self.name = name
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// An employee whose conversations only the named console users may read.
public struct ProtectedStaff: Sendable, Hashable, Codable {
    public var userid: String
    public var viewers: [String]

    public init(userid: String, viewers: [String]) {
        self.userid = userid
        self.viewers = viewers
    }
}
