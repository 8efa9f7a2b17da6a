import ArchiveStore
import Foundation
import Logging

/// The weekly digest (周报) pushed through the alert channels: last week's report in a few lines, queued once
/// per week after Monday 09:00 (Beijing time).
public enum WeeklyDigest {
    static let week: Int64 = 7 * 86_400_000
    static let beijing: Int64 = 8 * 3_600_000

    /// Monday 00:00 Beijing of the week holding `moment`.
    public static func weekStart(of moment: Int64) -> Int64 {
        let local = moment + beijing
        let days = local / 86_400_000
        let monday = days - (days + 3) % 7
        return monday * 86_400_000 - beijing
    }

    /// The digest of the week before the one holding `now`, once it is Monday 09:00 or later.
    public static func due(now: Int64) -> (weekStart: Int64, weekEnd: Int64)? {
        let thisWeek = weekStart(of: now)
        guard now >= thisWeek + 9 * 3_600_000 else { return nil }
        return (thisWeek - week, thisWeek)
    }

    /// The text: violations and who leads them, customer messages and the busiest slot, top issues, reply
    /// rate, negative share.
    public static func text(_ report: InsightReport) -> String {
        let start = InsightReport.day(report.since), end = InsightReport.day(report.until - 1)
        let violations = report.violations.byEmployee.reduce(0) { $0 + $1.total }
        var lines = ["【ChatLedger 周报 \(start) – \(end)】"]
        lines.append("违规 \(violations) 次" + (report.violations.byEmployee.first.map { "，最多：\($0.name) \($0.total) 次" } ?? "") + "。")
        let customers = report.volume.byDay.reduce(0) { $0 + $1.customer }
        let weekdays = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
        lines.append("客户消息 \(customers) 条" + (report.peakHours.busiest.first.map { "，高峰 \(weekdays[$0.weekday - 1]) \($0.hour) 点" } ?? "") + "。")
        if !report.topics.isEmpty {
            lines.append("常见问题：" + report.topics.prefix(3).map { "\($0.name) \($0.count)" }.joined(separator: "、") + "。")
        }
        let waits = report.response.employees.reduce(0) { $0 + $1.waits }
        let inTime = report.response.employees.reduce(0) { $0 + $1.answeredWithinTarget }
        if waits > 0 { lines.append(String(format: "按时回复率 %.0f%%（%d/%d）。", Double(inTime) / Double(waits) * 100, inTime, waits)) }
        let scored = report.sentiment.positive + report.sentiment.neutral + report.sentiment.negative
        if scored > 0 { lines.append(String(format: "负面情绪占比 %.0f%%。", Double(report.sentiment.negative) / Double(scored) * 100)) }
        return lines.joined(separator: "\n")
    }

    /// Queues last week's digest if it is due and not queued yet. - Returns: whether it was queued now.
    @discardableResult
    public static func queueIfDue(store: any ConsoleArchive, channels: [String], now: Int64) async throws -> Bool {
        guard let (start, end) = due(now: now) else { return false }
        // Due from Monday 09:00 all week, and every serve process asks every ten minutes: building the report (which
        // recomputes every marked conversation's waits) only to learn the digest is queued already was most of the work.
        if try await store.alerts(status: nil, category: "weekly-digest", limit: 1).first?.firstMsgtime == start { return false }
        let report = try await InsightReport.build(store: store, since: start, until: end)
        return try await store.queueDigest(weekStart: start, text: text(report), channels: channels)
    }

    /// Checks every `interval` until cancelled.
    public static func run(store: any ConsoleArchive, channels: [String], interval: Duration = .seconds(600), logger: Logger) async {
        while !Task.isCancelled {
            do {
                if try await queueIfDue(store: store, channels: channels, now: Int64(Date().timeIntervalSince1970 * 1000)) {
                    logger.info("chatledger.digest.queued")
                }
            } catch {
                logger.error("chatledger.digest.failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
