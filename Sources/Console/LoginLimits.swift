import Foundation

/// How hard sign-in may be pushed: bcrypt's share of the machine and the in-memory throttles in front of the account
/// lockout. Derived from ``ConsoleConfig`` (`lockoutThreshold`, `lockoutMinutes`) and the number of processors.
///
/// ## Topics
/// - ``init(config:bcryptCost:processors:)``
package struct LoginLimits: Sendable, Hashable {
    /// Password checks (bcrypt) running at once, each on a thread of its own, outside Swift's cooperative pool and NIO's
    /// event loops: about half the processors, so serving other requests keeps the rest. Default `max(1, processors / 2)`.
    package var concurrentChecks: Int
    /// Sign-ins that may wait for a check; more are answered 503 with Retry-After. Default about four seconds of checks:
    /// `16 × concurrentChecks` at bcrypt cost 12, twice as many for each step below (at most 4,096 per check running).
    package var waitingChecks: Int
    /// Attempts one client address may make on one username within ``window`` (sliding). Kept below the lockout threshold,
    /// so one address alone cannot lock an account. Default `max(1, lockoutThreshold − 1)`.
    package var attemptsPerAccountAndAddress: Int
    /// Failed attempts one client address may make within ``window`` on all usernames together, known or not (a bucket
    /// that refills over the window); more are answered 429 with Retry-After. Default `max(20, 4 × lockoutThreshold)`.
    package var attemptsPerAddress: Int
    /// The throttles' window in seconds: the lockout period plus a minute, so the address throttle's window always covers
    /// the store's whatever the two clocks say.
    package var window: TimeInterval
    /// Addresses, and address–username pairs, tracked at most (each). When full even after idle ones are forgotten, a new
    /// one goes untracked: the account lockout still applies. Default 10,000.
    package var trackedKeys: Int

    package init(concurrentChecks: Int, waitingChecks: Int, attemptsPerAccountAndAddress: Int, attemptsPerAddress: Int,
                 window: TimeInterval, trackedKeys: Int = 10_000) {
        self.concurrentChecks = max(1, concurrentChecks)
        self.waitingChecks = max(0, waitingChecks)
        self.attemptsPerAccountAndAddress = max(1, attemptsPerAccountAndAddress)
        self.attemptsPerAddress = max(1, attemptsPerAddress)
        self.window = max(1, window)
        self.trackedKeys = max(1, trackedKeys)
    }

    /// The defaults for a configuration and the bcrypt cost new passwords get.
    package init(config: ConsoleConfig, bcryptCost: UInt8 = 12, processors: Int = ProcessInfo.processInfo.activeProcessorCount) {
        let concurrent = max(1, processors / 2)
        let waitingPerCheck = 16 << min(8, max(0, 12 - Int(bcryptCost)))
        self.init(concurrentChecks: concurrent, waitingChecks: waitingPerCheck * concurrent,
                  attemptsPerAccountAndAddress: max(1, config.lockoutThreshold - 1),
                  attemptsPerAddress: max(20, 4 * config.lockoutThreshold),
                  window: TimeInterval(config.lockoutMinutes) * 60 + 60)
    }
}
