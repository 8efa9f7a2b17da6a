import ArchiveModel
import ArchiveStore
import Foundation
import Insights
import Quality

/// The managers' report for a period and scope: violation ranking, consultation peak hours, issue types,
/// response times and review scores, sentiment, message volume. Built from the aggregates ingest keeps.
public struct InsightReport: Sendable, Codable {
    public struct Violations: Sendable, Codable {
        public var byEmployee: [Ranked]
        public var byDepartment: [Ranked]
        /// Violations per day.
        public var trend: [DayCount]
    }

    public struct Ranked: Sendable, Codable {
        /// Employee userid or department id.
        public var key: String
        public var name: String
        public var total: Int
        public var byCategory: [String: Int]
    }

    public struct DayCount: Sendable, Codable {
        public var day: String
        public var count: Int
    }

    public struct PeakHours: Sendable, Codable {
        /// Customer messages per ISO weekday (rows 0…6 = Monday…Sunday) and hour (columns 0…23), Beijing time.
        public var matrix: [[Int]]
        public var busiest: [Slot]
    }

    public struct Slot: Sendable, Codable {
        public var weekday: Int
        public var hour: Int
        public var count: Int
    }

    public struct TopicCount: Sendable, Codable {
        public var topic: String
        public var name: String
        public var count: Int
    }

    public struct Review: Sendable, Codable {
        public var employee: String
        public var name: String
        public var reviews: Int
        public var averageScore: Double
    }

    public struct Sentiment: Sendable, Codable {
        public var positive: Int
        public var neutral: Int
        public var negative: Int
        public var mostNegative: [Mood]
    }

    public struct Mood: Sendable, Codable {
        public var conversation: String
        public var employee: String
        public var negative: Int
        public var scored: Int
    }

    public struct Volume: Sendable, Codable {
        public var byEmployee: [Named]
        public var byGroup: [Named]
        public var byDay: [DayVolume]
    }

    public struct Named: Sendable, Codable {
        public var key: String
        public var name: String
        public var messages: Int
    }

    public struct DayVolume: Sendable, Codable {
        public var day: String
        public var customer: Int
        public var staff: Int
    }

    /// Milliseconds.
    public var since: Int64
    public var until: Int64
    public var department: Int64?
    public var violations: Violations
    public var peakHours: PeakHours
    public var topics: [TopicCount]
    public var response: ReplyStatistics
    public var quality: [Review]
    public var sentiment: Sentiment
    public var volume: Volume

