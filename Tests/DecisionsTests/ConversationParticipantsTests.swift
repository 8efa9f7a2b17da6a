import ArchiveModel
import Decisions
import Testing

@Suite struct ConversationParticipantsTests {
    @Test func aBatchRecordsEachPersonOncePerConversationInOrder() {
        let messages = [
            Fixtures.message("m1", from: "zhangsan", to: ["wmC1"]),
            Fixtures.message("m2", from: "wmC1", to: ["zhangsan"]),
            Fixtures.message("m3", from: "wmC2", to: ["lisi", "wmC1", "lisi"], room: "wrG1"),
            Fixtures.switchRecord("s1"),
        ]
        let single = ConversationID.single("zhangsan", "wmC1")
        let group = ConversationID.room("wrG1")
        #expect(ConversationParticipants.rows(of: messages) == [
            ConversationParty(conversation: group, party: "lisi"),
            ConversationParty(conversation: group, party: "wmC1"),
            ConversationParty(conversation: group, party: "wmC2"),
            ConversationParty(conversation: single, party: "wmC1"),
            ConversationParty(conversation: single, party: "zhangsan"),
        ])
    }

    @Test func aConversationsPeopleAreItsPartiesRecordsAndSyncedRoom() {
        #expect(ConversationParticipants.people(partyA: "wmC1", partyB: "zhangsan", recorded: ["zhangsan", "wmC1"],
                                                roomCreator: nil, roomMembers: []) == ["wmC1", "zhangsan"])
        #expect(ConversationParticipants.people(partyA: nil, partyB: nil, recorded: ["wmC2", "lisi"], roomCreator: "wangwu",
                                                roomMembers: ["lisi", "silent"]) == ["wmC2", "lisi", "wangwu", "silent"])
    }
}
