import ArchiveStore
import Logging
import PostgresNIO

/// Report aggregates and reply-timeout marks written by the commit that stores the messages, as on SQLite: one
/// `unnest` upsert per table and batch.
enum PostgresAggregates {
    static func write(_ aggregator: InsightAggregator, _ connection: PostgresConnection, logger: Logger) async throws {
        for counter in aggregator.counters where !counter.counts.isEmpty {
            try await upsert(counter.counts, into: counter.table, keys: counter.keys, connection, logger: logger)
        }
        guard !aggregator.mood.isEmpty else { return }
        let keys = Array(aggregator.mood.keys)
        try await connection.query("""
            INSERT INTO agg_mood (day, conversation, employee, negative, scored)
            SELECT * FROM unnest(\(keys.map { $0[0] })::text[], \(keys.map { $0[1] })::text[], \(keys.map { $0[2] })::text[],
                                 \(keys.map { Int64(aggregator.mood[$0]!.negative) })::bigint[],
                                 \(keys.map { Int64(aggregator.mood[$0]!.scored) })::bigint[])
            ON CONFLICT (day, conversation) DO UPDATE SET negative = agg_mood.negative + excluded.negative,
                                                        scored = agg_mood.scored + excluded.scored
            """, logger: logger)
    }

    /// Adds counts to a `(keys…, count)` table; keys travel as text and `hour` is cast to its column's type.
    static func upsert(_ counts: [[String]: Int], into table: String, keys: [String], _ connection: PostgresConnection,
                       logger: Logger) async throws {
        let rows = Array(counts.keys)
        var query = DynamicQuery()
        let columns = keys.indices.map { index in "\(query.bind(rows.map { $0[index] }))::text[]" }
        let amounts = query.bind(rows.map { Int64(counts[$0]!) })
        let selected = keys.map { $0 == "hour" ? "\($0)::integer" : $0 }
        try await connection.query(query.query("""
            INSERT INTO \(table) (\(keys.joined(separator: ", ")), count)
            SELECT \(selected.joined(separator: ", ")), count
            FROM unnest(\(columns.joined(separator: ", ")), \(amounts)::bigint[]) AS x(\(keys.joined(separator: ", ")), count)
            ON CONFLICT (\(keys.joined(separator: ", "))) DO UPDATE SET count = \(table).count + excluded.count
            """), logger: logger)
    }

    /// One category's fresh hits of `employee` on the day of `milliseconds`.
    static func addViolations(_ count: Int, employee: String, category: String, at milliseconds: Int64,
                              _ connection: PostgresConnection, logger: Logger) async throws {
        try await upsert([[InsightAggregator.day(milliseconds).day, employee, category]: count], into: "agg_violation",
                         keys: ["day", "employee", "category"], connection, logger: logger)
    }

    /// Marks conversations for the reply-timeout tracker (durably: the mark commits with the messages).
    static func markDirty(_ conversations: [String], _ connection: PostgresConnection, logger: Logger) async throws {
        guard !conversations.isEmpty else { return }
        try await connection.query("""
            INSERT INTO sla_dirty (conversation) SELECT unnest(\(conversations.sorted())::text[])
            ON CONFLICT (conversation) DO UPDATE SET generation = sla_dirty.generation + 1
            """, logger: logger)
    }
}
