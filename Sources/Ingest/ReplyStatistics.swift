import ArchiveStore
import Foundation
import Quality

/// First-response and average response times, reply rate within the target, per employee and department.
public struct ReplyStatistics: Sendable, Codable {
    public struct Row: Sendable, Codable {
        /// An employee's userid or a department id.
        public var key: String
        public var waits: Int
        public var answered: Int
        public var answeredWithinTarget: Int
        /// Answered within the target ÷ waits.
        public var replyRate: Double
        public var averageResponseMinutes: Double?
        /// Over the first wait of each conversation and day.
        public var averageFirstResponseMinutes: Double?
        public var overdueNow: Int
    }

    public var since: Int64
    public var until: Int64
    public var employees: [Row]
    public var departments: [Row]

    /// - Parameter overdue: waits overdue now (their customer messages), to count per employee.
    public static func compute(_ waits: [StoredWait], overdue: Set<String>, since: Int64, until: Int64,
                               calendar: BusinessCalendar = .standard) -> ReplyStatistics {
        // The first wait of each conversation and (local) day.
        var firstOfDay: [String: StoredWait] = [:]
        for wait in waits {
            let key = wait.conversation + "#" + String(calendar.localDay(of: wait.waitingSince))
            if firstOfDay[key].map({ wait.waitingSince < $0.waitingSince }) ?? true { firstOfDay[key] = wait }
        }
        let firsts = Set(firstOfDay.values.map(\.customerMsgid))
        func rows(_ key: (StoredWait) -> String?) -> [Row] {
            var grouped: [String: [StoredWait]] = [:]
            for wait in waits { if let value = key(wait) { grouped[value, default: []].append(wait) } }
            return grouped.map { key, waits in
                let answered = waits.filter { $0.workingMilliseconds != nil }
                let within = answered.filter { $0.workingMilliseconds! <= $0.targetMilliseconds }.count
                let firstAnswered = answered.filter { firsts.contains($0.customerMsgid) }
                return Row(key: key, waits: waits.count, answered: answered.count, answeredWithinTarget: within,
                           replyRate: waits.isEmpty ? 0 : Double(within) / Double(waits.count),
                           averageResponseMinutes: mean(answered.map { Double($0.workingMilliseconds!) / 60_000 }),
                           averageFirstResponseMinutes: mean(firstAnswered.map { Double($0.workingMilliseconds!) / 60_000 }),
                           overdueNow: waits.filter { overdue.contains($0.customerMsgid) }.count)
            }.sorted { $0.key < $1.key }
        }
        return ReplyStatistics(since: since, until: until, employees: rows { $0.employee }, departments: rows { $0.department.map(String.init) })
    }

    static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : (values.reduce(0, +) / Double(values.count) * 10).rounded() / 10
    }
}

extension ReplyStatistics {
    /// The same figures from the daily aggregates (what reports use: no scan of the waits).
    public init(totals: [ReplyTotals], overdue: [String: Int], organisation: OrganisationFacts, since: Int64, until: Int64) {
        func row(_ key: String, _ parts: [ReplyTotals], overdue: Int) -> Row {
            let waits = parts.reduce(0) { $0 + $1.waits }, answered = parts.reduce(0) { $0 + $1.answered }
            let within = parts.reduce(0) { $0 + $1.within }, firsts = parts.reduce(0) { $0 + $1.firsts }
            let working = parts.reduce(Int64(0)) { $0 + $1.workingMilliseconds }, firstWorking = parts.reduce(Int64(0)) { $0 + $1.firstWorkingMilliseconds }
            func minutes(_ total: Int64, _ count: Int) -> Double? { count == 0 ? nil : (Double(total) / Double(count) / 60_000 * 10).rounded() / 10 }
            return Row(key: key, waits: waits, answered: answered, answeredWithinTarget: within,
                       replyRate: waits == 0 ? 0 : Double(within) / Double(waits), averageResponseMinutes: minutes(working, answered),
                       averageFirstResponseMinutes: minutes(firstWorking, firsts), overdueNow: overdue)
        }
        let active = totals.filter { $0.waits > 0 }
        employees = active.map { row($0.employee, [$0], overdue: overdue[$0.employee] ?? 0) }.sorted { $0.key < $1.key }
        var byDepartment: [String: [ReplyTotals]] = [:]
        var overdueByDepartment: [String: Int] = [:]
        for total in active {
            guard let department = organisation.chain(of: total.employee).first else { continue }
            byDepartment[String(department), default: []].append(total)
            overdueByDepartment[String(department), default: 0] += overdue[total.employee] ?? 0
        }
        departments = byDepartment.map { row($0.key, $0.value, overdue: overdueByDepartment[$0.key] ?? 0) }.sorted { $0.key < $1.key }
        self.since = since
        self.until = until
    }
}
