import ArchiveModel
import ArchiveStore
import Console
import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import SQLiteStore
import Testing

/// Sign-in under attack: parallel guessing, one address trying to keep an account locked, spraying from one address,
/// probing which names exist, replaying a one-time code, and floods of bcrypt work.
///
/// Each test has an archive of its own with one user, `admin`, whose password "hash" is a marker the injected checker
/// recognises: the tests count (and hold) the password checks instead of running bcrypt.
@Suite struct LoginAbuseTests {
    static let password = "correct horse battery"
    static let userHash = "test-hash-of-admin"

    /// Records the password checks the service asks for.
    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var hashes: [String] = []
        private var running = 0
        private var mostRunning = 0
        private var onTaskThread = false
        private let gate: DispatchSemaphore?
        private let entered: AsyncStream<Void>.Continuation?

        /// - Parameters:
        ///   - gate: each check waits for a signal on it.
        ///   - entered: told when a check starts.
        init(gate: DispatchSemaphore? = nil, entered: AsyncStream<Void>.Continuation? = nil) {
            self.gate = gate
            self.entered = entered
        }

        func verify(_ password: String, _ hash: String) -> Bool {
            let inTask = withUnsafeCurrentTask { $0 != nil }
            lock.withLock {
                hashes.append(hash)
                running += 1
                mostRunning = max(mostRunning, running)
                if inTask { onTaskThread = true }
            }
            entered?.yield()
            gate?.wait()
            // As if hashing: checks that may overlap do.
            Thread.sleep(forTimeInterval: 0.002)
            lock.withLock { running -= 1 }
            return hash == LoginAbuseTests.userHash && password == LoginAbuseTests.password
        }

