import ArchiveModel
import Decisions
import Risk
import Testing

/// The planner, executed as an engine would, against the alert writer both engines ran before it (transcribed
/// statement by statement over an in-memory table): on random batches they must leave the same alerts, hits and
/// violation counts.
@Suite struct AlertPlannerOracleTests {
    struct AlertRow: Hashable {
        var id: Int64
        var conversation: ConversationID?
        var category: String
        var severity: String
        var status: String
        var sender: PartyID
        var first: Int64
        var last: Int64
        var hitCount: Int
    }

    struct Violation: Hashable {
        var employee: PartyID
        var category: String
        var at: Int64
    }

    struct Store: Equatable {
        var alerts: [AlertRow] = []
        /// risk_hit: its unique key and the alert it joined (the first insert wins, as with `INSERT OR IGNORE`).
        var hits: [RecordedHit: Int64] = [:]
        var violations: [Violation: Int] = [:]
        var nextID: Int64 = 1

        mutating func insert(_ row: AlertRow) -> Int64 {
            var row = row
            row.id = nextID
            nextID += 1
            alerts.append(row)
            return row.id
        }

        mutating func index(of id: Int64) -> Int { alerts.firstIndex { $0.id == id }! }
    }

    // MARK: - the writer as it was (AlertWriter / PostgresAlertWriter before Decisions)

    static let severities = ["low", "medium", "high", "critical"]

    static func legacyRecord(_ hits: [MessageID: [PlannedHit]], of messages: [ChatMessage], in store: inout Store) {
        for message in messages {
            guard let messageHits = hits[message.id], !messageHits.isEmpty else { continue }
            let fresh = messageHits.filter { store.hits[$0.key(in: message.id)] == nil }
            for (category, categoryHits) in Dictionary(grouping: fresh, by: \.category.rawValue).sorted(by: { $0.key < $1.key }) {
                let violation = Violation(employee: message.from, category: category, at: message.time.milliseconds)
                store.violations[violation, default: 0] += categoryHits.count
                let severity = categoryHits.map(\.severity.rawValue)
                    .max { (severities.firstIndex(of: $0) ?? 0) < (severities.firstIndex(of: $1) ?? 0) }!
                let alertID = legacyAlert(for: message, category: category, severity: severity, in: &store)
                for hit in categoryHits where store.hits[hit.key(in: message.id)] == nil { store.hits[hit.key(in: message.id)] = alertID }
            }
        }
    }

    static func legacyAlert(for message: ChatMessage, category: String, severity: String, in store: inout Store) -> Int64 {
        let time = message.time.milliseconds
        if let conversation = message.conversation,
           let open = store.alerts.filter({
               $0.conversation == conversation && $0.category == category && ["open", "assigned", "acknowledged"].contains($0.status)
                   && $0.last >= time - 30 * 60 * 1000
           }).max(by: { $0.id < $1.id }) {
            let index = store.index(of: open.id)
            let rank = { (name: String) in severities.firstIndex(of: name) ?? 0 }
            let higher = rank(severity) > rank(open.severity) ? severity : open.severity
            store.alerts[index].hitCount += 1
            store.alerts[index].last = max(store.alerts[index].last, time)
            store.alerts[index].severity = higher
            return open.id
        }
        return store.insert(AlertRow(id: 0, conversation: message.conversation, category: category, severity: severity, status: "open",
                                     sender: message.from, first: time, last: time, hitCount: 1))
    }

    // MARK: - an engine executing the plan

    static func plannedRecord(_ hits: [MessageID: [PlannedHit]], of messages: [ChatMessage], in store: inout Store) {
        var open: [OpenAlert] = []
        if let lookup = AlertPlanner.lookup(for: messages, hits: hits) {
            open = store.alerts.compactMap { row in
                guard let conversation = row.conversation, lookup.conversations.contains(conversation),
                      AlertGrouping.joinableStatuses.contains(row.status), row.last >= lookup.lastMessageTimeFrom.milliseconds
                else { return nil }
                return OpenAlert(id: row.id, conversation: conversation, category: RiskCategory(rawValue: row.category),
                                 severity: AlertSeverity(rawValue: row.severity), lastMessageTime: WeComTime(milliseconds: row.last))
            }
        }
        let ids = Set(messages.map(\.id))
        let recorded = Set(store.hits.keys.filter { ids.contains($0.message) })
        var planned: [Int64] = []
        for step in AlertPlanner.plan(messages: messages, hits: hits, recorded: recorded, openAlerts: open) {
            let violation = Violation(employee: step.sender, category: step.category.rawValue, at: step.time.milliseconds)
            store.violations[violation, default: 0] += step.hits.count
            let id: Int64
            switch step.change {
            case .open(let severity):
                id = store.insert(AlertRow(id: 0, conversation: step.conversation, category: step.category.rawValue,
                                           severity: severity.rawValue, status: "open", sender: step.sender,
                                           first: step.time.milliseconds, last: step.time.milliseconds, hitCount: 1))
                planned.append(id)
            case .extend(let severity, let last):
                switch step.alert {
                case .stored(let storedID): id = storedID
                case .planned(let ordinal): id = planned[ordinal]
                }
                let index = store.index(of: id)
                store.alerts[index].hitCount += 1
                store.alerts[index].severity = severity.rawValue
                store.alerts[index].last = last.milliseconds
            }
            for hit in step.hits where store.hits[hit.key(in: step.message)] == nil { store.hits[hit.key(in: step.message)] = id }
        }
    }

