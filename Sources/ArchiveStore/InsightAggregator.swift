import ArchiveModel
import Foundation

/// What ingest learned about a customer message beyond its text: sentiment and topics.
public struct MessageInsight: Sendable, Hashable {
    /// `positive`, `neutral` or `negative`.
    public var sentiment: String?
    public var topics: [String]

    public init(sentiment: String?, topics: [String]) {
        self.sentiment = sentiment
        self.topics = topics
    }
}

/// Adds a batch's messages to the report aggregates, inside the commit transaction: a few upserts per batch,
/// so reports read aggregates instead of scanning messages.
package struct InsightAggregator {
    /// Beijing time: days and hours of the reports.
    static let utcOffsetSeconds: Int64 = 8 * 3600

    private var volume: [[String]: Int] = [:]
    private var hours: [[String]: Int] = [:]
    private var topics: [[String]: Int] = [:]
    private var sentiment: [[String]: Int] = [:]
    /// Customer messages scored per (day, conversation, employee): negative and all.
    package private(set) var mood: [[String]: (negative: Int, scored: Int)] = [:]

    package init() {}

    /// The `(keys…, count)` tables and what to add to each (every key is text; `agg_hour.hour` holds a number).
    package var counters: [(table: String, keys: [String], counts: [[String]: Int])] {
        [("agg_volume", ["day", "party", "role", "room"], volume), ("agg_hour", ["day", "employee", "hour"], hours),
         ("agg_topic", ["day", "employee", "topic"], topics), ("agg_sentiment", ["day", "employee", "label"], sentiment)]
    }

    package static func day(_ milliseconds: Int64) -> (day: String, hour: Int) {
        let civil = CivilTime(milliseconds: milliseconds, utcOffsetSeconds: utcOffsetSeconds)
        return (civil.dateText, Int(civil.hour))
    }

    /// - Parameter employee: the conversation's responsible employee ('' when unknown).
    package mutating func add(_ message: ChatMessage, employee: String, insight: MessageInsight?) {
        guard message.action == .send else { return }
        let (day, hour) = Self.day(message.time.milliseconds)
        let kind = message.from.inferredKind
        let role = kind == .employee ? "staff" : kind == .externalContact ? "customer" : "robot"
        // Staff are counted one by one; customers and robots only in total (per day and group), or the table would
        // grow with every customer's every day.
        volume[[day, role == "staff" ? message.from.rawValue : "", role, message.room?.rawValue ?? ""], default: 0] += 1
        guard kind == .externalContact else { return }
        hours[[day, employee, String(hour)], default: 0] += 1
        for topic in insight?.topics ?? [] { topics[[day, employee, topic], default: 0] += 1 }
        if let label = insight?.sentiment {
            sentiment[[day, employee, label], default: 0] += 1
            if let conversation = message.conversation?.rawValue {
                var entry = mood[[day, conversation, employee], default: (0, 0)]
                entry.scored += 1
                if label == "negative" { entry.negative += 1 }
                mood[[day, conversation, employee]] = entry
            }
        }
    }
}
