import ArchiveModel
import ArchiveStore
import Foundation
import PostgresNIO

extension PostgresArchiveStore: ReviewStore {
    @discardableResult
    public func addReviewSamples(_ samples: [(conversation: String, employee: String)], period: String) async throws -> Int {
        guard !samples.isEmpty else { return 0 }
        let now = clock().milliseconds
        return try await connection { connection in
            Int(try await connection.scalar("""
                WITH added AS (
                    INSERT INTO qa_sample (conversation, employee, period, created_at)
                    SELECT conversation, employee, \(period), \(now)
                    FROM unnest(\(samples.map(\.conversation))::text[], \(samples.map(\.employee))::text[]) AS s(conversation, employee)
                    ON CONFLICT DO NOTHING RETURNING 1
                )
                SELECT count(*) FROM added
                """, Int64.self, logger: logger) ?? 0)
        }
    }

    private static let sampleSelect = """
        SELECT s.id, s.conversation, s.employee, s.period, s.created_at, q.id, q.reviewer, q.scores, q.total, q.comment, q.at
        FROM qa_sample s
        LEFT JOIN LATERAL (SELECT * FROM qa_score WHERE sample_id = s.id ORDER BY id DESC LIMIT 1) q ON true
        """

    static func reviewSample(_ row: PostgresRandomAccessRow) throws -> ReviewSample {
        var score: ReviewScore?
        if try row.get(5, as: Int64?.self) != nil {
            let items = (try? JSONDecoder().decode([String: Double].self, from: Data(try row.get(7, as: String.self).utf8))) ?? [:]
            score = ReviewScore(reviewer: try row.get(6), items: items, total: try row.get(8), comment: try row.get(9), at: try row.get(10))
        }
        return ReviewSample(id: try row.get(0), conversation: try row.get(1), employee: try row.get(2), period: try row.get(3),
                            createdAt: try row.get(4), score: score)
    }

    public func reviewSamples(period: String?, reviewed: Bool?, limit: Int) async throws -> [ReviewSample] {
        var query = DynamicQuery()
        if let period { query.conditions.append("s.period = \(query.bind(period))") }
        if let reviewed { query.conditions.append(reviewed ? "q.id IS NOT NULL" : "q.id IS NULL") }
        let sql = "\(Self.sampleSelect) \(query.whereClause) ORDER BY s.id DESC LIMIT \(query.bind(Int64(limit)))"
        return try await connection { connection in try await connection.rows(query.query(sql), logger: logger, Self.reviewSample) }
    }

    public func reviewSample(id: Int64) async throws -> ReviewSample? {
        try await connection { connection in
            try await connection.row("\(unescaped: Self.sampleSelect) WHERE s.id = \(id)", logger: logger, Self.reviewSample)
        }
    }

    public func scoreReviewSample(id: Int64, reviewer: String, items: [String: Double], total: Double, comment: String?) async throws {
        let now = clock().milliseconds
        let json = String(decoding: try JSONEncoder().encode(items), as: UTF8.self)
        try await transaction { connection in
            guard try await connection.scalar("""
                INSERT INTO qa_score (sample_id, reviewer, scores, total, comment, at)
                SELECT id, \(reviewer), \(json), \(total), \(comment), \(now) FROM qa_sample WHERE id = \(id) RETURNING id
                """, Int64.self, logger: logger) != nil else {
                throw StorageError("no review sample \(id); `chatledger qa list` shows them")
            }
        }
    }
}
