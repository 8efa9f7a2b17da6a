import ArchiveModel
import ArchiveStore
import GRDB
import TextKit

/// Writes a message into the search index as keyed-hash tokens: its text, and who took part.
package enum SearchIndexWriter {
    /// The three token columns of one message, computed off the writer.
    struct Columns: Sendable {
        let unigrams: String
        let bigrams: String
        let people: String

        init(text: String, participants: SearchParticipants, hasher: SearchTokenHasher) {
            (unigrams, bigrams) = hasher.documentColumns(text)
            people = hasher.tokens(participants.tokens)
        }
    }

    static func insertStatement(_ db: Database) throws -> Statement {
        try db.cachedStatement(sql: "INSERT INTO message_fts (rowid, uni, bi, who) VALUES (?, ?, ?, ?)")
    }

    static func add(rowID: Int64, _ columns: Columns, statement: Statement) throws {
        try statement.execute(arguments: [rowID, columns.unigrams, columns.bigrams, columns.people])
    }

    static func add(rowID: Int64, text: String, participants: SearchParticipants, hasher: SearchTokenHasher, db: Database) throws {
        try add(rowID: rowID, Columns(text: text, participants: participants, hasher: hasher), statement: insertStatement(db))
    }

    /// Removes a message's tokens; a contentless FTS5 table needs the exact values that were inserted.
    static func remove(rowID: Int64, text: String, participants: SearchParticipants, hasher: SearchTokenHasher, db: Database) throws {
        let columns = Columns(text: text, participants: participants, hasher: hasher)
        try db.execute(sql: "INSERT INTO message_fts (message_fts, rowid, uni, bi, who) VALUES ('delete', ?, ?, ?, ?)",
                       arguments: [rowID, columns.unigrams, columns.bigrams, columns.people])
    }
}
