import Foundation
import Logging
import Storage

/// Delivers queued alerts to their channels; failures stay in the outbox and are retried with backoff.
public struct AlertDispatcher: Sendable {
    public var store: SQLiteArchiveStore
    public var channels: [String: any AlertChannel]
    public var interval: Duration
    public var logger: Logger

    public init(store: SQLiteArchiveStore, channels: [any AlertChannel], interval: Duration = .milliseconds(200),
                logger: Logger = Logger(label: "chatledger.alerts")) {
        self.store = store
        self.channels = Dictionary(channels.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.interval = interval
        self.logger = logger
    }

    /// Delivers everything due now. - Returns: (delivered, failed).
    @discardableResult
    public func deliverDue() async throws -> (delivered: Int, failed: Int) {
        var delivered = 0
        var failed = 0
        for item in try await store.dueOutbox() {
            guard let channel = channels[item.channel] else {
                try await store.recordDelivery(outboxID: item.id, error: "no channel named \(item.channel) is configured")
                failed += 1
                continue
            }
            do {
                if let recipients = item.recipients, !recipients.isEmpty {
                    try await channel.deliver(item.alert, to: recipients)
                } else {
                    try await channel.deliver(item.alert)
                }
                try await store.recordDelivery(outboxID: item.id, error: nil)
                delivered += 1
            } catch {
                logger.warning("chatledger.alerts.delivery_failed", metadata: [
                    "chatledger.alerts.channel": "\(item.channel)", "chatledger.alerts.attempt": "\(item.attempts + 1)",
                ])
                try await store.recordDelivery(outboxID: item.id, error: "\(error)")
                failed += 1
            }
        }
        return (delivered, failed)
    }

    /// Runs until cancelled.
    public func run() async {
        while !Task.isCancelled {
            do { try await deliverDue() } catch {
                logger.error("chatledger.alerts.dispatch_failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
