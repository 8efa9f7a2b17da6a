import ArchiveModel
import ArchiveStore
import Decisions
import Foundation
import NIOCore
import PostgresNIO

/// A query whose SQL is assembled at run time, with its parameters numbered as they are bound.
package struct DynamicQuery {
    var conditions: [String] = []
    var bindings = PostgresBindings()

    package init() {}

    package mutating func bind(_ value: some PostgresNonThrowingEncodable & PostgresDynamicTypeEncodable) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }

    var whereClause: String { conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ") }

    package func query(_ sql: String) -> PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: bindings) }
}

extension PostgresArchiveStore: ConversationCatalog, AuditTrail, ArchiveHousekeeping {
    static let conversationColumns = """
        c.id, c.roomid, r.name, c.party_a, c.party_b, c.first_msgtime, c.last_msgtime, c.message_count
        """

    static func conversationSummary(_ row: PostgresRandomAccessRow) throws -> ConversationSummary {
        ConversationSummary(id: try row.get(0), roomID: try row.get(1), roomName: try row.get(2), partyA: try row.get(3),
                            partyB: try row.get(4), firstMsgtime: try row.get(5), lastMsgtime: try row.get(6),
                            messageCount: Int(try row.get(7, as: Int64.self)))
    }

    /// A condition on conversation `c`: one of its people is in the text array `list` (a parameter). Never NULL, so it
    /// can be negated.
    static func hasParticipant(in list: String) -> String {
        "c.id IN (\(conversationIDs(withParticipantIn: list)))"
    }

    /// The ids of the conversations one of whose people is in the text array `list` (a parameter). The people are those of
    /// ``participants(ofConversation:)``: both parties of a single chat; a group's synced members and creator; everyone who
    /// sent or received any of its messages. Driven from the list through indexes (parties, `conversation_party`, rooms);
    /// never NULL.
    static func conversationIDs(withParticipantIn list: String) -> String {
        """
        SELECT id FROM conversation WHERE party_a = ANY(\(list)::text[])
        UNION SELECT id FROM conversation WHERE party_b = ANY(\(list)::text[])
        UNION SELECT conversation FROM conversation_party WHERE party = ANY(\(list)::text[])
        UNION SELECT c2.id FROM room r JOIN conversation c2 ON c2.roomid = r.id
              WHERE r.members && \(list)::text[] OR r.creator = ANY(\(list)::text[])
        """
    }

    public func conversations(_ filter: ConversationFilter) async throws -> (total: Int, conversations: [ConversationSummary]) {
        var query = DynamicQuery()
        if let party = filter.party { query.conditions.append(Self.hasParticipant(in: query.bind([party]))) }
        if let room = filter.room { query.conditions.append("c.roomid = \(query.bind(room))") }
        if let visible = filter.visibleStaff { query.conditions.append(Self.hasParticipant(in: query.bind(visible.sorted()))) }
        if !filter.hiddenStaff.isEmpty {
            query.conditions.append("NOT " + Self.hasParticipant(in: query.bind(filter.hiddenStaff.sorted())))
        }
        let whereClause = query.whereClause
        let total = query
        let limit = query.bind(Int64(max(1, min(filter.limit, 500))))
        let offset = query.bind(Int64(max(0, filter.offset)))
        return try await transaction { connection in
            let count = try await connection.scalar(total.query("SELECT count(*) FROM conversation c \(whereClause)"), Int64.self,
                                                    logger: logger) ?? 0
            let page = try await connection.rows(query.query("""
                SELECT \(Self.conversationColumns) FROM conversation c LEFT JOIN room r ON r.id = c.roomid
                \(whereClause) ORDER BY c.last_msgtime DESC, c.id LIMIT \(limit) OFFSET \(offset)
                """), logger: logger, Self.conversationSummary)
            return (Int(count), page)
        }
    }

