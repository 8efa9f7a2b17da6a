import ArchiveModel
import Decisions
import Risk
import Testing

/// Pins how both engines' alert writers grouped hits before the rule moved here.
@Suite struct AlertPlannerTests {
    static let single = ConversationID.single("zhangsan", "wmC1")
    static let group = ConversationID.room("wrG1")
    static let t0 = Fixtures.t0
    static let minute = Fixtures.minute

    static func hit(_ category: RiskCategory = .privateDiversion, rule: String = "r1", severity: AlertSeverity = "medium",
                    start: Int = 0) -> PlannedHit {
        PlannedHit(category: category, rule: rule, severity: severity, start: start, end: start + 2)
    }

    static func stored(_ id: Int64, _ conversation: ConversationID = single, _ category: RiskCategory = .privateDiversion,
                       severity: AlertSeverity = "medium", last: Int64 = t0) -> OpenAlert {
        OpenAlert(id: id, conversation: conversation, category: category, severity: severity,
                  lastMessageTime: WeComTime(milliseconds: last))
    }

    static func plan(_ messages: [ChatMessage], _ hits: [MessageID: [PlannedHit]], recorded: Set<RecordedHit> = [],
                     open: [OpenAlert] = []) -> [AlertPlanStep] {
        AlertPlanner.plan(messages: messages, hits: hits, recorded: recorded, openAlerts: open)
    }

