import ArchiveStore
import Foundation
import GRDB

extension SQLiteArchiveStore {
    /// Reads the aggregates for days in [sinceDay, untilDay) — a few grouped reads, no message scans.
    /// - Parameter employees: only rows of these employees (nil: all; customer-side figures are then not split by employee).
    public func insightTotals(sinceDay: String, untilDay: String, employees: Set<String>? = nil) async throws -> InsightTotals {
        try await pool.read { db in
            // Grouped in SQL and, without a scope, summed over employees: the rows returned grow with days, not people.
            let scope = employees == nil ? "" : " AND employee IN (SELECT value FROM json_each(?))"
            let who = employees == nil ? "'' AS employee" : "employee"
            let by = employees == nil ? "" : ", employee"
            let days: StatementArguments = [sinceDay, untilDay]
            var range = days
            if let employees { range += [JSONText.array(employees.sorted())] }
            var totals = InsightTotals()
            totals.violations = try Row.fetchAll(db, sql: """
                SELECT employee, category, sum(count) AS n FROM agg_violation WHERE day >= ? AND day < ? GROUP BY employee, category
                """, arguments: days).map { ($0["employee"], $0["category"], $0["n"]) }
            totals.violationTrend = try Row.fetchAll(db, sql: """
                SELECT day, employee, sum(count) AS n FROM agg_violation WHERE day >= ? AND day < ? GROUP BY day, employee
                """, arguments: days).map { ($0["day"], $0["employee"], $0["n"]) }
            // Summed to weekday × hour in SQL (strftime %w: 0 is Sunday): 168 rows whatever the period.
            totals.hours = try Row.fetchAll(db, sql: """
                SELECT CAST(strftime('%w', day) AS INTEGER) AS weekday, hour, sum(count) AS n FROM agg_hour
                WHERE day >= ? AND day < ?\(scope) GROUP BY weekday, hour
                """, arguments: range).map { (($0["weekday"] as Int + 6) % 7 + 1, $0["hour"], $0["n"]) }
            totals.topics = try Row.fetchAll(db, sql: """
                SELECT \(who), topic, sum(count) AS n FROM agg_topic WHERE day >= ? AND day < ?\(scope) GROUP BY topic\(by)
                """, arguments: range).map { ($0["employee"], $0["topic"], $0["n"]) }
            totals.sentiment = try Row.fetchAll(db, sql: """
                SELECT \(who), label, sum(count) AS n FROM agg_sentiment WHERE day >= ? AND day < ?\(scope) GROUP BY label\(by)
                """, arguments: range).map { ($0["employee"], $0["label"], $0["n"]) }
            totals.mood = try Row.fetchAll(db, sql: """
                SELECT conversation, employee, sum(negative) AS negative, sum(scored) AS scored FROM agg_mood
                WHERE day >= ? AND day < ?\(scope) GROUP BY conversation HAVING sum(negative) > 0 ORDER BY sum(negative) DESC LIMIT 10
                """, arguments: range).map { ($0["conversation"], $0["employee"], $0["negative"], $0["scored"]) }
            totals.volume = try Row.fetchAll(db, sql: """
                SELECT party, role, room, sum(count) AS n FROM agg_volume WHERE day >= ? AND day < ? GROUP BY party, role, room
                """, arguments: days).map { ($0["party"], $0["role"], $0["room"], $0["n"]) }
            let staffScope = employees == nil ? "" : " AND (role <> 'staff' OR party IN (SELECT value FROM json_each(?)))"
            totals.volumeByDay = try Row.fetchAll(db, sql: """
                SELECT day, role, sum(count) AS n FROM agg_volume WHERE day >= ? AND day < ?\(staffScope) GROUP BY day, role
                """, arguments: range).map { ($0["day"], $0["role"], $0["n"]) }
            return totals
        }
    }

    /// Room names, for the volume by customer group.
    public func roomNames() async throws -> [String: String] {
        try await pool.read { db in
            Dictionary(try Row.fetchAll(db, sql: "SELECT id, name FROM room").map { ($0["id"], $0["name"]) }, uniquingKeysWith: { a, _ in a })
        }
    }
}