    /// - Parameters:
    ///   - department: only employees of this department and its sub-departments.
    ///   - employees: only these employees (the reader's scope); nil for all.
    ///   - recomputingWaits: first bring reply waits up to date (the CLI and the digest); the console's GET reads them
    ///     as the reply-timeout service last computed them.
    public static func build(store: any ConsoleArchive, since: Int64, until: Int64, department: Int64? = nil,
                             employees scope: Set<String>? = nil, topics rules: TopicRules = .standard,
                             recomputingWaits: Bool = true) async throws -> InsightReport {
        if recomputingWaits { try await ReplyTimeoutTracker(store: store, channels: []).recomputeDirty() }
        let organisation = try await store.organisationFacts()
        let departments = Dictionary(try await store.departments().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        func included(_ employee: String) -> Bool {
            if let scope, !scope.contains(employee) { return false }
            if let department { return organisation.chain(of: employee).contains(department) }
            return true
        }
        func isEmployee(_ party: String) -> Bool { PartyID(rawValue: party).inferredKind == .employee }
        // Aggregates are kept per Beijing day; a period covers the days its bounds fall on ("~" sorts after the day itself).
        let (sinceDay, untilDay) = (day(since), day(until - 1) + "~")
        let selected: Set<String>? = department == nil && scope == nil ? nil
            : Set(organisation.employeeDepartments.keys.filter(included))
        let totals = try await store.insightTotals(sinceDay: sinceDay, untilDay: untilDay, employees: selected)
        var people = Set(totals.violations.map(\.employee) + totals.volume.map(\.party))
        people.formUnion(totals.mood.map(\.employee))
        let names = try await store.partyNames(people)

        // Violations: staff only (a customer's abuse is not the employee's violation).
        var byEmployee: [String: [String: Int]] = [:]
        for row in totals.violations where isEmployee(row.employee) && included(row.employee) {
            byEmployee[row.employee, default: [:]][row.category, default: 0] += row.count
        }
        var byDepartment: [String: [String: Int]] = [:]
        for (employee, categories) in byEmployee {
            guard let first = organisation.chain(of: employee).first else { continue }
            for (category, count) in categories { byDepartment[String(first), default: [:]][category, default: 0] += count }
        }
        func ranked(_ map: [String: [String: Int]], name: (String) -> String) -> [Ranked] {
            map.map { Ranked(key: $0.key, name: name($0.key), total: $0.value.values.reduce(0, +), byCategory: $0.value) }
                .sorted { $0.total != $1.total ? $0.total > $1.total : $0.key < $1.key }
        }
        var trend: [String: Int] = [:]
        for row in totals.violationTrend where isEmployee(row.employee) && included(row.employee) { trend[row.day, default: 0] += row.count }

        var matrix = Array(repeating: Array(repeating: 0, count: 24), count: 7)
        for row in totals.hours where (1...7).contains(row.weekday) && (0..<24).contains(row.hour) { matrix[row.weekday - 1][row.hour] += row.count }
        var slots: [Slot] = []
        for weekday in 0..<7 { for hour in 0..<24 where matrix[weekday][hour] > 0 { slots.append(Slot(weekday: weekday + 1, hour: hour, count: matrix[weekday][hour])) } }
        slots.sort(by: Self.busier)

        var topicCounts: [String: Int] = [:]
        for row in totals.topics { topicCounts[row.topic, default: 0] += row.count }
        let topicNames = Dictionary(rules.topics.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })

        var labels: [String: Int] = [:]
        for row in totals.sentiment { labels[row.label, default: 0] += row.count }
        let moods = totals.mood.map { Mood(conversation: $0.conversation, employee: $0.employee, negative: $0.negative, scored: $0.scored) }

        let replies = try await store.replyTotals(sinceDay: sinceDay, untilDay: untilDay, employees: selected)
        var overdueByEmployee: [String: Int] = [:]
        for wait in try await store.overdueWaits(allHours: false) where included(wait.employee) { overdueByEmployee[wait.employee, default: 0] += 1 }
        var reviews: [String: [Double]] = [:]
        for sample in try await store.reviewSamples(period: nil, reviewed: true, limit: 100_000) {
            guard let score = sample.score, score.at >= since, score.at < until, included(sample.employee) else { continue }
            reviews[sample.employee, default: []].append(score.total)
        }

        var staffVolume: [String: Int] = [:]
        var groupVolume: [String: Int] = [:]
        for row in totals.volume {
            if row.role == "staff", included(row.party) { staffVolume[row.party, default: 0] += row.count }
            if !row.room.isEmpty, department == nil, scope == nil { groupVolume[row.room, default: 0] += row.count }
        }
        let rooms = try await store.roomNames()
        var daily: [String: DayVolume] = [:]
        for row in totals.volumeByDay where row.role != "robot" {
            // Customer messages are not split by employee; with a scope only staff messages are shown.
            if row.role == "customer" && selected != nil { continue }
            var entry = daily[row.day, default: DayVolume(day: row.day, customer: 0, staff: 0)]
            if row.role == "customer" { entry.customer += row.count } else { entry.staff += row.count }
            daily[row.day] = entry
        }

        return InsightReport(
            since: since, until: until, department: department,
            violations: Violations(byEmployee: ranked(byEmployee) { names[$0] ?? $0 },
                                   byDepartment: ranked(byDepartment) { Int64($0).flatMap { departments[$0] } ?? $0 },
                                   trend: trend.sorted { $0.key < $1.key }.map { DayCount(day: $0.key, count: $0.value) }),
            peakHours: PeakHours(matrix: matrix, busiest: Array(slots.prefix(5))),
            topics: topicCounts.map { TopicCount(topic: $0.key, name: topicNames[$0.key] ?? $0.key, count: $0.value) }
                .sorted { $0.count != $1.count ? $0.count > $1.count : $0.topic < $1.topic },
            response: ReplyStatistics(totals: replies, overdue: overdueByEmployee, organisation: organisation, since: since, until: until),
            quality: reviews.map { Review(employee: $0.key, name: names[$0.key] ?? $0.key, reviews: $0.value.count,
                                          averageScore: ($0.value.reduce(0, +) / Double($0.value.count) * 10).rounded() / 10) }
                .sorted { $0.averageScore < $1.averageScore },
            sentiment: Sentiment(positive: labels["positive"] ?? 0, neutral: labels["neutral"] ?? 0, negative: labels["negative"] ?? 0,
                                 mostNegative: Array(moods)),
            volume: Volume(byEmployee: staffVolume.map { Named(key: $0.key, name: names[$0.key] ?? $0.key, messages: $0.value) }
                               .sorted { $0.messages > $1.messages },
                           byGroup: groupVolume.map { Named(key: $0.key, name: rooms[$0.key] ?? $0.key, messages: $0.value) }
                               .sorted { $0.messages > $1.messages },
                           byDay: daily.values.sorted { $0.day < $1.day }))
    }

    static func busier(_ a: Slot, _ b: Slot) -> Bool {
        if a.count != b.count { return a.count > b.count }
        return a.weekday != b.weekday ? a.weekday < b.weekday : a.hour < b.hour
    }

    /// The Beijing date of a moment.
    static func day(_ milliseconds: Int64) -> String {
        CivilTime(milliseconds: milliseconds, utcOffsetSeconds: 8 * 3600).dateText
    }
}
