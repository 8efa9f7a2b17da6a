import ArchiveModel
import ArchiveStore
import Foundation
import GRDB

extension SQLiteArchiveStore {
    /// Conversations, most recent first, with how many match in all.
    public func conversations(_ filter: ConversationFilter) async throws -> (total: Int, conversations: [ConversationSummary]) {
        try await pool.read { db in
            var conditions: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if let party = filter.party {
                conditions.append(Self.hasParticipant(in: "(?)"))
                arguments += Array(repeating: party, count: 5)
            }
            if let room = filter.room {
                conditions.append("c.roomid = ?")
                arguments.append(room)
            }
            if let visible = filter.visibleStaff {
                conditions.append(Self.hasParticipant(in: "(SELECT value FROM json_each(?))"))
                arguments += Array(repeating: JSONText.array(visible.sorted()), count: 5)
            }
            if !filter.hiddenStaff.isEmpty {
                conditions.append("NOT " + Self.hasParticipant(in: "(SELECT value FROM json_each(?))"))
                arguments += Array(repeating: JSONText.array(filter.hiddenStaff.sorted()), count: 5)
            }
            let whereSQL = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM conversation c \(whereSQL)", arguments: StatementArguments(arguments)) ?? 0
            let rows = try Row.fetchAll(db, sql: """
                SELECT c.*, r.name AS room_name FROM conversation c LEFT JOIN room r ON r.id = c.roomid
                \(whereSQL) ORDER BY c.last_msgtime DESC, c.id LIMIT ? OFFSET ?
                """, arguments: StatementArguments(arguments + [max(1, min(filter.limit, 500)), max(0, filter.offset)]))
            return (total, rows.map { row in
                ConversationSummary(id: row["id"], roomID: row["roomid"], roomName: row["room_name"], partyA: row["party_a"],
                                    partyB: row["party_b"], firstMsgtime: row["first_msgtime"], lastMsgtime: row["last_msgtime"],
                                    messageCount: row["message_count"])
            })
        }
    }

    public func conversation(id: String) async throws -> ConversationSummary? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT c.*, r.name AS room_name FROM conversation c LEFT JOIN room r ON r.id = c.roomid WHERE c.id = ?",
                             arguments: [id]).map { row in
                ConversationSummary(id: row["id"], roomID: row["roomid"], roomName: row["room_name"], partyA: row["party_a"],
                                    partyB: row["party_b"], firstMsgtime: row["first_msgtime"], lastMsgtime: row["last_msgtime"],
                                    messageCount: row["message_count"])
            }
        }
    }

    /// Everyone who took part in a conversation: both parties of a single chat; a group's synced members and creator; and
    /// everyone who sent or received any of its messages (``ArchiveModel/ChatMessage/participants``, recorded by the
    /// commit). The same people as ``hasParticipant(in:)`` and search's ``MessageQuery/hiddenParticipants``.
    public func participants(ofConversation id: String) async throws -> Set<String> {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT party_a, party_b, roomid FROM conversation WHERE id = ?", arguments: [id]) else {
                return []
            }
            var people = Set([row["party_a"], row["party_b"]].compactMap { $0 as String? })
            people.formUnion(try String.fetchAll(db, sql: "SELECT party FROM conversation_party WHERE conversation = ?", arguments: [id]))
            if let room: String = row["roomid"] {
                people.formUnion(try String.fetchAll(db, sql: """
                    SELECT j.value FROM room r, json_each(r.members) j WHERE r.id = ? UNION SELECT creator FROM room WHERE id = ?
                    """, arguments: [room, room]))
            }
            return people
        }
    }

    /// A conversation's messages in time order, `limit` from `offset`.
    public func messages(inConversation id: String, limit: Int, offset: Int = 0) async throws -> [StoredMessage] {
        let sealer = self.sealer
        return try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM message WHERE conversation = ? ORDER BY msgtime, id LIMIT ? OFFSET ?",
                             arguments: [id, max(1, min(limit, 1000)), max(0, offset)]).map { try Self.storedMessage($0, sealer: sealer) }
        }
    }

    /// The directory entry of a party, when known.
    public func party(id: String) async throws -> DirectoryParty? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM party WHERE id = ?", arguments: [id]).map(Self.directoryParty)
        }
    }

    /// Directory entries of one kind (`employee` or `contact`) whose name or id contains `text`.
    public func directory(kind: String, matching text: String = "", limit: Int = 200) async throws -> [DirectoryParty] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM party WHERE kind = ? AND (? = '' OR instr(name, ?) > 0 OR instr(id, ?) > 0) ORDER BY name LIMIT ?
                """, arguments: [kind, text, text, text, limit]).map(Self.directoryParty)
        }
    }

    /// Display names of the parties the directory knows, in one query.
    public func partyNames(_ ids: Set<String>) async throws -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        return try await pool.read { db in
            var names: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, name FROM party WHERE id IN (SELECT value FROM json_each(?))",
                                        arguments: [JSONText.array(ids.sorted())]) {
                names[row["id"]] = row["name"]
            }
            return names
        }
    }

    /// Department ids with their names and parents.
    public func departments() async throws -> [DirectorySnapshot.Department] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM department ORDER BY id").map {
                DirectorySnapshot.Department(id: $0["id"], name: $0["name"], parentID: $0["parent_id"], leaders: Self.strings($0["leaders"]))
            }
        }
    }

    /// A condition on conversation `c`: one of its people is in `list` (an SQL list taking one argument,
    /// which must be bound five times). Never NULL, so it can be negated.
    static func hasParticipant(in list: String) -> String {
        "c.id IN (\(conversationIDs(withParticipantIn: list)))"
    }

    /// The ids of the conversations one of whose people is in `list` (an SQL list taking one argument, which must be
    /// bound five times). The people are those of ``participants(ofConversation:)``: both parties of a single chat; a
    /// group's synced members and creator; everyone who sent or received any of its messages. Driven from the list
    /// through indexes (parties, `conversation_party`, rooms); never NULL.
    static func conversationIDs(withParticipantIn list: String) -> String {
        """
        SELECT id FROM conversation WHERE party_a IN \(list)
        UNION SELECT id FROM conversation WHERE party_b IN \(list)
        UNION SELECT conversation FROM conversation_party WHERE party IN \(list)
        UNION SELECT c2.id FROM room r JOIN conversation c2 ON c2.roomid = r.id WHERE r.creator IN \(list)
        UNION SELECT c3.id FROM room r, json_each(r.members) j JOIN conversation c3 ON c3.roomid = r.id WHERE j.value IN \(list)
        """
    }

    static func directoryParty(_ row: Row) -> DirectoryParty {
        DirectoryParty(id: row["id"], kind: row["kind"], name: row["name"], departmentIDs: numbers(row["department_ids"]),
                       corpName: row["corp_name"])
    }
}
