import ArchiveModel
import Decisions
import Testing

@Suite struct ResponsibleEmployeeTests {
    @Test func aSingleChatAnswersWithItsStaffPartyOnEitherSide() {
        #expect(ResponsibleEmployee.of(.single("zhangsan", "wmC1")) == "zhangsan")
        #expect(ResponsibleEmployee.of(.single("wmC1", "zhangsan")) == "zhangsan")
        #expect(ResponsibleEmployee.of(.single("woC2", "lisi")) == "lisi")
    }

    @Test func betweenTwoStaffTheIDSortingFirstAnswersWhoeverWrites() {
        #expect(ResponsibleEmployee.of(.single("zhangsan", "lisi")) == "lisi")
        #expect(ResponsibleEmployee.of(.single("lisi", "zhangsan")) == "lisi")
    }

    @Test func customersRobotsAndNobodyAreNotStaff() {
        #expect(ResponsibleEmployee.of(.single("wmC1", "woC2")) == nil)
        #expect(ResponsibleEmployee.of(.single("wmC1", "wbBot")) == nil)
        #expect(ResponsibleEmployee.of(.single("wmC1", nil)) == nil)
        #expect(ResponsibleEmployee.of(.single("zhangsan", nil)) == "zhangsan")
        #expect(!ResponsibleEmployee.isStaff(""))
    }

    @Test func aGroupAnswersWithItsOwnerWhenStaff() {
        #expect(ResponsibleEmployee.of(.group(owner: "wangwu", fallback: ["zhangsan"])) == "wangwu")
    }

    @Test func aGroupFallsBackWhenItsOwnerIsUnknownEmptyOrNotStaff() {
        for owner: PartyID? in [nil, "", "wmC1", "wbBot"] {
            #expect(ResponsibleEmployee.of(.group(owner: owner, fallback: ["wmC1", "wbBot", "zhangsan", "lisi"])) == "zhangsan")
        }
        #expect(ResponsibleEmployee.of(.group(owner: nil, fallback: ["wmC1"])) == nil)
        #expect(ResponsibleEmployee.of(.group(owner: nil, fallback: [])) == nil)
    }

    @Test func aGroupMessageFallsBackOnItsSenderThenItsRecipients() {
        let fromCustomer = Fixtures.message("m1", from: "wmC1", to: ["wbBot", "zhangsan", "lisi"], room: "wrG1")
        #expect(ResponsibleEmployee.of(fromCustomer, roomOwner: nil) == "zhangsan")
        #expect(ResponsibleEmployee.of(fromCustomer, roomOwner: "wangwu") == "wangwu")
        let fromStaff = Fixtures.message("m2", from: "lisi", to: ["wmC1", "zhangsan"], room: "wrG1")
        #expect(ResponsibleEmployee.of(fromStaff, roomOwner: nil) == "lisi")
    }

    @Test func aSingleChatMessageUsesThePairNotItsSender() {
        let fromCustomer = Fixtures.message("m1", from: "wmC1", to: ["zhangsan"])
        #expect(ResponsibleEmployee.of(fromCustomer, roomOwner: "wangwu") == "zhangsan")
        let betweenStaff = Fixtures.message("m2", from: "zhangsan", to: ["lisi"])
        #expect(ResponsibleEmployee.of(betweenStaff, roomOwner: nil) == "lisi")
    }

    @Test func aStoredConversationRowReadsTheSameOnBothEngines() {
        // SQLite stores '' where PostgreSQL stores NULL; both mean nobody.
        for empty: String? in [nil, ""] {
            #expect(ResponsibleEmployee.of(.init(room: empty, partyA: "lisi", partyB: "wmC1", owner: nil)) == "lisi")
            #expect(ResponsibleEmployee.of(.init(room: empty, partyA: "wmC1", partyB: "zhangsan", owner: nil)) == "zhangsan")
            #expect(ResponsibleEmployee.of(.init(room: empty, partyA: empty, partyB: "zhangsan", owner: nil)) == "zhangsan")
            #expect(ResponsibleEmployee.of(.init(room: "r1", partyA: empty, partyB: empty, owner: empty)) == nil)
        }
        #expect(ResponsibleEmployee.of(.init(room: "r1", partyA: nil, partyB: nil, owner: "wangwu")) == "wangwu")
        #expect(ResponsibleEmployee.of(.init(room: "r1", partyA: nil, partyB: nil, owner: "wmC1")) == nil)
    }

    @Test func aSingleChatIDNamesItsTwoParties() throws {
        let id = ConversationID.single("zhangsan", "wmC1")
        let parties = try #require(id.singleChatParties)
        #expect(parties.0 == "wmC1" && parties.1 == "zhangsan")
        #expect(ConversationID.room("r1").singleChatParties == nil)
        #expect(ConversationID(rawValue: "single:onlyone").singleChatParties == nil)
    }
}
