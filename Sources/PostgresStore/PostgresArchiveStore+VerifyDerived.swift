import ArchiveStore
import Logging
import PostgresNIO

extension PostgresArchiveStore {
    /// What the walk cannot see row by row: recall links, conversation counters and people (the index is per row here).
    func checkDerived(_ walk: inout LedgerWalk, _ connection: PostgresConnection) async throws {
        var recalls: [String: String?] = [:]
        let targets = walk.recallTargets
        if !targets.isEmpty {
            for try await (msgid, recalledBy) in try await connection.query("""
                SELECT msgid, recalled_by FROM message WHERE msgid = ANY(\(targets)::text[])
                """, logger: logger).decode((String, String?).self) {
                recalls[msgid] = .some(recalledBy)
            }
        }
        walk.checkRecalls(stored: recalls)

        var conversations: [StoredConversationCounters] = []
        for try await (id, room, partyA, partyB, first, last, count) in try await connection.query("""
            SELECT id, roomid, party_a, party_b, first_msgtime, last_msgtime, message_count FROM conversation
            """, logger: logger).decode((String, String?, String?, String?, Int64, Int64, Int64).self) {
            conversations.append(StoredConversationCounters(id: id, room: room, partyA: partyA, partyB: partyB,
                                                            first: first, last: last, count: count))
        }
        var people: [String: Set<String>] = [:]
        for try await (conversation, party) in try await connection.query("""
            SELECT conversation, party FROM conversation_party
            """, logger: logger).decode((String, String).self) {
            people[conversation, default: []].insert(party)
        }
        walk.checkConversations(conversations, people: people)

        var cases: [(id: String, held: Bool)] = []
        for try await (id, held) in try await connection.query("SELECT id, held_since IS NOT NULL FROM evidence_case", logger: logger)
            .decode((String, Bool).self) { cases.append((id, held)) }
        var members: [String: Set<String>] = [:]
        for try await (id, msgid) in try await connection.query("SELECT case_id, msgid FROM case_message", logger: logger)
            .decode((String, String).self) { members[id, default: []].insert(msgid) }
        walk.checkCases(stored: cases, members: members)
    }
}

extension SearchVector {
    /// Whether a stored `tsvector` (PostgreSQL's text form, `'lexeme':1A,2B …`) holds exactly the entries of the
    /// document ChatLedger writes for the message (`lexeme:1A,2B …`).
    package static func compare(stored: String, expected: String) -> IndexOutcome {
        let found = entries(stored)
        let wanted = entries(expected)
        guard found != wanted else { return .matches }
        let missing = wanted.subtracting(found).count
        let extra = found.subtracting(wanted).count
        return .differs("the search index entry differs from the message's text and participants (\(missing) token positions missing, \(extra) not from the message)")
    }

    /// Each lexeme/position/weight of a tsvector text, quoting removed; weight D is written by PostgreSQL without a letter.
    static func entries(_ text: String) -> Set<String> {
        var result = Set<String>()
        for item in text.split(separator: " ") {
            guard let colon = item.lastIndex(of: ":") else {
                result.insert(String(item.filter { $0 != "'" }) + ":0:D")
                continue
            }
            let lexeme = item[..<colon].filter { $0 != "'" }
            for position in item[item.index(after: colon)...].split(separator: ",") {
                let weight = position.last.map { $0.isLetter ? String($0) : "D" } ?? "D"
                let number = position.filter(\.isNumber)
                result.insert("\(lexeme):\(number):\(weight)")
            }
        }
        return result
    }
}