    @Test func aMessagesHitsOpenOneAlertPerCategoryInNameOrder() {
        let message = Fixtures.message("m1")
        let diversion = [Self.hit(rule: "r1", severity: "low"), Self.hit(rule: "r3", severity: "high", start: 9)]
        let sideDeal = [Self.hit(.sideDeal, rule: "r2", severity: "high", start: 5)]
        let steps = Self.plan([message], ["m1": [sideDeal[0], diversion[0], diversion[1]]])
        #expect(steps == [
            AlertPlanStep(alert: .planned(0), change: .open(severity: "high"), message: "m1", conversation: Self.single,
                          sender: "zhangsan", time: message.time, category: .privateDiversion, hits: diversion),
            AlertPlanStep(alert: .planned(1), change: .open(severity: "high"), message: "m1", conversation: Self.single,
                          sender: "zhangsan", time: message.time, category: .sideDeal, hits: sideDeal),
        ])
    }

    @Test func aHitJoinsAStoredAlertUpToTheWindowInclusive() {
        let atBound = Fixtures.message("m1", at: Self.t0 + 30 * Self.minute)
        let steps = Self.plan([atBound], ["m1": [Self.hit(severity: "low")]], open: [Self.stored(7)])
        #expect(steps.map(\.alert) == [.stored(id: 7)])
        #expect(steps.map(\.change) == [.extend(severity: "medium", lastMessageTime: atBound.time)])

        let past = Fixtures.message("m2", at: Self.t0 + 30 * Self.minute + 1)
        #expect(Self.plan([past], ["m2": [Self.hit()]], open: [Self.stored(7)]).map(\.change) == [.open(severity: "medium")])
    }

    @Test func anEarlierHitJoinsHoweverEarlyAndKeepsTheLastTime() {
        let early = Fixtures.message("m1", at: Self.t0 - 5 * 60 * Self.minute)
        let steps = Self.plan([early], ["m1": [Self.hit(severity: "critical")]], open: [Self.stored(7)])
        #expect(steps.map(\.alert) == [.stored(id: 7)])
        #expect(steps.map(\.change) == [.extend(severity: "critical", lastMessageTime: WeComTime(milliseconds: Self.t0))])
    }

    @Test func theNewestMatchingAlertIsJoined() {
        let steps = Self.plan([Fixtures.message("m1")], ["m1": [Self.hit()]], open: [Self.stored(9), Self.stored(3)])
        #expect(steps.map(\.alert) == [.stored(id: 9)])
    }

    @Test func anotherConversationOrCategoryOpensAnAlert() {
        let open = [Self.stored(7, Self.single, .privateDiversion)]
        let otherCategory = Self.plan([Fixtures.message("m1")], ["m1": [Self.hit(.sideDeal)]], open: open)
        #expect(otherCategory.map(\.alert) == [.planned(0)])
        let inGroup = Fixtures.message("m2", to: ["wmC1", "lisi"], room: "wrG1")
        let otherConversation = Self.plan([inGroup], ["m2": [Self.hit()]], open: open)
        #expect(otherConversation.map(\.alert) == [.planned(0)])
        #expect(otherConversation.map(\.conversation) == [Self.group])
    }

    @Test func hitsOfOneBatchJoinTheAlertsItOpens() {
        let messages = [0, 25, 50, 81].enumerated().map { index, minutes in
            Fixtures.message(MessageID("m\(index)"), at: Self.t0 + Int64(minutes) * Self.minute)
        }
        let hits: [MessageID: [PlannedHit]] = ["m0": [Self.hit(severity: "low")], "m1": [Self.hit(severity: "critical")],
                                             "m2": [Self.hit(severity: "medium")], "m3": [Self.hit(severity: "low")]]
        let steps = Self.plan(messages, hits)
        #expect(steps.map(\.alert) == [.planned(0), .planned(0), .planned(0), .planned(1)])
        #expect(steps.map(\.change) == [
            .open(severity: "low"),
            .extend(severity: "critical", lastMessageTime: messages[1].time),
            .extend(severity: "critical", lastMessageTime: messages[2].time),
            .open(severity: "low"),
        ])
    }

    @Test func aPlannedAlertIsNewerThanEveryStoredOne() {
        let messages = [Fixtures.message("m1", at: Self.t0 + 31 * Self.minute), Fixtures.message("m2", at: Self.t0)]
        let steps = Self.plan(messages, ["m1": [Self.hit()], "m2": [Self.hit()]], open: [Self.stored(7)])
        // m1 is past stored 7's window and opens; m2 fits both, and the alert m1 opened is the newer.
        #expect(steps.map(\.alert) == [.planned(0), .planned(0)])
    }

    @Test func anUnknownStoredSeverityStandsUntilOutranked() {
        let low = Self.plan([Fixtures.message("m1")], ["m1": [Self.hit(severity: "low")]], open: [Self.stored(7, severity: "urgent")])
        #expect(low.map(\.change) == [.extend(severity: "urgent", lastMessageTime: WeComTime(milliseconds: Self.t0))])
        let medium = Self.plan([Fixtures.message("m1")], ["m1": [Self.hit(severity: "medium")]], open: [Self.stored(7, severity: "urgent")])
        #expect(medium.map(\.change) == [.extend(severity: "medium", lastMessageTime: WeComTime(milliseconds: Self.t0))])
    }

    @Test func anUnknownHitSeverityListedFirstNamesTheNewAlert() {
        let hits = [Self.hit(rule: "r1", severity: "urgent"), Self.hit(rule: "r2", severity: "low", start: 4)]
        let steps = Self.plan([Fixtures.message("m1")], ["m1": hits])
        #expect(steps.map(\.change) == [.open(severity: "urgent")])
    }

    @Test func recordedHitsAreNotNews() {
        let message = Fixtures.message("m1")
        let known = Self.hit(rule: "r1", start: 0)
        let new = Self.hit(rule: "r2", start: 4)
        let steps = Self.plan([message], ["m1": [known, new]], recorded: [known.key(in: "m1")])
        #expect(steps.map(\.hits) == [[new]])
        #expect(Self.plan([message], ["m1": [known]], recorded: [known.key(in: "m1")]).isEmpty)
        // The same rule at the same place in another message is another hit.
        #expect(Self.plan([message], ["m1": [known]], recorded: [known.key(in: "m0")]).count == 1)
    }

    @Test func aMessageListedTwiceFindsItsHitsRecordedTheSecondTime() {
        let message = Fixtures.message("m1")
        let steps = Self.plan([message, message], ["m1": [Self.hit()]])
        #expect(steps.count == 1)
    }

    @Test func theSameHitTwiceInOneMessageIsPassedOnTwice() {
        let steps = Self.plan([Fixtures.message("m1")], ["m1": [Self.hit(), Self.hit()]])
        #expect(steps.map(\.hits.count) == [2])
    }

    @Test func aMessageOutsideAnyConversationAlwaysOpens() {
        let first = Fixtures.switchRecord("s1")
        let second = Fixtures.switchRecord("s2", at: Self.t0 + Self.minute)
        let steps = Self.plan([first, second], ["s1": [Self.hit()], "s2": [Self.hit()]])
        #expect(steps.map(\.alert) == [.planned(0), .planned(1)])
        #expect(steps.map(\.conversation) == [nil, nil])
    }

    @Test func theSenderIsChargedEvenWhenACustomer() {
        let fromCustomer = Fixtures.message("m1", from: "wmC1", to: ["zhangsan"])
        #expect(Self.plan([fromCustomer], ["m1": [Self.hit()]]).map(\.sender) == ["wmC1"])
    }

    @Test func messagesWithoutHitsAndHitsWithoutMessagesAreIgnored() {
        let steps = Self.plan([Fixtures.message("m1"), Fixtures.message("m2")], ["m2": [], "m9": [Self.hit()]])
        #expect(steps.isEmpty)
    }

    @Test func theLookupCoversEveryAlertAHitCouldJoin() {
        let messages = [
            Fixtures.message("m1", at: Self.t0 + 10 * Self.minute),
            Fixtures.message("m2", to: ["wmC1"], room: "wrG1", at: Self.t0),
            Fixtures.message("m3", from: "lisi", at: Self.t0 - 60 * Self.minute),
            Fixtures.switchRecord("s1", at: Self.t0 + 5),
        ]
        let hits: [MessageID: [PlannedHit]] = ["m1": [Self.hit()], "m2": [Self.hit()], "m3": [], "s1": [Self.hit()]]
        #expect(AlertPlanner.lookup(for: messages, hits: hits)
            == OpenAlertLookup(conversations: [Self.single, Self.group],
                               lastMessageTimeFrom: WeComTime(milliseconds: Self.t0 - 30 * Self.minute)))
        #expect(AlertPlanner.lookup(for: messages, hits: ["m3": []]) == nil)
    }

    @Test func theWindowSaturatesInsteadOfTrapping() {
        let earliest = WeComTime(milliseconds: .min)
        #expect(AlertGrouping.earliestJoinableLast(forHitAt: earliest) == earliest)
        #expect(AlertGrouping.joins(hitAt: earliest, alertLastAt: earliest))
    }
}