    public func conversation(id: String) async throws -> ConversationSummary? {
        try await connection { connection in
            try await connection.row("""
                SELECT \(unescaped: Self.conversationColumns) FROM conversation c LEFT JOIN room r ON r.id = c.roomid WHERE c.id = \(id)
                """, logger: logger, Self.conversationSummary)
        }
    }

    /// Everyone who took part in a conversation: both parties of a single chat; a group's synced members and creator; and
    /// everyone who sent or received any of its messages (``ArchiveModel/ChatMessage/participants``, recorded by the
    /// commit). The same people as ``hasParticipant(in:)`` and search's ``MessageQuery/hiddenParticipants``.
    public func participants(ofConversation id: String) async throws -> Set<String> {
        try await connection { connection in
            guard let (partyA, partyB, room) = try await connection.row("""
                SELECT party_a, party_b, roomid FROM conversation WHERE id = \(id)
                """, logger: logger, { (try $0.get(0, as: String?.self), try $0.get(1, as: String?.self), try $0.get(2, as: String?.self)) })
            else { return [] }
            var people = Set([partyA, partyB].compactMap { $0 })
            for try await person in try await connection.query("""
                SELECT party FROM conversation_party WHERE conversation = \(id)
                """, logger: logger).decode(String.self) { people.insert(person) }
            if let room {
                for try await person in try await connection.query("""
                    SELECT unnest(members) FROM room WHERE id = \(room) UNION SELECT creator FROM room WHERE id = \(room)
                    """, logger: logger).decode(String.self) { people.insert(person) }
            }
            return people
        }
    }

    public func messages(inConversation id: String, limit: Int, offset: Int) async throws -> [StoredMessage] {
        try await connection { connection in
            guard let (first, last) = try await connection.row("SELECT first_msgtime, last_msgtime FROM conversation WHERE id = \(id)",
                                                               logger: logger, { (try $0.get(0, as: Int64.self), try $0.get(1, as: Int64.self)) })
            else { return [] }
            // The conversation's time span prunes the month partitions it never touched.
            return try await storedMessages("""
                SELECT \(unescaped: Self.messageColumns) FROM message m WHERE m.conversation = \(id) AND m.msgtime BETWEEN \(first) AND \(last)
                ORDER BY m.msgtime, m.leaf_index LIMIT \(Int64(max(1, min(limit, 1000)))) OFFSET \(Int64(max(0, offset)))
                """, connection)
        }
    }

    static func directoryParty(_ row: PostgresRandomAccessRow) throws -> DirectoryParty {
        DirectoryParty(id: try row.get(0), kind: try row.get(1), name: try row.get(2), departmentIDs: try row.get(3), corpName: try row.get(4))
    }

    public func party(id: String) async throws -> DirectoryParty? {
        try await connection { connection in
            try await connection.row("SELECT id, kind, name, department_ids, corp_name FROM party WHERE id = \(id)", logger: logger,
                                     Self.directoryParty)
        }
    }

    public func directory(kind: String, matching text: String, limit: Int) async throws -> [DirectoryParty] {
        try await connection { connection in
            try await connection.rows("""
                SELECT id, kind, name, department_ids, corp_name FROM party
                WHERE kind = \(kind) AND (\(text) = '' OR strpos(name, \(text)) > 0 OR strpos(id, \(text)) > 0)
                ORDER BY name LIMIT \(Int64(limit))
                """, logger: logger, Self.directoryParty)
        }
    }

