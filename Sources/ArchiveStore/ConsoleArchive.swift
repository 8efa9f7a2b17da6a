import ArchiveModel

/// Console accounts, browser sessions, API tokens and protected staff.
public protocol ConsoleAccountStore: Sendable {
    /// - Throws: ``StorageError`` when the username is taken.
    @discardableResult
    func addUser(_ user: ConsoleUser) async throws -> ConsoleUser
    func user(named username: String) async throws -> ConsoleUser?
    func users() async throws -> [ConsoleUser]
    /// A new password also ends a lockout and every session; disabling ends every session.
    /// - Throws: ``StorageError`` when there is no such user.
    @discardableResult
    func updateUser(named username: String, _ change: ConsoleUserChange) async throws -> ConsoleUser
    /// The user's TOTP secret, unsealed, when they have one.
    func totpSecret(of username: String) async throws -> String?
    /// Counts a failed login; locks the account for `lockFor` milliseconds once `threshold` failures are reached.
    @discardableResult
    func recordFailedLogin(of username: String, threshold: Int, lockFor: Int64) async throws -> ConsoleUser?
    /// Counts a sign-in attempt *before* its password is checked, so parallel attempts cannot overtake the lockout.
    ///
    /// Atomically: a locked account MUST be refused without counting. Otherwise the attempt MUST be counted — the first
    /// one after the previous window ended (`lockFor` milliseconds after it began) starts a new window at 1 — and once
    /// `threshold` attempts are counted in the window the account MUST be locked for `lockFor` milliseconds. However many
    /// attempts run at once, at most `threshold` are ``LoginAttempt/reserved(_:)`` per window. A successful sign-in
    /// (``openSession(for:tokenHash:csrf:lifetime:)``) clears the count.
    func reserveLoginAttempt(of username: String, threshold: Int, lockFor: Int64) async throws -> LoginAttempt
    /// Records that the user signed in with the TOTP code of time step `step` (Unix time / 30 s), only if it is newer than
    /// every step recorded before: atomically, so a code is accepted once however many requests carry it.
    /// - Returns: whether the step was newer (and is now recorded); `false` for a replayed code or an unknown user.
    func acceptTOTPStep(_ step: Int64, of username: String) async throws -> Bool
    /// Opens a session after a successful login (which also clears the failure count).
    func openSession(for username: String, tokenHash: String, csrf: String, lifetime: Int64) async throws
    /// The live session with this token hash; `nil` when unknown, expired or its user is disabled.
    func session(tokenHash: String) async throws -> ConsoleSession?
    func closeSession(tokenHash: String) async throws
    @discardableResult
    func addAPIToken(for username: String, name: String, tokenHash: String) async throws -> ConsoleAPIToken
    /// The user an unrevoked API token belongs to, unless they are disabled.
    func user(apiTokenHash: String) async throws -> ConsoleUser?
    func apiTokens(of username: String) async throws -> [ConsoleAPIToken]
    /// - Throws: ``StorageError`` when the user has no such live token.
    func revokeAPIToken(id: Int64, of username: String) async throws
    func protectedStaff() async throws -> [ProtectedStaff]
    /// Protects an employee (or, with no viewers, lifts the protection).
    func setProtectedStaff(_ entry: ProtectedStaff) async throws
}

/// Reading the audit trail (appending is ``LedgeredArchive/appendAudit(_:)``: every event is a ledger leaf).
public protocol AuditTrail: Sendable {
    /// Audit events, newest first, read from their sealed canonical form (the columns only select them).
    func auditEvents(_ filter: AuditFilter) async throws -> [StoredAuditEvent]
    func auditEventCount() async throws -> Int
}

