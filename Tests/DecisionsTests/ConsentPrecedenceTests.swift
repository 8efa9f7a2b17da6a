import ArchiveModel
import Decisions
import Testing

@Suite struct ConsentPrecedenceTests {
    static func record(_ customer: PartyID = "wmC1", agreed: Bool = true, at milliseconds: Int64?) -> ConsentRecord {
        ConsentRecord(employee: "zhangsan", customer: customer, agreed: agreed, changedAt: milliseconds.map(WeComTime.init(milliseconds:)))
    }

    @Test func anAgreeMessageIsARecordForItsRecipient() {
        let agree = Fixtures.message("a1", from: "wmC1", to: ["zhangsan"], at: 5_000,
                                     content: .agree(Consent(externalUserID: "wmC1", time: WeComTime(milliseconds: 4_000))))
        #expect(ConsentRecord(agree) == ConsentRecord(employee: "zhangsan", customer: "wmC1", agreed: true,
                                                      changedAt: WeComTime(milliseconds: 4_000)))
    }

    @Test func aDisagreeMessageWithoutATimeTakesTheMessagesTime() {
        let disagree = Fixtures.message("d1", from: "wmC1", to: [], at: 5_000,
                                        content: .disagree(Consent(externalUserID: "wmC1", time: nil)))
        #expect(ConsentRecord(disagree) == ConsentRecord(employee: "wmC1", customer: "wmC1", agreed: false,
                                                         changedAt: WeComTime(milliseconds: 5_000)))
        #expect(ConsentRecord(Fixtures.message("m1")) == nil)
    }

    @Test func aMessageReplacesAStoredRecordAtLeastAsOld() {
        #expect(ConsentPrecedence.replaces(Self.record(at: 10), from: .message, stored: Self.record(at: 9)))
        #expect(ConsentPrecedence.replaces(Self.record(at: 10), from: .message, stored: Self.record(at: 10)))
        #expect(!ConsentPrecedence.replaces(Self.record(at: 10), from: .message, stored: Self.record(at: 11)))
        #expect(ConsentPrecedence.replaces(Self.record(at: 10), from: .message, stored: nil))
    }

    @Test func anUnknownTimeCountsAsZero() {
        #expect(ConsentPrecedence.replaces(Self.record(at: 0), from: .message, stored: Self.record(at: nil)))
        #expect(!ConsentPrecedence.replaces(Self.record(at: -1), from: .message, stored: Self.record(at: nil)))
        #expect(ConsentPrecedence.replaces(Self.record(at: nil), from: .message, stored: Self.record(at: 0)))
        #expect(!ConsentPrecedence.replaces(Self.record(at: nil), from: .message, stored: Self.record(at: 1)))
    }

    @Test func theDirectoryAlwaysReplaces() {
        #expect(ConsentPrecedence.replaces(Self.record(at: nil), from: .directory, stored: Self.record(at: 11)))
        #expect(ConsentPrecedence.replaces(Self.record(at: 1), from: .directory, stored: Self.record(at: 11)))
    }

    @Test func oneRecordStandsPerPairAsIfAppliedInOrder() {
        let records = [Self.record(at: 5), Self.record("wmC2", at: 1), Self.record(agreed: false, at: 3),
                       Self.record(agreed: false, at: 5), Self.record(at: 4)]
        #expect(ConsentPrecedence.standing(records, from: .message)
            == [Self.record(agreed: false, at: 5), Self.record("wmC2", at: 1)])
        #expect(ConsentPrecedence.standing(records, from: .directory)
            == [Self.record(at: 4), Self.record("wmC2", at: 1)])
    }

    @Test func aRecordOlderThanTheStoredOneDoesNotStand() {
        let stored = Self.record(at: 8)
        #expect(ConsentPrecedence.standing([Self.record(agreed: false, at: 7)], from: .message, over: [stored.pair: stored]).isEmpty)
        #expect(ConsentPrecedence.standing([Self.record(agreed: false, at: 8)], from: .message, over: [stored.pair: stored])
            == [Self.record(agreed: false, at: 8)])
    }
}
