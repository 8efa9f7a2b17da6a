import Alerts
import ArchiveStore
import Foundation
import Testing
import WeCom

/// What a failed delivery leaves in `alert_outbox.last_error` (and the log) never holds a URL's secret.
@Suite struct AlertSecretRedactionTests {
    /// An outbox of one item that keeps what the dispatcher reports.
    final class OneItemOutbox: AlertOutbox, @unchecked Sendable {
        let lock = NSLock()
        var errors: [String?] = []
        let item: OutboxItem

        init(channel: String) {
            item = OutboxItem(id: 1, channel: channel, attempts: 0, alert: AlertRecord(
                id: 7, conversation: nil, category: "abuse", severity: "high", status: "open", assignee: nil, sender: "zhangsan",
                firstMsgtime: 0, lastMsgtime: 0, hitCount: 1, createdAt: 0, updatedAt: 0), recipients: nil)
        }

        var firstError: String? { lock.withLock { errors.first ?? nil } }

        func deliverDue(limit: Int, _ deliver: @Sendable (OutboxItem) async -> String?) async throws -> (delivered: Int, failed: Int) {
            let error = await deliver(item)
            lock.withLock { errors.append(error) }
            return error == nil ? (1, 0) : (0, 1)
        }
    }

    /// Fails the way URLSession does: the error's text names the URL.
    struct UnreachableTransport: HTTPTransport {
        struct Failure: Error, CustomStringConvertible {
            var url: URL
            var description: String { "Could not connect (NSErrorFailingURLStringKey=\(url.absoluteString))" }
        }

        func send(method: String, url: URL, body: [UInt8]?, headers: [String: String]) async throws -> (status: Int, body: [UInt8]) {
            throw Failure(url: url)
        }
    }

    /// A channel whose own error text carries a secret-bearing URL.
    struct LeakyChannel: AlertChannel {
        struct Failure: Error, CustomStringConvertible {
            var description: String { "POST https://hooks.example/send?access_token=leaky-token-1 failed" }
        }

        var name: String { "leaky" }
        func deliver(_ alert: AlertRecord) async throws { throw Failure() }
    }

    @Test func theRobotsKeyStaysOutOfTheOutbox() async throws {
        let outbox = OneItemOutbox(channel: "wecom-robot")
        let robot = WeComRobotChannel(url: URL(string: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=robot-key-123")!,
                                      transport: UnreachableTransport())
        _ = try await AlertDispatcher(store: outbox, channels: [robot]).deliverDue()
        let error = try #require(outbox.firstError)
        #expect(!error.contains("robot-key-123"), "\(error)")
        #expect(error.contains("key=REDACTED"))
    }

    @Test func aWebhooksURLSecretStaysOutOfTheOutbox() async throws {
        let outbox = OneItemOutbox(channel: "webhook")
        let webhook = WebhookChannel(url: URL(string: "https://receiver.example/hook?token=hook-token-9")!, secret: "s",
                                     transport: UnreachableTransport())
        _ = try await AlertDispatcher(store: outbox, channels: [webhook]).deliverDue()
        let error = try #require(outbox.firstError)
        #expect(!error.contains("hook-token-9"), "\(error)")
    }

    @Test func anyChannelsErrorIsRedactedBeforeItIsStored() async throws {
        let outbox = OneItemOutbox(channel: "leaky")
        _ = try await AlertDispatcher(store: outbox, channels: [LeakyChannel()]).deliverDue()
        let error = try #require(outbox.firstError)
        #expect(!error.contains("leaky-token-1") && error.contains("access_token=REDACTED"), "\(error)")
    }
}
