import ArchiveModel
import ArchiveStore
import Decisions
import Foundation
import Logging
import Quality

/// Reply-timeout reminders (超时提醒): keeps every customer's wait computed from the archive and sends the
/// reminder, then the escalation, exactly once each.
///
/// Waits are recomputed per conversation from its messages in msgtime order whenever a commit marks the
/// conversation dirty (the mark commits with the message, so a crash loses nothing). Deadlines live in a
/// timer queue fed from the store (at start, and from each recomputation); a notice is marked sent in the
/// transaction that queues it, so after a restart every due notice fires once and only once.
public actor ReplyTimeoutTracker {
    let store: any ReplyTimeoutStore & ConversationCatalog
    let channels: [String]
    let clock: @Sendable () -> Int64
    let noticesFrom: Int64
    let logger: Logger
    private var queue = TimerQueue<(String, ReplyNotice)>()
    private var loadedAt: Int64?
    static let reloadInterval: Int64 = 60_000

    /// - Parameters:
    ///   - channels: alert channels the notices go through (e.g. `wecom-app`), addressed to the people concerned.
    ///   - clock: the current time in milliseconds (the store's clock decides what is due; tests control both).
    ///   - noticesFrom: waits that began before this moment are tracked and counted but get no notice, so turning
    ///     the tracker on over an archive with history does not send a reminder for every old conversation.
    public init(store: any ReplyTimeoutStore & ConversationCatalog, channels: [String], clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) },
                noticesFrom: Int64 = .min, logger: Logger = Logger(label: "chatledger.sla")) {
        self.store = store
        self.channels = channels
        self.clock = clock
        self.noticesFrom = noticesFrom
        self.logger = logger
    }

    /// The settings in force (the defaults until some are saved).
    public static func settings(_ store: any ReplyTimeoutStore) async throws -> SLASettings {
        guard let stored = try await store.slaSettingsDocument() else { return SLASettings() }
        return try JSONDecoder().decode(SLASettings.self, from: Data(stored.document))
    }

    /// Recomputes dirty conversations, then sends what is due. - Returns: notices sent.
    @discardableResult
    public func tick() async throws -> Int {
        // Reloaded now and then: on a shared PostgreSQL archive another process may have recomputed (and so scheduled
        // only in its own queue) waits that this process must send if that one stops.
        if loadedAt.map({ clock() - $0 >= Self.reloadInterval }) ?? true {
            queue = TimerQueue()
            for wait in try await store.pendingWaits(since: noticesFrom) { schedule(wait) }
            loadedAt = clock()
        }
        try await recomputeDirty()
        var sent = 0
        for (msgid, notice) in queue.popDue(now: clock()) {
            guard let wait = try await store.sendNotice(notice, forWait: msgid, channels: channels, noticesFrom: noticesFrom) else { continue }
            sent += 1
            logger.info("chatledger.sla.notice", metadata: ["chatledger.sla.kind": "\(notice.rawValue)", "chatledger.sla.wait": "\(msgid)"])
            if notice == .reminder { queue.push((msgid, .escalation), due: wait.escalationDue) }
        }
        return sent
    }

    /// Brings every conversation's waits up to date without sending anything (for reports and the CLI).
    public func recomputeDirty() async throws {
        let settings = try await Self.settings(store)
        var organisation: OrganisationFacts?
        while true {
            // Shutdown must not wait for a backlog of thousands of conversations.
            try Task.checkCancellation()
            let dirty = try await store.dirtyConversations(limit: 200)
            if dirty.isEmpty { return }
            if organisation == nil { organisation = try await store.organisationFacts() }
            for (conversation, generation) in dirty {
                let facts = try await store.replyFacts(conversation: conversation)
                let waits = ReplyWaitPlanner.waits(facts, settings: settings, organisation: organisation!)
                for wait in try await store.saveWaits(waits, conversation: conversation, generation: generation) { schedule(wait) }
            }
        }
    }

    /// The earliest deadline queued, for the run loop's sleep.
    public var nextDue: Int64? { queue.nextDue }

    private func schedule(_ wait: StoredWait) {
        if wait.reminderSentAt == nil {
            queue.push((wait.customerMsgid, .reminder), due: wait.reminderDue)
        } else if wait.escalationSentAt == nil {
            queue.push((wait.customerMsgid, .escalation), due: wait.escalationDue)
        }
    }

    /// Runs until cancelled: ticks at the next deadline, and at least every `backstop`.
    public func run(backstop: Duration = .seconds(5)) async {
        while !Task.isCancelled {
            do { try await tick() } catch {
                logger.error("chatledger.sla.failed", metadata: ["error": "\(error)"])
            }
            let untilDue = nextDue.map { Duration.milliseconds(max(50, $0 - clock())) } ?? backstop
            try? await Task.sleep(for: min(untilDue, backstop))
        }
    }
}

