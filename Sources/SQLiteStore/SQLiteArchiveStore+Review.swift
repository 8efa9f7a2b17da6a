import ArchiveModel
import ArchiveStore
import Decisions
import Foundation
import GRDB

extension SQLiteArchiveStore {
    /// Conversations with messages in [since, until) and the employee responsible for each (the staff party
    /// of a single chat, the owner of a group).
    public func activeConversations(since: Int64, until: Int64) async throws -> [(conversation: String, employee: String)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.id, c.roomid, c.party_a, c.party_b, r.creator FROM conversation c LEFT JOIN room r ON r.id = c.roomid
                WHERE c.last_msgtime >= ? AND c.first_msgtime < ?
                """, arguments: [since, until]).compactMap { row -> (String, String)? in
                let facts = ResponsibleEmployee.Facts(room: row["roomid"], partyA: row["party_a"], partyB: row["party_b"], owner: row["creator"])
                return ResponsibleEmployee.of(facts).map { (row["id"], $0.rawValue) }
            }
        }
    }

    /// Adds samples for a period; a conversation already sampled for the employee and period is kept as is.
    /// - Returns: how many were new.
    @discardableResult
    public func addReviewSamples(_ samples: [(conversation: String, employee: String)], period: String) async throws -> Int {
        let now = clock().milliseconds
        return try await pool.write { db in
            var added = 0
            for sample in samples {
                try db.execute(sql: "INSERT OR IGNORE INTO qa_sample (conversation, employee, period, created_at) VALUES (?, ?, ?, ?)",
                               arguments: [sample.conversation, sample.employee, period, now])
                added += db.changesCount
            }
            return added
        }
    }

    /// Samples, newest first, with their latest score.
    public func reviewSamples(period: String? = nil, reviewed: Bool? = nil, limit: Int = 500) async throws -> [ReviewSample] {
        try await pool.read { db in
            var conditions: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if let period { conditions.append("s.period = ?"); arguments.append(period) }
            if let reviewed { conditions.append(reviewed ? "q.id IS NOT NULL" : "q.id IS NULL") }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(db, sql: """
                SELECT s.*, q.reviewer, q.scores, q.total, q.comment, q.at, q.id AS score_id FROM qa_sample s
                LEFT JOIN qa_score q ON q.id = (SELECT max(id) FROM qa_score WHERE sample_id = s.id)
                \(filter) ORDER BY s.id DESC LIMIT ?
                """, arguments: StatementArguments(arguments + [limit])).map(Self.reviewSample)
        }
    }

    public func reviewSample(id: Int64) async throws -> ReviewSample? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT s.*, q.reviewer, q.scores, q.total, q.comment, q.at, q.id AS score_id FROM qa_sample s
                LEFT JOIN qa_score q ON q.id = (SELECT max(id) FROM qa_score WHERE sample_id = s.id) WHERE s.id = ?
                """, arguments: [id]).map(Self.reviewSample)
        }
    }

    /// Records a review (a later review of the same sample supersedes it; both are kept).
    public func scoreReviewSample(id: Int64, reviewer: String, items: [String: Double], total: Double, comment: String?) async throws {
        let now = clock().milliseconds
        try await pool.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM qa_sample WHERE id = ?", arguments: [id]) == true else {
                throw StorageError("no review sample \(id); `chatledger qa list` shows them")
            }
            let json = String(decoding: try JSONEncoder().encode(items), as: UTF8.self)
            try db.execute(sql: "INSERT INTO qa_score (sample_id, reviewer, scores, total, comment, at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [id, reviewer, json, total, comment, now])
        }
    }

    static func reviewSample(_ row: Row) -> ReviewSample {
        var score: ReviewScore?
        if (row["score_id"] as Int64?) != nil {
            let items = (try? JSONDecoder().decode([String: Double].self, from: Data((row["scores"] as String).utf8))) ?? [:]
            score = ReviewScore(reviewer: row["reviewer"], items: items, total: row["total"], comment: row["comment"], at: row["at"])
        }
        return ReviewSample(id: row["id"], conversation: row["conversation"], employee: row["employee"], period: row["period"],
                            createdAt: row["created_at"], score: score)
    }
}
