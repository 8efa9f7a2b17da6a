import ArchiveModel
import Foundation

/// A message as the reply-timeout tracker reads it: who, when, staff or not.
public struct ReplyFact: Sendable, Hashable {
    public var msgid: String
    public var sender: String
    public var time: Int64

    package init(msgid: String, sender: String, time: Int64) {
        self.msgid = msgid
        self.sender = sender
        self.time = time
    }
}

/// What the tracker needs of one conversation.
public struct ConversationReplyFacts: Sendable {
    public var conversation: String
    public var roomID: String?
    public var roomOwner: String?
    /// Messages in msgtime order, without recalled messages, recall records and consent/switch records.
    public var messages: [ReplyFact]

    package init(conversation: String, roomID: String? = nil, roomOwner: String? = nil, messages: [ReplyFact]) {
        self.conversation = conversation
        self.roomID = roomID
        self.roomOwner = roomOwner
        self.messages = messages
    }
}

/// One wait of a customer as stored.
public struct StoredWait: Sendable, Hashable {
    public var customerMsgid: String
    public var conversation: String
    public var customer: String
    public var employee: String
    public var department: Int64?
    public var waitingSince: Int64
    public var replyMsgid: String?
    public var repliedBy: String?
    public var repliedAt: Int64?
    /// Working time waited (the business calendar's clock), when answered.
    public var workingMilliseconds: Int64?
    /// The reminder threshold in working time.
    public var targetMilliseconds: Int64
    public var reminderDue: Int64
    public var escalationDue: Int64
    public var escalateTo: [String]
    public var reminderSentAt: Int64?
    public var escalationSentAt: Int64?
    /// The first wait of its conversation on its (Beijing) day: what first-response time is measured on.
    public var firstOfDay = false

    public init(customerMsgid: String, conversation: String, customer: String, employee: String, department: Int64?, waitingSince: Int64,
                replyMsgid: String?, repliedBy: String?, repliedAt: Int64?, workingMilliseconds: Int64?, targetMilliseconds: Int64,
                reminderDue: Int64, escalationDue: Int64, escalateTo: [String], reminderSentAt: Int64? = nil, escalationSentAt: Int64? = nil) {
        self.customerMsgid = customerMsgid
        self.conversation = conversation
        self.customer = customer
        self.employee = employee
        self.department = department
        self.waitingSince = waitingSince
        self.replyMsgid = replyMsgid
        self.repliedBy = repliedBy
        self.repliedAt = repliedAt
        self.workingMilliseconds = workingMilliseconds
        self.targetMilliseconds = targetMilliseconds
        self.reminderDue = reminderDue
        self.escalationDue = escalationDue
        self.escalateTo = escalateTo
        self.reminderSentAt = reminderSentAt
        self.escalationSentAt = escalationSentAt
    }
}

/// Which notice of a wait is due: the reminder to the employee or the escalation after it.
public enum ReplyNotice: String, Sendable, Hashable {
    case reminder
    case escalation
}

/// One employee's reply figures summed from the daily aggregates.
public struct ReplyTotals: Sendable, Hashable {
    public var employee: String
    public var waits: Int
    public var answered: Int
    public var within: Int
    public var workingMilliseconds: Int64
    public var firsts: Int
    public var firstWorkingMilliseconds: Int64

    package init(employee: String, waits: Int, answered: Int, within: Int, workingMilliseconds: Int64, firsts: Int, firstWorkingMilliseconds: Int64) {
        self.employee = employee
        self.waits = waits
        self.answered = answered
        self.within = within
        self.workingMilliseconds = workingMilliseconds
        self.firsts = firsts
        self.firstWorkingMilliseconds = firstWorkingMilliseconds
    }
}

extension StoredWait {
    /// The waits with ``firstOfDay`` set on each (Beijing) day's earliest.
    package static func markingFirstOfDay(_ waits: [StoredWait]) -> [StoredWait] {
        var firstOfDay: [String: Int64] = [:]
        for wait in waits {
            let day = InsightAggregator.day(wait.waitingSince).day
            firstOfDay[day] = min(firstOfDay[day] ?? .max, wait.waitingSince)
        }
        return waits.map { wait in
            var wait = wait
            wait.firstOfDay = firstOfDay[InsightAggregator.day(wait.waitingSince).day] == wait.waitingSince
            return wait
        }
    }

    /// What replacing `old` waits with `new` ones changes in the daily reply aggregates, by (day, employee).
    package static func replyDeltas(replacing old: [StoredWait], with new: [StoredWait]) -> [[String]: ReplyContribution] {
        var deltas: [[String]: ReplyContribution] = [:]
        for wait in old { deltas[ReplyContribution.key(wait), default: ReplyContribution()].add(wait, sign: -1) }
        for wait in new { deltas[ReplyContribution.key(wait), default: ReplyContribution()].add(wait, sign: 1) }
        return deltas.filter { !$0.value.isZero }
    }
}

/// What one wait adds to (or, removed, takes from) its day's reply aggregates.
package struct ReplyContribution {
    package var waits = 0, answered = 0, within = 0, firsts = 0
    package var working: Int64 = 0, firstWorking: Int64 = 0

    package init() {}

    package static func key(_ wait: StoredWait) -> [String] { [InsightAggregator.day(wait.waitingSince).day, wait.employee] }

    package var isZero: Bool { waits == 0 && answered == 0 && within == 0 && firsts == 0 && working == 0 && firstWorking == 0 }

    package mutating func add(_ wait: StoredWait, sign: Int) {
        waits += sign
        guard let working = wait.workingMilliseconds else { return }
        answered += sign
        if working <= wait.targetMilliseconds { within += sign }
        self.working += Int64(sign) * working
        if wait.firstOfDay {
            firsts += sign
            firstWorking += Int64(sign) * working
        }
    }
}

/// The directory as the reply-timeout tracker needs it: departments up the tree, and their leaders.
public struct OrganisationFacts: Sendable {
    public var parent: [Int64: Int64]
    public var leaders: [Int64: [String]]
    public var employeeDepartments: [String: [Int64]]

    package init(parent: [Int64: Int64], leaders: [Int64: [String]], employeeDepartments: [String: [Int64]]) {
        self.parent = parent
        self.leaders = leaders
        self.employeeDepartments = employeeDepartments
    }

    /// The employee's first department and its ancestors, nearest first.
    public func chain(of employee: String) -> [Int64] {
        var chain: [Int64] = []
        var current = employeeDepartments[employee]?.first
        while let department = current, !chain.contains(department) {
            chain.append(department)
            current = parent[department]
        }
        return chain
    }

    /// The leaders of the nearest department (up the chain) that has any, other than the employee.
    public func supervisors(of employee: String) -> [String] {
        for department in chain(of: employee) {
            let found = (leaders[department] ?? []).filter { $0 != employee }
            if !found.isEmpty { return found }
        }
        return []
    }
}
