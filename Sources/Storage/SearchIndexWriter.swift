import GRDB
import TextKit

/// Writes a message's text into the search index as keyed-hash tokens.
enum SearchIndexWriter {
    static func add(rowID: Int64, text: String, hasher: SearchTokenHasher, db: Database) throws {
        let tokens = SearchTokenizer.document(text)
        try db.cachedStatement(sql: "INSERT INTO message_fts (rowid, uni, bi) VALUES (?, ?, ?)")
            .execute(arguments: [rowID, hasher.tokens(tokens.unigrams), hasher.tokens(tokens.bigrams)])
    }

    /// Removes a message's tokens; a contentless FTS5 table needs the exact values that were inserted.
    static func remove(rowID: Int64, text: String, hasher: SearchTokenHasher, db: Database) throws {
        let tokens = SearchTokenizer.document(text)
        try db.execute(sql: "INSERT INTO message_fts (message_fts, rowid, uni, bi) VALUES ('delete', ?, ?, ?)",
                       arguments: [rowID, hasher.tokens(tokens.unigrams), hasher.tokens(tokens.bigrams)])
    }
}
