import ArchiveModel
import Foundation

/// A conversation sampled for quality review, with its score once reviewed.
public struct ReviewSample: Sendable, Hashable {
    public var id: Int64
    public var conversation: String
    public var employee: String
    public var period: String
    public var createdAt: Int64
    public var score: ReviewScore?

    package init(id: Int64, conversation: String, employee: String, period: String, createdAt: Int64, score: ReviewScore? = nil) {
        self.id = id
        self.conversation = conversation
        self.employee = employee
        self.period = period
        self.createdAt = createdAt
        self.score = score
    }
}

public struct ReviewScore: Sendable, Hashable {
    public var reviewer: String
    /// Item id → 0–100.
    public var items: [String: Double]
    public var total: Double
    public var comment: String?
    public var at: Int64

    package init(reviewer: String, items: [String: Double], total: Double, comment: String? = nil, at: Int64) {
        self.reviewer = reviewer
        self.items = items
        self.total = total
        self.comment = comment
        self.at = at
    }
}