        /// Checks against `admin`'s own hash (not the decoy).
        var realChecks: Int { lock.withLock { hashes.filter { $0 == LoginAbuseTests.userHash }.count } }
        var checks: Int { lock.withLock { hashes.count } }
        var mostAtOnce: Int { lock.withLock { mostRunning } }
        /// Whether any check ran on a thread of Swift's cooperative pool (inside a task).
        var ranOnTaskThread: Bool { lock.withLock { onTaskThread } }
    }

    /// Time that moves only when told, for both the store and the throttle.
    final class ManualTime: @unchecked Sendable {
        private let lock = NSLock()
        private var current: Date
        init(_ start: Date) { current = start }
        var now: Date { lock.withLock { current } }
        func advance(by seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
    }

    /// A fresh archive with `admin`, and an account service over it.
    static func make(threshold: Int = 5, time: ManualTime? = nil, limits adjust: (inout LoginLimits) -> Void = { _ in },
                     recorder: Recorder = Recorder()) async throws -> (SQLiteArchiveStore, AccountService) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("login-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let clock: @Sendable () -> WeComTime
        if let time { clock = { WeComTime(date: time.now) } } else { clock = { WeComTime(date: Date()) } }
        let store = try SQLiteArchiveStore(path: folder.appendingPathComponent("a.sqlite").path, masterKey: .generate(), clock: clock)
        var config = ConsoleConfig()
        config.lockoutThreshold = threshold
        config.lockoutMinutes = 15
        var limits = LoginLimits(config: config, bcryptCost: 4, processors: 4)
        adjust(&limits)
        let accounts = AccountService(store: store, config: config, bcryptCost: 4, limits: limits,
                                      verifyPassword: { recorder.verify($0, $1) })
        try await store.addUser(ConsoleUser(username: "admin", displayName: "admin", passwordHash: userHash, roles: ["admin"], departments: [1]))
        return (store, accounts)
    }

    /// Runs `count` sign-in attempts at once; what each threw (nil: it signed in).
    static func burst(_ count: Int, _ attempt: @escaping @Sendable (Int) async throws -> Void) async -> [AccountService.LoginError?] {
        await withTaskGroup(of: AccountService.LoginError?.self) { group in
            for index in 0..<count {
                group.addTask {
                    do {
                        try await attempt(index)
                        return nil
                    } catch let error as AccountService.LoginError {
                        return error
                    } catch {
                        Issue.record(error)
                        return nil
                    }
                }
            }
            var outcomes: [AccountService.LoginError?] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
    }

    static func eventually(_ condition: () async -> Bool) async -> Bool {
        for _ in 0..<200_000 {
            if await condition() { return true }
            await Task.yield()
        }
        return false
    }

    /// Finding 8: the lock was checked before bcrypt and the failure recorded after, so 40 parallel guesses got 9 checks
    /// against a limit of 5. Each attempt is now counted before its check: at most `threshold`, from any number of addresses.
    @Test func aParallelBurstChecksNoMorePasswordsThanTheThreshold() async throws {
        let recorder = Recorder()
        let (store, accounts) = try await Self.make(threshold: 5, recorder: recorder)
        let outcomes = await Self.burst(40) { index in
            _ = try await accounts.login(username: "admin", password: "guess \(index)", oneTimeCode: nil,
                                         clientAddress: "10.0.\(index / 200).\(index % 200 + 1)")
        }
        #expect(outcomes.allSatisfy { $0 == AccountService.LoginError.badCredentials })
        #expect(recorder.realChecks == 5)
        let admin = try #require(try await store.user(named: "admin"))
        #expect(admin.failedLogins == 5 && admin.lockedUntil != nil)
        // Locked now: the right password is refused too, and not even checked.
        await #expect(throws: AccountService.LoginError.badCredentials) {
            try await accounts.login(username: "admin", password: Self.password, oneTimeCode: nil, clientAddress: "10.9.9.9")
        }
        #expect(recorder.realChecks == 5)
    }

    /// Finding 8: anyone could keep `admin` locked. One address gets fewer attempts on an account than the threshold,
    /// within a window longer than the lockout's: however it spaces its bursts, it never locks the account, and the owner
    /// signs in from elsewhere.
    @Test func oneAddressCannotKeepAnAccountLocked() async throws {
        let time = ManualTime(Date(timeIntervalSince1970: 1_763_000_000))
        let recorder = Recorder()
        let (store, accounts) = try await Self.make(threshold: 5, time: time, limits: { $0.attemptsPerAddress = 1_000 }, recorder: recorder)
        let window = LoginLimits(config: accounts.config).window
        for round in 0..<4 {
            let outcomes = await Self.burst(30) { index in
                _ = try await accounts.login(username: "admin", password: "guess \(round)-\(index)", oneTimeCode: nil,
                                             clientAddress: "203.0.113.7", now: time.now)
            }
            #expect(outcomes.allSatisfy { $0 == AccountService.LoginError.badCredentials })
            let admin = try #require(try await store.user(named: "admin"))
            #expect(admin.failedLogins == 4 && admin.lockedUntil == nil, "round \(round)")
            // The attacker's own next try, even with the right password, is answered like a wrong one.
            await #expect(throws: AccountService.LoginError.badCredentials) {
                try await accounts.login(username: "admin", password: Self.password, oneTimeCode: nil, clientAddress: "203.0.113.7", now: time.now)
            }
            time.advance(by: window + 1)
        }
        #expect(recorder.realChecks == 16)
        _ = try await accounts.login(username: "admin", password: Self.password, oneTimeCode: nil, clientAddress: "198.51.100.20", now: time.now)
        #expect(try await store.user(named: "admin")?.failedLogins == 0)
    }

    /// Finding 8: per-address throttling. The (N+1)th attempt from one address (on any names, known or not) is refused
    /// with a time to wait; another address is not affected, and the first may try again once the window has passed.
    @Test func oneAddressIsThrottledAcrossUsernamesAndOthersAreNot() async throws {
        let time = ManualTime(Date(timeIntervalSince1970: 1_763_000_000))
        let (_, accounts) = try await Self.make(time: time, limits: { $0.attemptsPerAddress = 3 })
        func attempt(_ username: String, from address: String) async -> AccountService.LoginError? {
            do {
                _ = try await accounts.login(username: username, password: "guess", oneTimeCode: nil, clientAddress: address, now: time.now)
                return nil
            } catch {
                return error as? AccountService.LoginError
            }
        }
        for username in ["admin", "nobody-1", "nobody-2"] {
            #expect(await attempt(username, from: "192.0.2.1") == .badCredentials)
        }
        let refused = await attempt("nobody-3", from: "192.0.2.1")
        guard case .throttled(let seconds) = refused else {
            Issue.record("the fourth attempt from one address was \(String(describing: refused)), not throttled")
            return
        }
        #expect(seconds > 0)
        #expect(await attempt("admin", from: "192.0.2.1") == .throttled(retryAfterSeconds: seconds))
        #expect(await attempt("nobody-3", from: "192.0.2.2") == .badCredentials)
        // One IPv6 subscriber (a /64) is one address; the next /64 is another.
        for username in ["a", "b", "c"] { #expect(await attempt(username, from: "2001:db8:1:2::1") == .badCredentials) }
        if case .throttled = await attempt("d", from: "2001:db8:1:2:ffff::9") {} else { Issue.record("the same /64 was not throttled") }
        #expect(await attempt("d", from: "2001:db8:1:3::1") == .badCredentials)
        time.advance(by: TimeInterval(seconds))
        #expect(await attempt("nobody-4", from: "192.0.2.1") == .badCredentials)
    }

    @Test func addressesAreKeyedPerIPv4AndPerIPv6Prefix() {
        #expect(LoginThrottle.key(forAddress: "192.0.2.1") == "192.0.2.1")
        #expect(LoginThrottle.key(forAddress: "::ffff:192.0.2.1") == "192.0.2.1")
        #expect(LoginThrottle.key(forAddress: "2001:DB8:1:2::1") == LoginThrottle.key(forAddress: "2001:0db8:0001:0002:ffff:ffff:ffff:ffff"))
        #expect(LoginThrottle.key(forAddress: "2001:db8:1:2::1") != LoginThrottle.key(forAddress: "2001:db8:1:3::1"))
        #expect(LoginThrottle.key(forAddress: "fe80::1%eth0") == LoginThrottle.key(forAddress: "fe80::2"))
        // A forwarded address's port does not make a fresh key.
        #expect(LoginThrottle.key(forAddress: "192.0.2.1:5678") == "192.0.2.1")
        #expect(LoginThrottle.key(forAddress: "[2001:db8:1:2::1]:443") == LoginThrottle.key(forAddress: "2001:db8:1:2::9"))
    }

    /// The throttle's memory is bounded: when its tables are full of live entries a new address goes untracked (never
    /// refused for want of room), and entries whose window has passed make room again.
    @Test func theThrottlesTablesAreBounded() async {
        let throttle = LoginThrottle(limits: LoginLimits(concurrentChecks: 1, waitingChecks: 1, attemptsPerAccountAndAddress: 1,
                                                         attemptsPerAddress: 1, window: 60, trackedKeys: 2))
        let start = Date(timeIntervalSince1970: 1_763_000_000)
        #expect(await throttle.admit(address: "a", username: "u", now: start) == .admitted)
        #expect(await throttle.admit(address: "b", username: "u", now: start) == .admitted)
        for _ in 0..<3 { #expect(await throttle.admit(address: "c", username: "u", now: start) == .admitted) }
        let tracked = await throttle.trackedCounts
        #expect(tracked.addresses == 2 && tracked.pairs == 2)
        #expect(await throttle.admit(address: "a", username: "u", now: start) == .refusedForAddress(retryAfterSeconds: 60))
        let later = start.addingTimeInterval(61)
        #expect(await throttle.admit(address: "c", username: "u", now: later) == .admitted)
        #expect(await throttle.admit(address: "c", username: "u", now: later) == .refusedForAddress(retryAfterSeconds: 60))
        #expect(await throttle.trackedCounts.addresses <= 2)
    }

    /// Finding 8: 423 told that a name exists. Now an unknown name, a wrong password and a locked account get the very
    /// same answer — status and body, byte for byte — however often the unknown name is tried.
    @Test func unknownNamesAndLockedAccountsGetByteIdenticalAnswers() async throws {
        let (store, accounts) = try await Self.make(threshold: 3)
        let services = ConsoleServices(store: store, blobs: nil, accounts: accounts, config: accounts.config,
                                       metrics: PrometheusCollectorRegistry(), logger: Logger(label: "test"))
        try await Application(router: ConsoleRouter.build(services: services)).test(.router) { client in
            func attempt(_ username: String, _ password: String) async throws -> String {
                let response = try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                                        body: ByteBuffer(string: #"{"username":"\#(username)","password":"\#(password)"}"#))
                return "\(response.status.code) \(String(buffer: response.body))"
            }
            let wrong = try await attempt("admin", "wrong password")
            let unknown = try await attempt("nobody", Self.password)
            for _ in 0..<2 { _ = try await attempt("admin", "wrong password") }
            #expect(try await store.user(named: "admin")?.lockedUntil != nil)
            let locked = try await attempt("admin", Self.password)
            var unknownLater = ""
            for _ in 0..<4 { unknownLater = try await attempt("nobody", Self.password) }
            #expect(unknown.hasPrefix("401 "))
            #expect(wrong == unknown)
            #expect(locked == unknown)
            #expect(unknownLater == unknown)
        }
    }

    /// Finding 9: the same TOTP code was accepted three times. A code's time step must be newer than the last one used:
    /// the same code, an older one, and the same code sent in parallel are accepted once.
    @Test func aOneTimeCodeIsAcceptedOnce() async throws {
        let (store, accounts) = try await Self.make(threshold: 20)
        let (secret, _) = AccountService.newTOTP(for: "admin")
        try await store.updateUser(named: "admin", ConsoleUserChange(totpSecret: .some(secret)))
        func code(_ date: Date) -> String { String(format: "%06d", TOTPReference.code(secret: secret, date: date)) }
        let start = Date(timeIntervalSince1970: 1_763_000_020)  // 10 s into a 30-second step
        let first = code(start)

        _ = try await accounts.login(username: "admin", password: Self.password, oneTimeCode: first, now: start)
        for offset in [0.0, 5, 40] {  // the same step, and the next one (the previous code is still in the drift window)
            await #expect(throws: AccountService.LoginError.badCredentials) {
                try await accounts.login(username: "admin", password: Self.password, oneTimeCode: first, now: start.addingTimeInterval(offset))
            }
        }
        let next = start.addingTimeInterval(30)
        _ = try await accounts.login(username: "admin", password: Self.password, oneTimeCode: code(next), now: next)
        // Once a newer step is used, an older code is refused even within the drift window.
        await #expect(throws: AccountService.LoginError.badCredentials) {
            try await accounts.login(username: "admin", password: Self.password, oneTimeCode: first, now: next)
        }

        let later = start.addingTimeInterval(90)
        let laterCode = code(later)
        let outcomes = await Self.burst(8) { _ in
            _ = try await accounts.login(username: "admin", password: Self.password, oneTimeCode: laterCode, now: later)
        }
        #expect(outcomes.filter { $0 == nil }.count == 1)
        #expect(outcomes.compactMap { $0 }.allSatisfy { $0 == .badCredentials })
    }

    /// Finding 8: bcrypt ran on request threads, so 24 anonymous sign-ins stalled `/healthz`. Checks now run on threads of
    /// their own (never inside a task), a bounded number at once, and a sign-in that finds the queue full is refused at
    /// once with 503 rather than waiting.
    @Test func passwordChecksRunOffTheCooperativePoolAndTheirQueueIsBounded() async throws {
        let gate = DispatchSemaphore(value: 0)
        let (entered, enteredContinuation) = AsyncStream<Void>.makeStream()
        let recorder = Recorder(gate: gate, entered: enteredContinuation)
        let (_, accounts) = try await Self.make(limits: { $0.concurrentChecks = 1; $0.waitingChecks = 2 }, recorder: recorder)
        async let held = Self.burst(3) { index in _ = try await accounts.login(username: "admin", password: "guess \(index)", oneTimeCode: nil) }
        for await _ in entered { break }
        #expect(await Self.eventually {
            let load = await accounts.passwords.load
            return load.running == 1 && load.waiting == 2
        })
        await #expect(throws: AccountService.LoginError.busy(retryAfterSeconds: 1)) {
            try await accounts.login(username: "admin", password: "guess 4", oneTimeCode: nil)
        }
        for _ in 0..<3 { gate.signal() }
        let outcomes = await held
        #expect(outcomes.allSatisfy { $0 == AccountService.LoginError.badCredentials })
        #expect(recorder.checks == 3 && recorder.mostAtOnce == 1)
        #expect(!recorder.ranOnTaskThread)
    }

    /// Many sign-ins at once keep to the configured number of checks running, all off the cooperative pool.
    @Test func concurrentChecksAreBounded() async throws {
        let recorder = Recorder()
        let (_, accounts) = try await Self.make(threshold: 1_000, limits: { $0.concurrentChecks = 2 }, recorder: recorder)
        let outcomes = await Self.burst(24) { index in
            _ = try await accounts.login(username: index.isMultiple(of: 2) ? "admin" : "nobody-\(index)", password: "guess", oneTimeCode: nil)
        }
        #expect(outcomes.allSatisfy { $0 == AccountService.LoginError.badCredentials })
        #expect(recorder.checks == 24 && recorder.mostAtOnce <= 2)
        #expect(!recorder.ranOnTaskThread)
    }
}
