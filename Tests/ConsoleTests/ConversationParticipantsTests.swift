import ArchiveModel
import ArchiveStore
import Console
import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import Ingest
import NIOCore
import SQLiteStore
import Testing
import WeCom

/// Who took part in a conversation is one set on every surface: both parties of a single chat; a group's synced members
/// and creator; and everyone who sent or received any of its messages. A protected employee among them hides the whole
/// conversation from a reader not named for them — opened, listed and searched alike.
@Suite(.serialized) struct ConversationParticipantsTests {
    /// An employee of the manager's department, added for these tests (the simulator's are busy elsewhere).
    static let staff = "pt_staff"
    static let customer = "wmPtCustomer01"
    /// A group the directory never synced: only its messages say who is in it.
    static let unsynced = "wrPtUnsynced"
    /// A synced group with the protected employee as a silent member (never named in a message).
    static let synced = "wrPtSynced"
    /// The control: a never-synced group without the protected employee.
    static let open = "wrPtOpen"

    static func line(_ id: String, from: String, to: [String], room: String, index: Int, text: String) -> [UInt8] {
        let recipients = to.map { "\"\($0)\"" }.joined(separator: ",")
        return Array(#"{"msgid":"\#(id)","action":"send","from":"\#(from)","tolist":[\#(recipients)],"roomid":"\#(room)","msgtime":\#(1_764_000_000_000 + index * 1000),"msgtype":"text","text":{"content":"\#(text)"}}"#.utf8)
    }

    static func path(_ room: String) -> String { "room:\(room)".addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }

    @Test func aProtectedEmployeeHidesTheGroupWhetherNamedInMessagesOrOnlyInTheMemberList() async throws {
        let fixture = try await ConsoleFixture.make(messages: 200, seed: 909)
        let protected = fixture.protectedEmployee
        try await fixture.store.saveDirectory(DirectorySnapshot(
            parties: [.init(id: Self.staff, kind: .employee, name: "参与测试", departmentIDs: [fixture.managedDepartment], corpName: nil, status: 1)],
            rooms: [.init(id: Self.synced, name: "明室", creator: Self.staff, members: [Self.staff, protected, Self.customer])]))
        let lines = [
            // Never synced: the protected employee only receives, and not every message.
            Self.line("pt-1", from: Self.staff, to: [protected, Self.customer], room: Self.unsynced, index: 1, text: "暗室甲方案"),
            Self.line("pt-2", from: Self.staff, to: [Self.customer], room: Self.unsynced, index: 2, text: "暗室乙方案"),
            // Synced: a member never named in any message.
            Self.line("pt-3", from: Self.staff, to: [Self.customer], room: Self.synced, index: 3, text: "明室丙方案"),
            Self.line("pt-4", from: Self.customer, to: [Self.staff], room: Self.synced, index: 4, text: "明室丁方案"),
            Self.line("pt-5", from: Self.staff, to: [Self.customer], room: Self.open, index: 5, text: "敞室戊方案"),
        ]
        let summary = try await IngestPipeline(store: fixture.store, opener: EnvelopeOpener(keyRing: PrivateKeyRing())).importMessages(lines)
        #expect(summary.inserted == lines.count)
        #expect(try await fixture.store.participants(ofConversation: "room:\(Self.unsynced)") == [Self.staff, protected, Self.customer])
        #expect(try await fixture.store.participants(ofConversation: "room:\(Self.synced)") == [Self.staff, protected, Self.customer])
        let outsiderHash = AccountService(store: fixture.store, config: ConsoleConfig(), bcryptCost: 4).hashPassword(ConsoleFixture.password)
        try await fixture.store.addUser(ConsoleUser(username: "outsider", displayName: "outsider", passwordHash: outsiderHash,
                                                    roles: ["auditor"], departments: [1], mayUnmask: false))

        try await fixture.withClient { client in
            func hits(_ term: String, _ token: String) async throws -> [String] {
                let (status, body) = try await client.json("/api/v1/search?limit=100&q=\(term.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
                                                           token: token)
                #expect(status == .ok)
                return ((body as? [String: Any])?["hits"] as? [[String: Any]] ?? []).compactMap { $0["msgid"] as? String }.sorted()
            }
            // Readers not named for the protected employee: the manager (whose scope holds the staff member) and an
            // auditor of the whole corp.
            for reader in ["manager", "outsider"] {
                let token = try await client.login(reader)
                for room in [Self.unsynced, Self.synced] {
                    #expect(try await client.get("/api/v1/conversations/\(Self.path(room))/messages", token: token).status == .notFound,
                            "\(reader) opened \(room)")
                    #expect(try await client.get("/conversations/\(Self.path(room))", token: token).status == .notFound, "\(reader) page \(room)")
                    let (_, listed) = try await client.json("/api/v1/conversations?room=\(room)", token: token)
                    #expect((listed as? [String: Any])?["total"] as? Int == 0, "\(reader) lists \(room)")
                }
                #expect(try await hits("暗室", token).isEmpty, "\(reader) finds messages of the never-synced group")
                #expect(try await hits("明室", token).isEmpty, "\(reader) finds messages of the group with a silent protected member")
                for msgid in ["pt-1", "pt-2", "pt-3", "pt-4"] {
                    #expect(try await client.get("/api/v1/messages/\(msgid)", token: token).status == .notFound, "\(reader) \(msgid)")
                }
                // The control: a group without the protected employee stays readable.
                #expect(try await client.get("/api/v1/conversations/\(Self.path(Self.open))/messages", token: token).status == .ok, "\(reader)")
                #expect(try await hits("敞室", token) == ["pt-5"], "\(reader)")
            }
            // The auditor named for the protected employee sees all of it.
            let auditor = try await client.login("auditor")
            for room in [Self.unsynced, Self.synced, Self.open] {
                #expect(try await client.get("/api/v1/conversations/\(Self.path(room))/messages", token: auditor).status == .ok, "\(room)")
            }
            #expect(try await hits("暗室", auditor) == ["pt-1", "pt-2"])
            #expect(try await hits("明室", auditor) == ["pt-3", "pt-4"])
        }
    }

