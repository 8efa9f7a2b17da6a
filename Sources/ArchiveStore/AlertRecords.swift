import Foundation

/// An alert as a risk officer works it.
public struct AlertRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var conversation: String?
    public var category: String
    public var severity: String
    public var status: String
    public var assignee: String?
    public var sender: String
    public var firstMsgtime: Int64
    public var lastMsgtime: Int64
    public var hitCount: Int
    public var createdAt: Int64
    public var updatedAt: Int64
    /// The text to announce instead of one made from the fields (the weekly digest); only on outbox items.
    public var message: String? = nil

    package init(id: Int64, conversation: String?, category: String, severity: String, status: String, assignee: String?,
                 sender: String, firstMsgtime: Int64, lastMsgtime: Int64, hitCount: Int, createdAt: Int64, updatedAt: Int64,
                 message: String? = nil) {
        self.id = id
        self.conversation = conversation
        self.category = category
        self.severity = severity
        self.status = status
        self.assignee = assignee
        self.sender = sender
        self.firstMsgtime = firstMsgtime
        self.lastMsgtime = lastMsgtime
        self.hitCount = hitCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.message = message
    }
}

/// One hit of an alert, with the matched text read from the unsealed message.
public struct AlertHit: Sendable, Hashable, Codable {
    public var msgid: String
    public var rule: String
    public var severity: String
    public var match: String
    public var start: Int
    public var end: Int
    public var policyVersion: Int

    package init(msgid: String, rule: String, severity: String, match: String, start: Int, end: Int, policyVersion: Int) {
        self.msgid = msgid
        self.rule = rule
        self.severity = severity
        self.match = match
        self.start = start
        self.end = end
        self.policyVersion = policyVersion
    }
}

public struct AlertEvent: Sendable, Hashable, Codable {
    public var at: Int64
    public var actor: String
    public var action: String
    public var note: String?

    package init(at: Int64, actor: String, action: String, note: String? = nil) {
        self.at = at
        self.actor = actor
        self.action = action
        self.note = note
    }
}

/// What can happen to an alert.
public enum AlertAction: String, Sendable, CaseIterable {
    case assign, acknowledge, resolve, falsePositive = "false-positive", reopen, note

    /// The status the action leads to (`nil`: unchanged).
    package var status: String? {
        switch self {
        case .assign: "assigned"
        case .acknowledge: "acknowledged"
        case .resolve: "resolved"
        case .falsePositive: "false-positive"
        case .reopen: "open"
        case .note: nil
        }
    }

    /// Statuses the action may start from.
    package var allowedFrom: Set<String> {
        switch self {
        case .assign, .acknowledge, .resolve, .falsePositive: ["open", "assigned", "acknowledged"]
        case .reopen: ["resolved", "false-positive"]
        case .note: ["open", "assigned", "acknowledged", "resolved", "false-positive"]
        }
    }
}

/// A notification waiting in the outbox.
public struct OutboxItem: Sendable, Hashable {
    public var id: Int64
    public var channel: String
    public var attempts: Int
    public var alert: AlertRecord
    /// Particular people to notify (reply-timeout reminders); nil: the channel's standing recipients.
    public var recipients: [String]?

    package init(id: Int64, channel: String, attempts: Int, alert: AlertRecord, recipients: [String]?) {
        self.id = id
        self.channel = channel
        self.attempts = attempts
        self.alert = alert
        self.recipients = recipients
    }
}
