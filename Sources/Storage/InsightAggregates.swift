import ArchiveModel
import GRDB

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
