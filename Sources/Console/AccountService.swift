import ArchiveStore
import Foundation
import HummingbirdBcrypt
import HummingbirdOTP

/// Sign-in: password (bcrypt), lockout after repeated failures, optional TOTP, sessions and API tokens.
///
/// How guessing is limited, and why a guesser cannot keep someone else out for good:
/// - **Every attempt is counted before its password is checked**, atomically in the store
///   (``ConsoleAccountStore/reserveLoginAttempt(of:threshold:lockFor:)``): however many requests run at once, at most
///   `lockoutThreshold` passwords are checked per account per `lockoutMinutes`, from all addresses together. Then the
///   account is locked for `lockoutMinutes`; a success clears the count, and after a lock the count starts afresh.
/// - **Each client address is throttled first** (``LoginThrottle``): on one username it gets fewer attempts than the
///   threshold within a window longer than the lockout's, so a single address can never lock an account (through one
///   `serve` process), however patiently it tries; on all usernames together it gets a bucket of attempts, then 429.
///   Locking an account out takes several addresses — the price of a lock that bounds guessing whatever the addresses,
///   which is what it is for. An administrator ends a lock with `chatledger user passwd`.
/// - **Unknown usernames, wrong passwords, locked accounts, a wrong or reused code and a throttled address–username
///   pair all get the same answer** (``LoginError/badCredentials``, one text) after the same work (a bcrypt check; the
///   decoy hash has the cost real ones have), so neither the answer nor its time tells whether a name exists. Only the
///   right password learns more (a code is needed, or the account is disabled).
/// - **bcrypt runs on threads of its own**, a bounded number at a time, behind a bounded queue (``PasswordChecker``):
///   sign-ins cannot stall other requests; past the queue they get 503 with Retry-After.
/// - **A TOTP code is accepted once**: the time step it belongs to must be newer than the last one used
///   (``ConsoleAccountStore/acceptTOTPStep(_:of:)``), and codes are compared in constant time.
public struct AccountService: Sendable {
    public let store: any ConsoleArchive
    public let config: ConsoleConfig
    /// The bcrypt cost; tests lower it.
    public let bcryptCost: UInt8
    /// Per-address limits; shared by every copy of this service.
    package let throttle: LoginThrottle
    /// Where bcrypt runs; shared by every copy of this service.
    package let passwords: PasswordChecker

    public init(store: any ConsoleArchive, config: ConsoleConfig, bcryptCost: UInt8 = 12) {
        self.init(store: store, config: config, bcryptCost: bcryptCost, limits: LoginLimits(config: config, bcryptCost: bcryptCost))
    }

    /// - Parameters:
    ///   - limits: the throttles and bcrypt's share of the machine.
    ///   - verifyPassword: checks a password against a bcrypt hash (tests count and time the checks).
    package init(store: any ConsoleArchive, config: ConsoleConfig, bcryptCost: UInt8 = 12, limits: LoginLimits,
                 verifyPassword: @escaping @Sendable (String, String) -> Bool = { Bcrypt.verify($0, hash: $1) }) {
        self.store = store
        self.config = config
        self.bcryptCost = bcryptCost
        throttle = LoginThrottle(limits: limits)
        passwords = PasswordChecker(limits: limits, decoyCost: bcryptCost, verifyPassword: verifyPassword)
        // Made now, in the background: made on the first unknown name, it would make that answer slower than any other.
        let passwords = self.passwords
        Task { _ = await passwords.decoyHash() }
    }

    public enum LoginError: Error, Sendable, Equatable, CustomStringConvertible {
        /// A wrong username, password or code, a locked account or a throttled address: deliberately one answer.
        case badCredentials
        case needsOneTimeCode
        case disabled
        /// This client address made too many attempts; it may try again after that many seconds.
        case throttled(retryAfterSeconds: Int)
        /// Too many sign-ins wait for a password check; try again after that many seconds.
        case busy(retryAfterSeconds: Int)

