import Alerts
import ArchiveStore
import Crypto
import Foundation
import Ingest
import Logging
import ServiceLifecycle

/// The long-running services of `serve` and `demo`, named and built in one place so the two cannot drift: signed
/// checkpoints (with the RFC 3161 authority when one is configured), alert delivery, reply-timeout tracking, the weekly
/// digest and the pull loop.
struct ArchiveServices: Sendable {
    let store: any AnyArchive
    let signingKey: Curve25519.Signing.PrivateKey
    /// The time-stamping step of every checkpoint, when a TSA is configured.
    let timestamp: (@Sendable ([UInt8]) async throws -> [UInt8]?)?
    let logger: Logger

    /// A signed checkpoint follows new ledger leaves (audit events included) within a second; an unchanged tree writes
    /// none. On PostgreSQL every process runs this: the ledger lock serializes them.
    func checkpoints() -> ClosureService {
        let (store, signingKey, timestamp, logger) = (self.store, self.signingKey, self.timestamp, self.logger)
        return ClosureService(name: "checkpoints") {
            while !Task.isCancelled {
                do { try await store.writeCheckpoint(signingKey: signingKey, timestamp: timestamp) } catch {
                    logger.error("chatledger.checkpoint.failed", metadata: ["error": "\(error)"])
                }
                // Shutdown cancels the sleep: end quietly, or the group treats it as a failure and cancels the rest.
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Alerts, reply-timeout notices and the digest wait in the outbox until a channel takes them.
    func alertDelivery(channels: [any AlertChannel]) -> ClosureService {
        let dispatcher = AlertDispatcher(store: store, channels: channels, logger: logger)
        return ClosureService(name: "alerts") { await dispatcher.run() }
    }

    /// Reply waits are tracked for the whole history; notices go out only for waits due after `noticesFrom`.
    func replyTimeouts(channels: [String], noticesFrom: Int64) -> ClosureService {
        let (store, logger) = (self.store, self.logger)
        return ClosureService(name: "reply-timeouts") {
            await ReplyTimeoutTracker(store: store, channels: channels, noticesFrom: noticesFrom, logger: logger).run()
        }
    }

    func weeklyDigest(channels: [String]) -> ClosureService {
        let (store, logger) = (self.store, self.logger)
        return ClosureService(name: "weekly-digest") { await WeeklyDigest.run(store: store, channels: channels, logger: logger) }
    }

    /// The pull loop (under the ingest lease on PostgreSQL). A lost lease or a failed pull must not take the console
    /// down: it is logged and the loop waits for the lease again; the cursor has not moved, so nothing is skipped.
    func pull(_ ingest: LeasedIngest) -> ClosureService {
        let logger = self.logger
        return ClosureService(name: "ingest") {
            while !Task.isCancelled {
                do { try await ingest.pull() } catch is CancellationError {} catch {
                    logger.error("chatledger.ingest.failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: .seconds(5))
            }
        }
    }
}