    public func partyNames(_ ids: Set<String>) async throws -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        return try await connection { connection in
            var names: [String: String] = [:]
            for try await (id, name) in try await connection.query("""
                SELECT id, name FROM party WHERE id = ANY(\(ids.sorted())::text[])
                """, logger: logger).decode((String, String).self) { names[id] = name }
            return names
        }
    }

    public func departments() async throws -> [DirectorySnapshot.Department] {
        try await connection { connection in
            try await connection.rows("SELECT id, name, parent_id, leaders FROM department ORDER BY id", logger: logger) {
                DirectorySnapshot.Department(id: try $0.get(0), name: try $0.get(1), parentID: try $0.get(2), leaders: try $0.get(3))
            }
        }
    }

    public func roomNames() async throws -> [String: String] {
        try await connection { connection in
            var names: [String: String] = [:]
            for try await (id, name) in try await connection.query("SELECT id, name FROM room", logger: logger)
                .decode((String, String).self) { names[id] = name }
            return names
        }
    }

    public func organisationFacts() async throws -> OrganisationFacts {
        try await connection { connection in
            var facts = OrganisationFacts(parent: [:], leaders: [:], employeeDepartments: [:])
            for try await (id, parent, leaders) in try await connection.query("SELECT id, parent_id, leaders FROM department", logger: logger)
                .decode((Int64, Int64?, [String]).self) {
                if let parent { facts.parent[id] = parent }
                facts.leaders[id] = leaders
            }
            for try await (id, departments) in try await connection.query("""
                SELECT id, department_ids FROM party WHERE kind = 'employee'
                """, logger: logger).decode((String, [Int64]).self) { facts.employeeDepartments[id] = departments }
            return facts
        }
    }

    public func activeConversations(since: Int64, until: Int64) async throws -> [(conversation: String, employee: String)] {
        try await connection { connection in
            try await connection.rows("""
                SELECT c.id, c.roomid, c.party_a, c.party_b, r.creator FROM conversation c LEFT JOIN room r ON r.id = c.roomid
                WHERE c.last_msgtime >= \(since) AND c.first_msgtime < \(until)
                """, logger: logger) { row -> (String, String?) in
                let facts = ResponsibleEmployee.Facts(room: try row.get(1, as: String?.self), partyA: try row.get(2, as: String?.self),
                                                      partyB: try row.get(3, as: String?.self), owner: try row.get(4, as: String?.self))
                return (try row.get(0), ResponsibleEmployee.of(facts)?.rawValue)
            }.compactMap { id, employee in employee.map { (conversation: id, employee: $0) } }
        }
    }

    public func auditEvents(_ filter: AuditFilter) async throws -> [StoredAuditEvent] {
        var query = DynamicQuery()
        if let actor = filter.actor { query.conditions.append("actor = \(query.bind(actor))") }
        if let action = filter.action { query.conditions.append("action = \(query.bind(action))") }
        if let since = filter.since { query.conditions.append("at >= \(query.bind(since))") }
        if let until = filter.until { query.conditions.append("at < \(query.bind(until))") }
        if let before = filter.before { query.conditions.append("id < \(query.bind(before))") }
        let sql = "SELECT id, leaf_index, event FROM audit_event \(query.whereClause) ORDER BY id DESC LIMIT \(query.bind(Int64(max(1, min(filter.limit, 1000)))))"
        return try await connection { connection in
            try await connection.rows(query.query(sql), logger: logger) { row in
                let leafIndex = UInt64(try row.get(1, as: Int64.self))
                let json = try sealer.open(Array(buffer: try row.get(2, as: ByteBuffer.self)), context: SealContext.audit(leafIndex))
                return StoredAuditEvent(id: try row.get(0), leafIndex: leafIndex,
                                        event: try JSONDecoder().decode(AuditEvent.self, from: Data(json)))
            }
        }
    }

    public func auditEventCount() async throws -> Int {
        try await connection { connection in
            Int(try await connection.scalar("SELECT count(*) FROM audit_event", Int64.self, logger: logger) ?? 0)
        }
    }

    public func dataKeyStatus() async throws -> [DataKeyStatus] {
        try await connection { connection in
            try await connection.rows("SELECT id, master_fingerprint, active, created_at FROM data_key ORDER BY id", logger: logger) {
                DataKeyStatus(id: Int64(try $0.get(0, as: Int32.self)), masterFingerprint: try $0.get(1), active: try $0.get(2),
                              createdAt: try $0.get(3))
            }
        }
    }
}
