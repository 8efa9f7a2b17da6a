import ArchiveStore
import PostgresNIO

extension PostgresArchiveStore: InsightStore {
    /// Reads the aggregates for days in [sinceDay, untilDay): grouped reads in one snapshot, no message scans.
    public func insightTotals(sinceDay: String, untilDay: String, employees: Set<String>?) async throws -> InsightTotals {
        let scope = employees?.sorted()
        // Without a scope, figures are summed over employees: the rows returned grow with days, not people.
        let who = scope == nil ? "'' AS employee" : "employee"
        let by = scope == nil ? "" : ", employee"
        func ranged(_ sql: (_ range: String) -> String, scoped: Bool) -> PostgresQuery {
            var query = DynamicQuery()
            var range = "day >= \(query.bind(sinceDay)) AND day < \(query.bind(untilDay))"
            if scoped, let scope { range += " AND employee = ANY(\(query.bind(scope))::text[])" }
            return query.query(sql(range))
        }
        return try await transaction { connection in
            func counts<Key>(_ query: PostgresQuery, _ key: (PostgresRandomAccessRow) throws -> Key) async throws -> [(Key, Int)] {
                try await connection.rows(query, logger: logger) { (try key($0), Int(try $0.get($0.count - 1, as: Int64.self))) }
            }
            var totals = InsightTotals()
            totals.violations = try await counts(ranged({ "SELECT employee, category, sum(count)::bigint FROM agg_violation WHERE \($0) GROUP BY employee, category" }, scoped: false)) {
                (try $0.get(0, as: String.self), try $0.get(1, as: String.self))
            }.map { (employee: $0.0.0, category: $0.0.1, count: $0.1) }
            totals.violationTrend = try await counts(ranged({ "SELECT day, employee, sum(count)::bigint FROM agg_violation WHERE \($0) GROUP BY day, employee" }, scoped: false)) {
                (try $0.get(0, as: String.self), try $0.get(1, as: String.self))
            }.map { (day: $0.0.0, employee: $0.0.1, count: $0.1) }
            // ISO weekday of the Beijing date (1 Monday … 7 Sunday) × hour: 168 rows whatever the period.
            totals.hours = try await counts(ranged({ "SELECT extract(isodow FROM day::date)::integer, hour, sum(count)::bigint FROM agg_hour WHERE \($0) GROUP BY 1, 2" }, scoped: true)) {
                (Int(try $0.get(0, as: Int32.self)), Int(try $0.get(1, as: Int32.self)))
            }.map { (weekday: $0.0.0, hour: $0.0.1, count: $0.1) }
            totals.topics = try await counts(ranged({ "SELECT \(who), topic, sum(count)::bigint FROM agg_topic WHERE \($0) GROUP BY topic\(by)" }, scoped: true)) {
                (try $0.get(0, as: String.self), try $0.get(1, as: String.self))
            }.map { (employee: $0.0.0, topic: $0.0.1, count: $0.1) }
            totals.sentiment = try await counts(ranged({ "SELECT \(who), label, sum(count)::bigint FROM agg_sentiment WHERE \($0) GROUP BY label\(by)" }, scoped: true)) {
                (try $0.get(0, as: String.self), try $0.get(1, as: String.self))
            }.map { (employee: $0.0.0, label: $0.0.1, count: $0.1) }
            totals.mood = try await connection.rows(ranged({ """
                SELECT conversation, min(employee), sum(negative)::bigint, sum(scored)::bigint FROM agg_mood WHERE \($0)
                GROUP BY conversation HAVING sum(negative) > 0 ORDER BY sum(negative) DESC, conversation LIMIT 10
                """ }, scoped: true), logger: logger) {
                (conversation: try $0.get(0), employee: try $0.get(1), negative: Int(try $0.get(2, as: Int64.self)),
                 scored: Int(try $0.get(3, as: Int64.self)))
            }
            totals.volume = try await connection.rows(ranged({ "SELECT party, role, room, sum(count)::bigint FROM agg_volume WHERE \($0) GROUP BY party, role, room" }, scoped: false), logger: logger) {
                (party: try $0.get(0), role: try $0.get(1), room: try $0.get(2), count: Int(try $0.get(3, as: Int64.self)))
            }
            var byDay = DynamicQuery()
            var sql = "SELECT day, role, sum(count)::bigint FROM agg_volume WHERE day >= \(byDay.bind(sinceDay)) AND day < \(byDay.bind(untilDay))"
            if let scope { sql += " AND (role <> 'staff' OR party = ANY(\(byDay.bind(scope))::text[]))" }
            totals.volumeByDay = try await connection.rows(byDay.query(sql + " GROUP BY day, role"), logger: logger) {
                (day: try $0.get(0), role: try $0.get(1), count: Int(try $0.get(2, as: Int64.self)))
            }
            return totals
        }
    }
}