    /// An archive written before recipients were recorded gains them when it opens: the migration reads them from the
    /// stored messages.
    @Test func anOlderArchiveLearnsItsRecipientsWhenItOpens() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("participants-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("a.sqlite").path
        let key = MasterKey.generate()
        let store = try SQLiteArchiveStore(path: path, masterKey: key)
        _ = try await IngestPipeline(store: store, opener: EnvelopeOpener(keyRing: PrivateKeyRing())).importMessages([
            Self.line("old-1", from: Self.staff, to: ["quiet_member", Self.customer], room: Self.unsynced, index: 1, text: "旧档"),
            Self.line("old-2", from: Self.customer, to: [Self.staff], room: "", index: 2, text: "旧档"),
        ])
        // The archive as the previous schema left it: senders only.
        try await DatabaseQueue(path: path).write { db in
            try db.execute(sql: """
                DROP TABLE conversation_party;
                CREATE TABLE conversation_sender (conversation TEXT NOT NULL, sender TEXT NOT NULL, PRIMARY KEY (conversation, sender)) WITHOUT ROWID;
                CREATE INDEX conversation_sender_sender ON conversation_sender(sender);
                INSERT INTO conversation_sender SELECT DISTINCT conversation, sender FROM message WHERE conversation IS NOT NULL;
                DELETE FROM grdb_migrations WHERE identifier = 'v9-conversation-parties';
                """)
        }
        let reopened = try SQLiteArchiveStore(path: path, masterKey: key)
        #expect(try await reopened.participants(ofConversation: "room:\(Self.unsynced)") == [Self.staff, "quiet_member", Self.customer])
        #expect(try await reopened.participants(ofConversation: "single:\(Self.staff)|\(Self.customer)") == [Self.staff, Self.customer])
        #expect(try await reopened.conversations(ConversationFilter(hiddenStaff: ["quiet_member"])).conversations.map(\.id)
                == ["single:\(Self.staff)|\(Self.customer)"])
        _ = store
    }
}
