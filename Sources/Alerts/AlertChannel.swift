import ArchiveStore
import Foundation
import WeCom

/// Somewhere an alert is announced. A channel that throws is retried later from the outbox.
public protocol AlertChannel: Sendable {
    var name: String { get }
    func deliver(_ alert: AlertRecord) async throws
    /// Delivers to particular people (a reply-timeout reminder to the employee, its escalation to the
    /// supervisor). Channels without personal addressing announce as usual.
    func deliver(_ alert: AlertRecord, to recipients: [String]) async throws
}

extension AlertChannel {
    public func deliver(_ alert: AlertRecord, to recipients: [String]) async throws { try await deliver(alert) }
}

/// The text an alert is announced with: category, severity, who and how often, never chat content
/// (a group robot or a webhook is not the place for customer conversations).
public enum AlertText {
    static let categoryNames = [
        "private-diversion": "私下引流", "side-deal": "私单飞单", "false-promise": "违规承诺", "abuse": "辱骂", "data-leak": "信息泄露",
        "reply-timeout": "客户等待回复超时",
    ]
    static let severityNames = ["low": "低", "medium": "中", "high": "高", "critical": "严重"]

    public static func summary(_ alert: AlertRecord, consoleURL: String?) -> String {
        if let message = alert.message {
            return message + (consoleURL.map { "\n报表：\($0)/reports" } ?? "")
        }
        if alert.category == "reply-timeout" {
            var text = alert.severity == "high"
                ? "【ChatLedger 超时升级 #\(alert.id)】员工 \(alert.sender) 的客户仍在等待回复，请督促处理。"
                : "【ChatLedger 超时提醒 #\(alert.id)】您有客户消息超时未回复，请尽快回复。"
            if let consoleURL { text += "\n查看：\(consoleURL)/alerts/\(alert.id)" }
            return text
        }
        let category = categoryNames[alert.category].map { "\($0)（\(alert.category)）" } ?? alert.category
        var text = "【ChatLedger 风险告警 #\(alert.id)】\(category)，风险等级\(severityNames[alert.severity] ?? alert.severity)，"
            + "发送人 \(alert.sender)，命中 \(alert.hitCount) 次。"
        if let consoleURL { text += "\n处理：\(consoleURL)/alerts/\(alert.id)" }
        return text
    }
}

/// Errors a channel reports; the dispatcher logs them and the outbox retries.
public struct AlertDeliveryError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// - Parameter message: what went wrong; secrets in URLs it names are redacted here (``SecretRedaction``).
    public init(_ message: String) { self.message = SecretRedaction.redact(message) }
    public var description: String { message }
}