/// Turns a conversation's messages into stored waits under the settings: who is responsible, which replies
/// count, and when the reminder and escalation are due by the department's business calendar.
public enum ReplyWaitPlanner {
    public static func waits(_ facts: ConversationReplyFacts, settings: SLASettings, organisation: OrganisationFacts) -> [StoredWait] {
        if let room = facts.roomID, settings.excludedRooms.contains(room) { return [] }
        let events = facts.messages.compactMap { fact -> ReplyEvent? in
            let kind = PartyID(rawValue: fact.sender).inferredKind
            guard kind != .robot else { return nil }
            return ReplyEvent(msgid: fact.msgid, sender: fact.sender, fromStaff: kind == .employee, time: fact.time)
        }
        let staff = Set(events.filter(\.fromStaff).map(\.sender))
        if !staff.isDisjoint(with: settings.excludedEmployees) { return [] }
        // Before the directory knows a group's owner, its first staff member to speak answers for it.
        let responsible: PartyID? = if facts.roomID != nil {
            ResponsibleEmployee.of(.group(owner: facts.roomOwner.map(PartyID.init(rawValue:)),
                                          fallback: events.filter(\.fromStaff).map { PartyID(rawValue: $0.sender) }))
        } else {
            ConversationID(rawValue: facts.conversation).singleChatParties.flatMap { ResponsibleEmployee.of(.single($0.0, $0.1)) }
        }
        guard let employee = responsible?.rawValue, !settings.excludedEmployees.contains(employee) else { return [] }
        let chain = organisation.chain(of: employee)
        let rule = settings.rule(forDepartments: chain)
        if facts.roomID != nil && !rule.watchGroups { return [] }
        let owner = facts.roomOwner
        let episodes = ReplyEpisodes.split(events.filter { !settings.excludedCustomers.contains($0.sender) }) { reply in
            facts.roomID == nil || rule.anyStaffAnswersInGroups || reply.sender == owner
        }
        let escalateTo = Array(Set((rule.escalateToLeaders ? organisation.supervisors(of: employee) : []) + rule.escalateTo)).sorted()
        return episodes.map { episode in
            let since = episode.customerMessage.time
            let reminderDue = rule.calendar.deadline(from: since, addingMinutes: rule.reminderMinutes)
            return StoredWait(customerMsgid: episode.customerMessage.msgid, conversation: facts.conversation, customer: episode.customerMessage.sender,
                              employee: employee, department: chain.first, waitingSince: since, replyMsgid: episode.reply?.msgid,
                              repliedBy: episode.reply?.sender, repliedAt: episode.reply?.time,
                              workingMilliseconds: episode.reply.map { rule.calendar.workingMilliseconds(from: since, to: $0.time) },
                              targetMilliseconds: Int64(rule.reminderMinutes) * 60_000, reminderDue: reminderDue,
                              escalationDue: rule.calendar.deadline(from: reminderDue, addingMinutes: rule.escalationMinutes),
                              escalateTo: escalateTo)
        }
    }
}
