import ArchiveModel
import ArchiveStore
import GRDB

/// The SQLite engine's execution of an aggregator's counts: a few cached upserts per batch.
extension InsightAggregator {
    func write(_ db: Database) throws {
        for counter in counters { try Self.upsert(counter.counts, into: counter.table, keys: counter.keys, db: db) }
        for (key, entry) in mood {
            try db.cachedStatement(sql: """
                INSERT INTO agg_mood (day, conversation, employee, negative, scored) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (day, conversation) DO UPDATE SET negative = negative + excluded.negative, scored = scored + excluded.scored
                """).execute(arguments: [key[0], key[1], key[2], entry.negative, entry.scored])
        }
    }

    /// Adds counts to a `(keys…, count)` table (text keys; SQLite's column affinity stores an hour as an integer).
    static func upsert(_ counts: [[String]: Int], into table: String, keys: [String], db: Database) throws {
        guard !counts.isEmpty else { return }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO \(table) (\(keys.joined(separator: ", ")), count) VALUES (\(Array(repeating: "?", count: keys.count + 1).joined(separator: ", ")))
            ON CONFLICT (\(keys.joined(separator: ", "))) DO UPDATE SET count = count + excluded.count
            """)
        for (key, count) in counts { try statement.execute(arguments: StatementArguments(key) + [count]) }
    }

    /// One violation hit of `employee` on the day of `milliseconds`.
    static func addViolations(_ count: Int, employee: String, category: String, at milliseconds: Int64, db: Database) throws {
        try upsert([[day(milliseconds).day, employee, category]: count], into: "agg_violation", keys: ["day", "employee", "category"], db: db)
    }
}