    // MARK: - random batches

    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let categories: [RiskCategory] = [.abuse, .sideDeal, .privateDiversion]
    static let severityNames: [AlertSeverity] = ["low", "medium", "high", "critical", "urgent"]
    static let statuses = ["open", "assigned", "acknowledged", "resolved", "false-positive"]
    static let conversations: [ConversationID?] = [.single("zhangsan", "wmC1"), .single("lisi", "wmC2"), .room("wrG1"), nil]

    static func time(_ random: inout SplitMix64) -> Int64 {
        // Whole minutes hit the window's bound exactly; a stray millisecond lands just past it.
        Fixtures.t0 + Int64.random(in: -120...120, using: &random) * Fixtures.minute + [0, 0, 1, -1].randomElement(using: &random)!
    }

    /// A message in one of ``conversations`` (the same index).
    static func message(_ id: MessageID, _ random: inout SplitMix64) -> ChatMessage {
        let milliseconds = time(&random)
        switch Int.random(in: 0..<conversations.count, using: &random) {
        case 0:
            return Bool.random(using: &random) ? Fixtures.message(id, from: "zhangsan", to: ["wmC1"], at: milliseconds)
                : Fixtures.message(id, from: "wmC1", to: ["zhangsan"], at: milliseconds)
        case 1: return Fixtures.message(id, from: "lisi", to: ["wmC2"], at: milliseconds)
        case 2: return Fixtures.message(id, from: "wangwu", to: ["wmC1", "lisi"], room: "wrG1", at: milliseconds)
        default: return Fixtures.switchRecord(id, at: milliseconds)
        }
    }

    static func hits(_ random: inout SplitMix64) -> [PlannedHit] {
        (0..<Int.random(in: 0...4, using: &random)).map { _ in
            let start = [0, 4].randomElement(using: &random)!
            return PlannedHit(category: categories.randomElement(using: &random)!, rule: ["r1", "r2"].randomElement(using: &random)!,
                            severity: severityNames.randomElement(using: &random)!, start: start, end: start + 2)
        }
    }

    @Test(arguments: 0..<400)
    func thePlanLeavesWhatTheWriterLeft(seed: UInt64) {
        var random = SplitMix64(state: seed)
        var store = Store()
        for _ in 0..<Int.random(in: 0...6, using: &random) {
            let last = Self.time(&random)
            _ = store.insert(AlertRow(id: 0, conversation: Self.conversations.randomElement(using: &random)!,
                                      category: Self.categories.randomElement(using: &random)!.rawValue,
                                      severity: Self.severityNames.randomElement(using: &random)!.rawValue,
                                      status: Self.statuses.randomElement(using: &random)!, sender: "zhangsan",
                                      first: last - Fixtures.minute, last: last, hitCount: 1))
        }
        var messages: [ChatMessage] = []
        var hits: [MessageID: [PlannedHit]] = [:]
        for index in 0..<Int.random(in: 0...12, using: &random) {
            if !messages.isEmpty, Int.random(in: 0..<8, using: &random) == 0 {
                messages.append(messages.randomElement(using: &random)!)
                continue
            }
            let message = Self.message(MessageID("m\(index)"), &random)
            messages.append(message)
            hits[message.id] = Self.hits(&random)
            for hit in hits[message.id]! where Int.random(in: 0..<6, using: &random) == 0 { store.hits[hit.key(in: message.id)] = 0 }
        }
        var legacy = store
        var planned = store
        Self.legacyRecord(hits, of: messages, in: &legacy)
        Self.plannedRecord(hits, of: messages, in: &planned)
        #expect(planned == legacy)
    }
}