/// Conversations and the directory as the console browses them.
public protocol ConversationCatalog: Sendable {
    /// Conversations, most recent first, with how many match in all.
    func conversations(_ filter: ConversationFilter) async throws -> (total: Int, conversations: [ConversationSummary])
    func conversation(id: String) async throws -> ConversationSummary?
    /// Everyone who took part — the one definition every surface uses: both parties of a single chat; a group's synced
    /// members and creator; and everyone who sent or received any of its messages (``ArchiveModel/ChatMessage/participants``,
    /// recorded with the message). ``ConversationFilter``'s scope and search's ``MessageQuery/hiddenParticipants`` count
    /// the same people. Empty for an unknown conversation.
    func participants(ofConversation id: String) async throws -> Set<String>
    /// A conversation's messages in time order, `limit` from `offset`.
    func messages(inConversation id: String, limit: Int, offset: Int) async throws -> [StoredMessage]
    func party(id: String) async throws -> DirectoryParty?
    /// Directory entries of one kind (`employee` or `contact`) whose name or id contains `text`.
    func directory(kind: String, matching text: String, limit: Int) async throws -> [DirectoryParty]
    func partyNames(_ ids: Set<String>) async throws -> [String: String]
    func departments() async throws -> [DirectorySnapshot.Department]
    func roomNames() async throws -> [String: String]
    /// Departments up the tree and their leaders, for reply-timeout escalation.
    func organisationFacts() async throws -> OrganisationFacts
    /// Conversations with messages in [since, until) and the employee responsible for each.
    func activeConversations(since: Int64, until: Int64) async throws -> [(conversation: String, employee: String)]
}

/// The alert queue as risk officers work it.
public protocol AlertDesk: Sendable {
    /// Alerts newest first; without a category, weekly digests are left out.
    func alerts(status: String?, category: String?, limit: Int) async throws -> [AlertRecord]
    /// One alert with its hits (matched text unsealed) and its history.
    func alert(id: Int64) async throws -> (AlertRecord, [AlertHit], [AlertEvent])?
    /// - Throws: ``StorageError`` when the alert does not exist or the action is not allowed from its status.
    func updateAlert(id: Int64, action: AlertAction, actor: String, assignee: String?, note: String?) async throws
    /// Queues the weekly digest once per week, whichever process asks first.
    /// - Returns: whether it was queued now.
    @discardableResult
    func queueDigest(weekStart: Int64, text: String, channels: [String]) async throws -> Bool
    func undeliveredCount() async throws -> Int
}

/// Reply-timeout settings, waits and their notices.
public protocol ReplyTimeoutStore: Sendable {
    func slaSettingsDocument() async throws -> (version: Int, document: [UInt8])?
    /// Stores new settings as the next version; every conversation is recomputed under them.
    @discardableResult
    func saveSLASettings(document: [UInt8], by actor: String) async throws -> Int
    /// Conversations waiting to be recomputed, with the generation seen.
    func dirtyConversations(limit: Int) async throws -> [(conversation: String, generation: Int64)]
    func replyFacts(conversation: String) async throws -> ConversationReplyFacts
    /// Replaces a conversation's waits (keeping sent marks), adjusts the daily reply aggregates and clears the dirty
    /// mark unless it was marked again meanwhile. - Returns: the conversation's pending waits as stored.
    @discardableResult
    func saveWaits(_ waits: [StoredWait], conversation: String, generation: Int64) async throws -> [StoredWait]
    /// Pending waits with a notice still to send, of those that began at `noticesFrom` or later (older ones are
    /// tracked and counted, never announced).
    func pendingWaits(since noticesFrom: Int64) async throws -> [StoredWait]
    /// Sends a notice exactly once (checked, marked and queued in one transaction).
    /// - Returns: the wait when the notice was sent now, else nil.
    @discardableResult
    func sendNotice(_ notice: ReplyNotice, forWait customerMsgid: String, channels: [String], noticesFrom: Int64) async throws -> StoredWait?
    /// Waits unanswered now past their threshold: by the business calendar, or counting every hour when `allHours`.
    func overdueWaits(allHours: Bool) async throws -> [StoredWait]
    /// Waits that began in [since, until), answered or not.
    func waits(since: Int64, until: Int64) async throws -> [StoredWait]
    /// Reply aggregates summed per employee over days in [sinceDay, untilDay).
    func replyTotals(sinceDay: String, untilDay: String, employees: Set<String>?) async throws -> [ReplyTotals]
}

/// Quality review samples and scores.
public protocol ReviewStore: Sendable {
    /// Adds samples for a period; one already sampled is kept. - Returns: how many were new.
    @discardableResult
    func addReviewSamples(_ samples: [(conversation: String, employee: String)], period: String) async throws -> Int
    /// Samples, newest first, with their latest score.
    func reviewSamples(period: String?, reviewed: Bool?, limit: Int) async throws -> [ReviewSample]
    func reviewSample(id: Int64) async throws -> ReviewSample?
    /// Records a review; a later one supersedes it and both are kept.
    func scoreReviewSample(id: Int64, reviewer: String, items: [String: Double], total: Double, comment: String?) async throws
}

