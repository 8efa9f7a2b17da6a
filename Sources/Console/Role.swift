/// What a console user is for. Separation of duties: administrators configure, they do not read chats,
/// unless an auditor or manager role is granted as well.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    /// Configuration and users; no chat content.
    case admin
    /// Content in scope, alerts, the audit log, evidence export.
    case auditor
    /// Content and statistics of their own departments.
    case manager
    /// Quality review: reads only the conversations of the samples it scores, in scope (through
    /// ``AccessPolicy/Purpose/review(conversation:employee:)``), never the archive at large.
    case qa
    /// Statistics only.
    case viewer

    var permissions: Set<Permission> {
        switch self {
        case .admin: [.administer, .viewAudit, .viewStatistics]
        case .auditor: [.readContent, .workAlerts, .viewAudit, .viewStatistics, .exportEvidence]
        case .manager: [.readContent, .workAlerts, .viewStatistics]
        case .qa: [.reviewQuality, .viewStatistics]
        case .viewer: [.viewStatistics]
        }
    }
}

/// One thing a user may do; roles grant sets of them.
public enum Permission: String, Sendable, Hashable, Codable, CaseIterable {
    /// Conversations, messages, search, media (within scope, never protected staff one is not named for).
    case readContent
    /// The alert queue (within scope): assign, acknowledge, resolve.
    case workAlerts
    case viewStatistics
    case viewAudit
    case exportEvidence
    case reviewQuality
    /// Users, roles, scopes, protected staff, policies, connection settings.
    case administer
}