        public var description: String {
            switch self {
            case .badCredentials:
                "wrong username, password or code; after repeated failures sign-in is paused for a while (an administrator can end it with `chatledger user passwd`)"
            case .needsOneTimeCode: "this account needs the 6-digit code from its authenticator app (field `otp`)"
            case .disabled: "this account is disabled"
            case .throttled(let seconds): "too many sign-in attempts from your address; try again in \(seconds) seconds"
            case .busy(let seconds): "too many sign-ins at once; try again in \(seconds) seconds"
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
    /// - Parameters:
    ///   - clientAddress: the client's IP address, for the per-address throttle; `nil` (a Unix socket, tests in process)
    ///     leaves only the account lockout.
    ///   - now: the time for the throttle and the one-time code.
    /// - Throws: ``LoginError``: ``LoginError/badCredentials`` alike for every failure that does not prove the password,
    ///   ``LoginError/throttled(retryAfterSeconds:)`` and ``LoginError/busy(retryAfterSeconds:)`` before any check.
    public func login(username: String, password: String, oneTimeCode: String?, clientAddress: String? = nil,
                      now: Date = Date()) async throws -> NewSession {
        let address = clientAddress.map(LoginThrottle.key(forAddress:))
        if let address {
            switch await throttle.admit(address: address, username: username, now: now) {
            case .admitted: break
            case .refusedForAccount: throw LoginError.badCredentials
            case .refusedForAddress(let seconds): throw LoginError.throttled(retryAfterSeconds: seconds)
            }
        }
        do {
            let session = try await authenticate(username: username, password: password, oneTimeCode: oneTimeCode, now: now)
            if let address { await throttle.succeeded(address: address, username: username, now: now) }
            return session
        } catch LoginError.busy(let seconds) {
            // Nothing was checked or counted: the attempt is given back.
            if let address { await throttle.withdraw(address: address, username: username, now: now) }
            throw LoginError.busy(retryAfterSeconds: seconds)
        }
    }

    /// One turn of the password checker from the count to the session: a sign-in clears its count before the next
    /// attempt waiting in this process is counted, so people signing in to one account at once do not lock it.
    private func authenticate(username: String, password: String, oneTimeCode: String?, now: Date) async throws -> NewSession {
        try await passwords.withTurn { [self] in
            let user = try await checkPassword(username: username, password: password)
            // The password is right: what follows tells only someone who knows it.
            guard !user.disabled else { throw LoginError.disabled }
            if user.hasTOTP {
                guard let code = oneTimeCode?.trimmingCharacters(in: .whitespaces), !code.isEmpty else { throw LoginError.needsOneTimeCode }
                guard let secret = try await store.totpSecret(of: username), let step = Self.matchingStep(code, secret: secret, at: now) else {
                    throw LoginError.badCredentials
                }
                // A code works once: its step must be newer than the last one used.
                guard try await store.acceptTOTPStep(step, of: username) else { throw LoginError.badCredentials }
            }
            let session = NewSession(token: SecretToken.generate(), csrf: SecretToken.generate(), user: user)
            try await store.openSession(for: username, tokenHash: SecretToken.hash(session.token), csrf: session.csrf,
                                        lifetime: Int64(config.sessionHours) * 3_600_000)
            return session
        }
    }

    /// Counts the attempt, then checks the password: the user when it is right.
    /// - Throws: ``LoginError/badCredentials`` alike for an unknown name, a locked account and a wrong password, after
    ///   the same work.
    private func checkPassword(username: String, password: String) async throws -> ConsoleUser {
        // Counted before the check, so parallel attempts cannot overtake the lockout.
        switch try await store.reserveLoginAttempt(of: username, threshold: config.lockoutThreshold,
                                                   lockFor: Int64(config.lockoutMinutes) * 60_000) {
        case .unknownUser, .locked:
            // The same work and the same answer as a wrong password: nothing tells the name exists or is locked.
            _ = await passwords.verify(password, hash: await passwords.decoyHash())
            throw LoginError.badCredentials
        case .reserved(let user):
            guard await passwords.verify(password, hash: user.passwordHash) else { throw LoginError.badCredentials }
            return user
        }
    }

    /// The TOTP time step (Unix time / 30 s) whose code `code` is: the current one or the one before or after it (clocks
    /// drift; codes take time to type). Every candidate is compared, in constant time; `nil` when none matches.
    static func matchingStep(_ code: String, secret: String, at date: Date) -> Int64? {
        let current = Int64((date.timeIntervalSince1970 / 30).rounded(.down))
        let generator = HOTP(secret: secret)
        var matched: Int64?
        for step in max(0, current - 1)...max(0, current + 1) {
            let value = String(generator.compute(counter: UInt64(step)))
            let expected = String(repeating: "0", count: max(0, 6 - value.count)) + value
            if SecretToken.equal(code, expected) { matched = step }
        }
        return matched
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

    /// A new random TOTP secret (printable, as HummingbirdOTP takes it) and the URL authenticator apps scan.
    public static func newTOTP(for username: String) -> (secret: String, url: String) {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var generator = SystemRandomNumberGenerator()
        let secret = String((0..<20).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
        return (secret, TOTP(secret: secret).createAuthenticatorURL(label: username, issuer: "ChatLedger"))
    }
}
