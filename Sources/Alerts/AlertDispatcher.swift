import ArchiveStore
import Foundation
import Logging
import WeCom

/// Delivers queued alerts to their channels; failures stay in the outbox and are retried with backoff.
public struct AlertDispatcher: Sendable {
    public var outbox: any AlertOutbox
    public var channels: [String: any AlertChannel]
    public var interval: Duration
    public var logger: Logger

    public init(store outbox: any AlertOutbox, channels: [any AlertChannel], interval: Duration = .milliseconds(200),
                logger: Logger = Logger(label: "chatledger.alerts")) {
        self.outbox = outbox
        self.channels = Dictionary(channels.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.interval = interval
        self.logger = logger
    }

    /// Delivers everything due now. - Returns: (delivered, failed).
    @discardableResult
    public func deliverDue() async throws -> (delivered: Int, failed: Int) {
        let channels = self.channels
        let logger = self.logger
        return try await outbox.deliverDue(limit: 100) { item in
            guard let channel = channels[item.channel] else { return "no channel named \(item.channel) is configured" }
            do {
                if let recipients = item.recipients, !recipients.isEmpty {
                    try await channel.deliver(item.alert, to: recipients)
                } else {
                    try await channel.deliver(item.alert)
                }
                return nil
            } catch {
                logger.warning("chatledger.alerts.delivery_failed", metadata: [
                    "chatledger.alerts.channel": "\(item.channel)", "chatledger.alerts.attempt": "\(item.attempts + 1)",
                ])
                // Kept in the outbox's last_error: never a URL's secret, whichever channel or transport wrote the text.
                return SecretRedaction.redact("\(error)")
            }
        }
    }

    /// Runs until cancelled.
    public func run() async {
        while !Task.isCancelled {
            do { try await deliverDue() } catch {
                logger.error("chatledger.alerts.dispatch_failed", metadata: ["error": "\(SecretRedaction.redact("\(error)"))"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