/// The report aggregates.
public protocol InsightStore: Sendable {
    /// Aggregates for days in [sinceDay, untilDay); `employees` scopes them (nil: all).
    func insightTotals(sinceDay: String, untilDay: String, employees: Set<String>?) async throws -> InsightTotals
}

/// Facts for the administrator's status page.
public protocol ArchiveHousekeeping: Sendable {
    func dataKeyStatus() async throws -> [DataKeyStatus]
}

/// Changes that widen someone's access to content, held for a second administrator (four-eyes).
///
/// ``AccessChange/status`` is read as it stands at the store's clock: a pending change older than
/// ``AccessChange/lifetime`` reads as expired, and can no longer be decided.
public protocol AccessChangeStore: Sendable {
    /// Queues a change as pending; nothing is applied until it is approved.
    @discardableResult
    func requestAccessChange(kind: AccessChange.Kind, target: String, requestedBy: String, payload: AccessChangePayload)
        async throws -> AccessChange
    /// Changes, newest first; with a status, only those in it.
    func accessChanges(status: AccessChange.Status?, limit: Int) async throws -> [AccessChange]
    func accessChange(id: Int64) async throws -> AccessChange?
    /// Decides a pending change. Atomically: the change MUST still be pending and unexpired, and `decider` MUST be allowed
    /// (``AccessChange/refusal(of:by:)``); approving MUST apply the payload (the user's fields, as
    /// ``ConsoleAccountStore/updateUser(named:_:)`` does, or the protected employee's viewers, as
    /// ``ConsoleAccountStore/setProtectedStaff(_:)`` does) in the same transaction that marks it approved.
    /// - Returns: the change as decided.
    /// - Throws: ``StorageError`` (``StorageError/notFound`` when there is no such change, or no such user to apply it to)
    ///   when it is not pending, has expired (it is then marked expired), or `decider` may not take this decision.
    @discardableResult
    func decideAccessChange(id: Int64, _ decision: AccessChangeDecision, by decider: String, note: String?) async throws -> AccessChange
}

/// Everything the console and its background services need: the same on SQLite and PostgreSQL.
public typealias ConsoleArchive = ArchiveStore & SearchableArchive & LedgeredArchive & PolicyStore & AlertOutbox
    & ConsoleAccountStore & AuditTrail & ConversationCatalog & AlertDesk & ReplyTimeoutStore & ReviewStore & InsightStore
    & ArchiveHousekeeping & AccessChangeStore & CaseStore & EvidenceSource

extension ConversationCatalog {
    public func messages(inConversation id: String, limit: Int) async throws -> [StoredMessage] {
        try await messages(inConversation: id, limit: limit, offset: 0)
    }

    public func directory(kind: String, matching text: String = "") async throws -> [DirectoryParty] {
        try await directory(kind: kind, matching: text, limit: 200)
    }
}

extension AlertDesk {
    public func alerts(status: String? = nil, category: String? = nil) async throws -> [AlertRecord] {
        try await alerts(status: status, category: category, limit: 100)
    }

    public func updateAlert(id: Int64, action: AlertAction, actor: String) async throws {
        try await updateAlert(id: id, action: action, actor: actor, assignee: nil, note: nil)
    }
}

extension ReplyTimeoutStore {
    @discardableResult
    public func sendNotice(_ notice: ReplyNotice, forWait customerMsgid: String, channels: [String]) async throws -> StoredWait? {
        try await sendNotice(notice, forWait: customerMsgid, channels: channels, noticesFrom: .min)
    }
}

extension ReviewStore {
    public func reviewSamples(period: String? = nil, reviewed: Bool? = nil) async throws -> [ReviewSample] {
        try await reviewSamples(period: period, reviewed: reviewed, limit: 500)
    }
}

extension InsightStore {
    public func insightTotals(sinceDay: String, untilDay: String) async throws -> InsightTotals {
        try await insightTotals(sinceDay: sinceDay, untilDay: untilDay, employees: nil)
    }
}
