import ArchiveModel
import ArchiveStore
import GRDB
import TextKit

/// Writes a message into the search index as keyed-hash tokens: its text, and who took part.
package enum SearchIndexWriter {
    static func add(rowID: Int64, text: String, participants: SearchParticipants, hasher: SearchTokenHasher, db: Database) throws {
        let tokens = SearchTokenizer.document(text)
        try db.cachedStatement(sql: "INSERT INTO message_fts (rowid, uni, bi, who) VALUES (?, ?, ?, ?)")
            .execute(arguments: [rowID, hasher.tokens(tokens.unigrams), hasher.tokens(tokens.bigrams), hasher.tokens(participants.tokens)])
    }

    /// Removes a message's tokens; a contentless FTS5 table needs the exact values that were inserted.
    static func remove(rowID: Int64, text: String, participants: SearchParticipants, hasher: SearchTokenHasher, db: Database) throws {
        let tokens = SearchTokenizer.document(text)
        try db.execute(sql: "INSERT INTO message_fts (message_fts, rowid, uni, bi, who) VALUES ('delete', ?, ?, ?, ?)",
                       arguments: [rowID, hasher.tokens(tokens.unigrams), hasher.tokens(tokens.bigrams), hasher.tokens(participants.tokens)])
    }
}
