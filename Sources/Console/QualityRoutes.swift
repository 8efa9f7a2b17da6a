import ArchiveModel
import ArchiveStore
import Foundation
import Hummingbird
import Ingest
import Quality

/// Reply timeouts and quality review in the API: the overdue list, response statistics and settings;
/// the review queue, drawing samples and scoring. Readers see only employees in their scope.
public enum QualityRoutes {
    /// A customer waiting past the deadline, as `GET /api/v1/sla/overdue` and `chatledger sla overdue --json` print it.
    public struct OverdueItem: Codable, Sendable {
        var conversation: String
        var customer: String
        var customerMsgid: String
        var employee: String
        var department: Int64?
        var waitingSince: Int64
        var minutesWaiting: Int
        var reminderDue: Int64
        var reminded: Bool
        var escalated: Bool

        enum CodingKeys: String, CodingKey {
            case conversation, customer, employee, department, reminded, escalated
            case customerMsgid = "customer_msgid", waitingSince = "waiting_since", minutesWaiting = "minutes_waiting", reminderDue = "reminder_due"
        }

        public init(_ wait: StoredWait, now: Int64) {
            conversation = wait.conversation
            customer = wait.customer
            customerMsgid = wait.customerMsgid
            employee = wait.employee
            department = wait.department
            waitingSince = wait.waitingSince
            minutesWaiting = Int((now - wait.waitingSince) / 60_000)
            reminderDue = wait.reminderDue
            reminded = wait.reminderSentAt != nil
            escalated = wait.escalationSentAt != nil
        }
    }

    /// A review sample, as `GET /api/v1/qa/samples` and `chatledger qa list --json` print it.
    public struct SampleItem: ResponseCodable, Sendable {
        var id: Int64
        var conversation: String
        var employee: String
        var period: String
        var reviewer: String?
        var total: Double?
        var items: [String: Double]?
        var comment: String?

        public init(_ sample: ReviewSample) {
            id = sample.id
            conversation = sample.conversation
            employee = sample.employee
            period = sample.period
            reviewer = sample.score?.reviewer
            total = sample.score?.total
            items = sample.score?.items
            comment = sample.score?.comment
        }
    }

    struct StatsResponse: ResponseEncodable {
        var stats: ReplyStatistics
    }

    struct SettingsResponse: ResponseEncodable {
        var version: Int?
        var settings: SLASettings
    }

    struct ScoreRequest: Decodable {
        var items: [String: Double]
        var comment: String?
    }

    static func add(to router: Router<ConsoleContext>, services: ConsoleServices) {
        router.get("api/v1/sla/overdue") { request, context -> Page<OverdueItem> in
            let policy = try await services.authorize(context, .viewStatistics)
            let items = try await overdue(services, policy: policy, allHours: try QueryParameters(request).bool("all_hours") ?? false)
            return Page(total: items.count, items: items)
        }
        router.get("api/v1/sla/stats") { request, context -> StatsResponse in
            let policy = try await services.authorize(context, .viewStatistics)
            let query = QueryParameters(request)
            let until = try query.time("until") ?? WeComTime(date: Date()).milliseconds
            let since = try query.time("since") ?? max(TimeInput.earliest, until - 30 * 86_400_000)
            return StatsResponse(stats: try await stats(services, policy: policy, since: since, until: until))
        }
        router.get("api/v1/sla/settings") { _, context -> SettingsResponse in
            _ = try await services.authorize(context, .viewStatistics)
            return SettingsResponse(version: try await services.store.slaSettingsDocument()?.version,
                                    settings: try await ReplyTimeoutTracker.settings(services.store))
        }
        router.put("api/v1/sla/settings") { request, context -> SettingsResponse in
            let policy = try await services.authorize(context, .administer)
            let body = try await request.body.collect(upTo: 1 << 20)
            let version = try await saveSettings(Data(String(buffer: body).utf8), services: services, policy: policy)
            return SettingsResponse(version: version, settings: try await ReplyTimeoutTracker.settings(services.store))
        }
        router.get("api/v1/qa/samples") { request, context -> Page<SampleItem> in
            let policy = try await services.authorize(context, .reviewQuality)
            let query = QueryParameters(request)
            let items = try await samples(services, policy: policy, period: query.string("period"), reviewed: try query.bool("reviewed"))
            return Page(total: items.count, items: items)
        }
        router.post("api/v1/qa/samples") { request, context -> Page<SampleItem> in
            let policy = try await services.authorize(context, .reviewQuality)
            struct Body: Decodable { var period: String }
            let body = try await AdminRoutes.decode(Body.self, request, context, hint: "{\"period\": \"2026-11\"}")
            try await draw(period: body.period, services: services, policy: policy)
            let items = try await samples(services, policy: policy, period: body.period, reviewed: nil)
            return Page(total: items.count, items: items)
        }
        router.post("api/v1/qa/samples/:id/score") { request, context -> SampleItem in
            let policy = try await services.authorize(context, .reviewQuality)
            let body = try await AdminRoutes.decode(ScoreRequest.self, request, context, hint: "{\"items\": {\"greeting\": 90, …}, \"comment\": …}")
            let sample = try await score(try context.pathParameter("id"), items: body.items, comment: body.comment, services: services, policy: policy)
            return SampleItem(sample)
        }
    }

