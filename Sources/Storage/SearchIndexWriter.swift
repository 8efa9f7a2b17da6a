import ArchiveModel
import GRDB
import TextKit

/// Writes a message into the search index as keyed-hash tokens: its text, and who took part.
package enum SearchIndexWriter {
    /// What a message is indexed under besides its text.
    package struct Participants {
        var parties: [String]
        var room: String?
        var conversation: String?

        package init(_ message: ChatMessage) {
            parties = message.participants.map(\.rawValue)
            room = message.room?.rawValue
            conversation = message.conversation?.rawValue
        }

        package init(parties: [String], room: String?, conversation: String?) {
            self.parties = parties
            self.room = room
            self.conversation = conversation
        }

        package var tokens: [String] {
            Array(Set(parties)).sorted().map(SearchIndexWriter.partyToken) + (room.map { [SearchIndexWriter.roomToken($0)] } ?? [])
                + (conversation.map { [SearchIndexWriter.conversationToken($0)] } ?? [])
        }
    }

    package static func partyToken(_ id: String) -> String { "p:" + id }
    package static func roomToken(_ id: String) -> String { "r:" + id }
    package static func conversationToken(_ id: String) -> String { "c:" + id }

    static func add(rowID: Int64, text: String, participants: Participants, hasher: SearchTokenHasher, db: Database) throws {
        let tokens = SearchTokenizer.document(text)
        try db.cachedStatement(sql: "INSERT INTO message_fts (rowid, uni, bi, who) VALUES (?, ?, ?, ?)")
            .execute(arguments: [rowID, hasher.tokens(tokens.unigrams), hasher.tokens(tokens.bigrams), hasher.tokens(participants.tokens)])
    }

    /// Removes a message's tokens; a contentless FTS5 table needs the exact values that were inserted.
    static func remove(rowID: Int64, text: String, participants: Participants, hasher: SearchTokenHasher, db: Database) throws {
        let tokens = SearchTokenizer.document(text)
        try db.execute(sql: "INSERT INTO message_fts (message_fts, rowid, uni, bi, who) VALUES ('delete', ?, ?, ?, ?)",
                       arguments: [rowID, hasher.tokens(tokens.unigrams), hasher.tokens(tokens.bigrams), hasher.tokens(participants.tokens)])
    }
}
