import Foundation
import HummingbirdBcrypt
import HummingbirdOTP
import Storage

/// Sign-in: password (bcrypt), lockout after repeated failures, optional TOTP, sessions and API tokens.
public struct AccountService: Sendable {
    public let store: any ConsoleArchive
    public let config: ConsoleConfig
    /// The bcrypt cost; tests lower it.
    public let bcryptCost: UInt8

    public init(store: any ConsoleArchive, config: ConsoleConfig, bcryptCost: UInt8 = 12) {
        self.store = store
        self.config = config
        self.bcryptCost = bcryptCost
    }

    public enum LoginError: Error, Sendable, Equatable, CustomStringConvertible {
        case badCredentials
        case locked(untilMilliseconds: Int64)
        case needsOneTimeCode
        case disabled

        public var description: String {
            switch self {
            case .badCredentials: "wrong username or password"
            case .locked(let until):
                "this account is locked after repeated failed logins until \(Date(timeIntervalSince1970: Double(until) / 1000)); an administrator can unlock it with `chatledger user passwd`"
            case .needsOneTimeCode: "this account needs the 6-digit code from its authenticator app (field `otp`)"
            case .disabled: "this account is disabled"
            }
        }
    }

    /// A new session: the cookie value (only its hash is stored) and its CSRF token.
    public struct NewSession: Sendable {
        public var token: String
        public var csrf: String
        public var user: ConsoleUser
    }

    public func hashPassword(_ password: String) -> String { Bcrypt.hash(password, cost: bcryptCost) }

    /// Checks the password (and one-time code) and opens a session.
    /// - Throws: ``LoginError``; every failure with a known username counts towards the lockout.
    public func login(username: String, password: String, oneTimeCode: String?, now: Date = Date()) async throws -> NewSession {
        guard let user = try await store.user(named: username) else {
            // Spend the same time as a real check, so a response time does not tell which usernames exist.
            _ = Bcrypt.verify(password, hash: Self.decoyHash)
            throw LoginError.badCredentials
        }
        if let until = user.lockedUntil, until > Int64(now.timeIntervalSince1970 * 1000) { throw LoginError.locked(untilMilliseconds: until) }
        guard Bcrypt.verify(password, hash: user.passwordHash) else {
            try await fail(user)
            throw LoginError.badCredentials
        }
        guard !user.disabled else { throw LoginError.disabled }
        if user.hasTOTP {
            guard let code = oneTimeCode?.trimmingCharacters(in: .whitespaces), !code.isEmpty else { throw LoginError.needsOneTimeCode }
            guard let secret = try await store.totpSecret(of: username), Self.codeMatches(code, secret: secret, at: now) else {
                try await fail(user)
                throw LoginError.badCredentials
            }
        }
        let session = NewSession(token: SecretToken.generate(), csrf: SecretToken.generate(), user: user)
        try await store.openSession(for: username, tokenHash: SecretToken.hash(session.token), csrf: session.csrf,
                                    lifetime: Int64(config.sessionHours) * 3_600_000)
        return session
    }

    private func fail(_ user: ConsoleUser) async throws {
        try await store.recordFailedLogin(of: user.username, threshold: config.lockoutThreshold,
                                          lockFor: Int64(config.lockoutMinutes) * 60_000)
    }

    /// The current code or the one before or after it (clocks drift; codes take time to type).
    static func codeMatches(_ code: String, secret: String, at date: Date) -> Bool {
        let totp = TOTP(secret: secret)
        return [-30.0, 0, 30].contains { offset in
            String(format: "%06d", totp.compute(date: date.addingTimeInterval(offset))) == code
        }
    }

    /// Issues an API token for integrations; the secret is shown once and only its hash is kept.
    public func issueAPIToken(for username: String, name: String) async throws -> (token: String, record: ConsoleAPIToken) {
        let token = "clt_" + SecretToken.generate()
        let record = try await store.addAPIToken(for: username, name: name, tokenHash: SecretToken.hash(token))
        return (token, record)
    }

    /// Who a cookie or bearer token belongs to.
    public func principal(sessionToken: String?, bearerToken: String?) async throws -> Principal? {
        if let bearerToken {
            if bearerToken.hasPrefix("clt_") {
                return try await store.user(apiTokenHash: SecretToken.hash(bearerToken)).map { Principal(user: $0, credential: .apiToken) }
            }
            // A session token sent as a bearer (what login returns): no CSRF needed, a header cannot be forged cross-site.
            return try await store.session(tokenHash: SecretToken.hash(bearerToken)).map { Principal(user: $0.user, credential: .apiToken) }
        }
        if let sessionToken {
            let tokenHash = SecretToken.hash(sessionToken)
            return try await store.session(tokenHash: tokenHash).map {
                Principal(user: $0.user, credential: .session(csrf: $0.csrf, tokenHash: tokenHash))
            }
        }
        return nil
    }

    /// A bcrypt hash of nothing anyone types, verified against when the username is unknown.
    static let decoyHash = Bcrypt.hash(SecretToken.generate(), cost: 12)

    /// A new random TOTP secret (printable, as HummingbirdOTP takes it) and the URL authenticator apps scan.
    public static func newTOTP(for username: String) -> (secret: String, url: String) {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var generator = SystemRandomNumberGenerator()
        let secret = String((0..<20).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
        return (secret, TOTP(secret: secret).createAuthenticatorURL(label: username, issuer: "ChatLedger"))
    }
}