    /// Reads the waits as the reply-timeout service last computed them (it follows new messages within seconds): a GET
    /// never writes, so reading the page cannot race the service or turn a reader into a writer.
    static func overdue(_ services: ConsoleServices, policy: AccessPolicy, allHours: Bool) async throws -> [OverdueItem] {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return try await services.store.overdueWaits(allHours: allHours).filter { policy.covers(employee: $0.employee) }
            .map { OverdueItem($0, now: now) }
    }

    static func stats(_ services: ConsoleServices, policy: AccessPolicy, since: Int64, until: Int64) async throws -> ReplyStatistics {
        let range = (since, until)
        guard range.0 < range.1 else { throw HTTPError(.badRequest, message: "since must be before until") }
        let waits = try await services.store.waits(since: range.0, until: range.1).filter { policy.covers(employee: $0.employee) }
        let overdue = Set(try await services.store.overdueWaits(allHours: false).map(\.customerMsgid))
        return ReplyStatistics.compute(waits, overdue: overdue, since: range.0, until: range.1)
    }

    static func saveSettings(_ data: Data, services: ConsoleServices, policy: AccessPolicy) async throws -> Int {
        let settings: SLASettings
        do {
            settings = try JSONDecoder().decode(SLASettings.self, from: data)
            try settings.validate()
        } catch {
            throw HTTPError(.badRequest, message: "the settings are not valid: \(error)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let version = try await services.store.saveSLASettings(document: Array(try encoder.encode(settings)), by: policy.principal.username)
        try await services.audit(policy.principal, "sla.settings", "v\(version)")
        return version
    }

    static func samples(_ services: ConsoleServices, policy: AccessPolicy, period: String?, reviewed: Bool?) async throws -> [SampleItem] {
        try await services.store.reviewSamples(period: period, reviewed: reviewed).filter { policy.covers(employee: $0.employee) }.map(SampleItem.init)
    }

    static func draw(period: String, services: ConsoleServices, policy: AccessPolicy) async throws {
        let range: (Int64, Int64)
        do { range = try ReviewPeriod.range(period) } catch { throw HTTPError(.badRequest, message: error.description) }
        let review = try await ReplyTimeoutTracker.settings(services.store).review
        let active = try await services.store.activeConversations(since: range.0, until: range.1)
        try await services.store.addReviewSamples(review.sample(active, period: period), period: period)
        try await services.audit(policy.principal, "qa.sample", period)
    }

    static func score(_ idText: String, items: [String: Double], comment: String?, services: ConsoleServices, policy: AccessPolicy) async throws -> ReviewSample {
        guard let id = Int64(idText), let sample = try await services.store.reviewSample(id: id), policy.covers(employee: sample.employee) else {
            throw HTTPError(.notFound, message: "no review sample \(idText) that you may score")
        }
        let review = try await ReplyTimeoutTracker.settings(services.store).review
        let total: Double
        do { total = try review.total(items) } catch { throw HTTPError(.badRequest, message: error.description) }
        try await services.store.scoreReviewSample(id: id, reviewer: policy.principal.username, items: items, total: total, comment: comment)
        try await services.audit(policy.principal, "qa.score", "\(id)", ["total": String(format: "%.1f", total)])
        guard let scored = try await services.store.reviewSample(id: id) else { throw HTTPError(.notFound, message: "sample \(id) vanished") }
        return scored
    }
}

/// Review periods are months, `yyyy-MM`, in Beijing time.
public enum ReviewPeriod {
    public static func range(_ period: String) throws(ReviewError) -> (Int64, Int64) {
        let parts = period.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2, (2000...2100).contains(parts[0]), (1...12).contains(parts[1]) else {
            throw ReviewError("the period must be a month, yyyy-MM (e.g. 2026-11), not \(period)")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let start = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: 1))!
        let end = calendar.date(byAdding: .month, value: 1, to: start)!
        return (Int64(start.timeIntervalSince1970 * 1000), Int64(end.timeIntervalSince1970 * 1000))
    }
}
