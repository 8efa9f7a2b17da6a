import Foundation
import HummingbirdBcrypt

/// Runs bcrypt where it cannot stall the server: on threads of its own, a bounded number at a time, with a bounded queue.
///
/// A bcrypt check at cost 12 keeps a core busy for about a quarter of a second. Run inline, it occupies a thread of
/// Swift's cooperative pool (one per core), and a few anonymous sign-ins stall every other request, `/healthz`
/// included. Here each check gets a fresh thread (its cost is nothing next to bcrypt's), at most
/// ``LoginLimits/concurrentChecks`` at once; at most ``LoginLimits/waitingChecks`` sign-ins wait for a turn, in order,
/// and the next is refused with ``AccountService/LoginError/busy(retryAfterSeconds:)`` (503 with Retry-After).
///
/// ## Topics
/// - ``withTurn(_:)``
/// - ``verify(_:hash:)``
/// - ``decoyHash()``
package actor PasswordChecker {
    private let concurrent: Int
    private let waiting: Int
    /// `Bcrypt.verify`, or a test's stand-in.
    private let verifyPassword: @Sendable (String, String) -> Bool
    private let decoyCost: UInt8
    private var decoy: String?
    private var running = 0
    private var queue: [CheckedContinuation<Void, Never>] = []

    /// - Parameters:
    ///   - verifyPassword: checks a password against a hash; it runs on the checker's own threads.
    ///   - decoyCost: the bcrypt cost of ``decoyHash()``: the cost new passwords are hashed with.
    package init(limits: LoginLimits, decoyCost: UInt8,
                 verifyPassword: @escaping @Sendable (String, String) -> Bool = { Bcrypt.verify($0, hash: $1) }) {
        concurrent = limits.concurrentChecks
        waiting = limits.waitingChecks
        self.decoyCost = decoyCost
        self.verifyPassword = verifyPassword
    }

    /// Runs `body` (which checks passwords with ``verify(_:hash:)``) once a turn is free.
    /// - Throws: ``AccountService/LoginError/busy(retryAfterSeconds:)`` without running `body` when the queue is full;
    ///   whatever `body` throws.
    package func withTurn<Value: Sendable>(_ body: @Sendable () async throws -> Value) async throws -> Value {
        if running < concurrent {
            running += 1
        } else {
            guard queue.count < waiting else { throw AccountService.LoginError.busy(retryAfterSeconds: 1) }
            // The turn is handed over by the one that ends: `running` already counts this one when it resumes.
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in queue.append(continuation) }
        }
        defer { endTurn() }
        return try await body()
    }

    private func endTurn() {
        if queue.isEmpty {
            running -= 1
        } else {
            queue.removeFirst().resume()
        }
    }

    /// How many checks run and wait (for tests).
    package var load: (running: Int, waiting: Int) { (running, queue.count) }

    /// Checks `password` against a bcrypt `hash` on a thread of its own. Call it within ``withTurn(_:)``.
    package nonisolated func verify(_ password: String, hash: String) async -> Bool {
        let verifyPassword = self.verifyPassword
        return await Self.onOwnThread { verifyPassword(password, hash) }
    }

    /// A hash of a random secret at the cost real passwords have: checking a password against it takes as long as a
    /// real check, so an unknown username or a locked account takes as long to refuse as a wrong password.
    package func decoyHash() async -> String {
        if let decoy { return decoy }
        let cost = decoyCost
        let made = await Self.onOwnThread { Bcrypt.hash(SecretToken.generate(), cost: cost) }
        if decoy == nil { decoy = made }
        return decoy ?? made
    }

    /// Runs blocking `work` on a new thread, off Swift's cooperative pool and NIO's event loops.
    private static func onOwnThread<Value: Sendable>(_ work: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: work()) }
        }
    }
}
