import ArchiveModel
import ArchiveStore
import Foundation
import PostgresStore
import Testing
import WeCom

/// One definition of who took part in a conversation, on every engine: both parties of a single chat; a group's synced
/// members and creator; and everyone who sent or received any of its messages. The conversation's participants, the
/// conversation list's scope filters and search's hiding of protected staff all use it.
@Suite(.serialized) struct ParticipantConformanceTests {
    static func message(_ id: String, from: String, to: [String], room: String = "", seq: UInt64) throws -> ChatMessage {
        let recipients = to.map { "\"\($0)\"" }.joined(separator: ",")
        let raw = #"{"msgid":"\#(id)","action":"send","from":"\#(from)","tolist":[\#(recipients)],"roomid":"\#(room)","msgtime":\#(1_700_000_000_000 + Int64(seq)),"msgtype":"text","text":{"content":"第\#(seq)条"}}"#
        return try MessageDecoder().decode(Array(raw.utf8), seq: seq)
    }

    @Test(arguments: Engine.available)
    func participantsAreEveryoneWhoSentOrReceived(_ engine: Engine) async throws {
        try await withArchive(engine) { opened in
            let store = opened.archive
            let single = "single:wmC2|zhangsan"
            let switchRecord = try MessageDecoder().decode(Array(#"{"msgid":"cp-switch","action":"switch","time":1700000000009,"user":"lisi"}"#.utf8), seq: 9)
            _ = try await store.commit(IngestBatch(source: "wecom", messages: [
                try Self.message("cp-1", from: "zhangsan", to: ["lisi", "wmC1"], room: "wrQuiet", seq: 1),
                try Self.message("cp-2", from: "wmC1", to: ["zhangsan", "wangwu"], room: "wrQuiet", seq: 2),
                try Self.message("cp-3", from: "zhangsan", to: ["wmC2"], seq: 3),
                switchRecord,
            ]))
            // A later batch adds a recipient to a known conversation.
            _ = try await store.commit(IngestBatch(source: "wecom", messages: [
                try Self.message("cp-4", from: "zhangsan", to: ["zhaoliu"], room: "wrQuiet", seq: 4),
            ]))
            #expect(try await store.participants(ofConversation: "room:wrQuiet") == ["zhangsan", "lisi", "wmC1", "wangwu", "zhaoliu"])
            #expect(try await store.participants(ofConversation: single) == ["zhangsan", "wmC2"])
            #expect(try await store.participants(ofConversation: "room:nowhere").isEmpty)

            // The conversation list's filters count the same people: a silent recipient finds the room, or hides it.
            func ids(_ filter: ConversationFilter) async throws -> [String] { try await store.conversations(filter).conversations.map(\.id).sorted() }
            #expect(try await ids(ConversationFilter(party: "wangwu")) == ["room:wrQuiet"])
            #expect(try await ids(ConversationFilter(visibleStaff: ["lisi"])) == ["room:wrQuiet"])
            #expect(try await ids(ConversationFilter(hiddenStaff: ["wangwu"])) == [single])
            #expect(try await ids(ConversationFilter(hiddenStaff: ["wmC2"])) == ["room:wrQuiet"])

            // Search hides the whole conversation of a hidden participant, not only the messages naming them.
            func found(hiding hidden: [String]) async throws -> [String] {
                var query = MessageQuery()
                query.hiddenParticipants = hidden
                query.limit = 100
                return try await store.search(query).messages.map(\.id.rawValue).sorted()
            }
            #expect(try await found(hiding: []) == ["cp-1", "cp-2", "cp-3", "cp-4", "cp-switch"])
            #expect(try await found(hiding: ["wangwu"]) == ["cp-3", "cp-switch"])
            #expect(try await found(hiding: ["zhaoliu"]) == ["cp-3", "cp-switch"])
            // Outside any conversation, a record is hidden by its own sender and recipients.
            #expect(try await found(hiding: ["lisi"]) == ["cp-3"])

            // A group's synced members and creator take part too, silent or not.
            try await store.saveDirectory(DirectorySnapshot(rooms: [.init(id: "wrQuiet", name: "静室", creator: "boss", members: ["zhangsan", "sunqi"])]))
            #expect(try await store.participants(ofConversation: "room:wrQuiet") == ["zhangsan", "lisi", "wmC1", "wangwu", "zhaoliu", "boss", "sunqi"])
            #expect(try await ids(ConversationFilter(hiddenStaff: ["sunqi"])) == [single])
            #expect(try await found(hiding: ["sunqi"]) == ["cp-3", "cp-switch"])
            #expect(try await found(hiding: ["boss"]) == ["cp-3", "cp-switch"])
        }
    }

    /// An archive written before recipients were recorded gains them when it opens (SQLite's migration is checked in
    /// ConsoleTests, which may open the file directly).
    @Test(.enabled(if: Engine.available.contains(.postgres)))
    func postgresFillsParticipantsFromTheStoredMessagesWhenItMigrates() async throws {
        try await withArchive(.postgres) { opened in
            _ = try await opened.archive.commit(IngestBatch(source: "wecom", messages: [
                try Self.message("bf-1", from: "zhangsan", to: ["lisi", "wmC1"], room: "wrOld", seq: 1),
                try Self.message("bf-2", from: "wmC1", to: ["zhangsan"], seq: 2),
            ]))
            let url = try #require(opened.url)
            // The archive as the previous schema left it: senders only.
            for sql in ["DROP TABLE conversation_party",
                        "CREATE TABLE conversation_sender (conversation text NOT NULL, sender text NOT NULL, PRIMARY KEY (conversation, sender))",
                        "INSERT INTO conversation_sender SELECT DISTINCT conversation, sender FROM message WHERE conversation IS NOT NULL",
                        "DELETE FROM chatledger_migration WHERE name = 'v7-conversation-parties'"] {
                try await ScratchDatabase.execute(sql, on: url)
            }
            let reopened = try await opened.openAgain()
            defer { reopened.close() }
            #expect(try await reopened.participants(ofConversation: "room:wrOld") == ["zhangsan", "lisi", "wmC1"])
            #expect(try await reopened.participants(ofConversation: "single:wmC1|zhangsan") == ["zhangsan", "wmC1"])
            #expect(try await reopened.conversations(ConversationFilter(hiddenStaff: ["lisi"])).conversations.map(\.id) == ["single:wmC1|zhangsan"])
        }
    }
}
