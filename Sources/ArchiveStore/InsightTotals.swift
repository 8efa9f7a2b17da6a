import Foundation

/// The report aggregates of a period, summed per the keys reports need (days are Beijing dates `yyyy-MM-dd`).
public struct InsightTotals: Sendable {
    public var violations: [(employee: String, category: String, count: Int)] = []
    public var violationTrend: [(day: String, employee: String, count: Int)] = []
    /// Customer messages per ISO weekday (1 Monday … 7 Sunday) and hour.
    public var hours: [(weekday: Int, hour: Int, count: Int)] = []
    public var topics: [(employee: String, topic: String, count: Int)] = []
    public var sentiment: [(employee: String, label: String, count: Int)] = []
    public var mood: [(conversation: String, employee: String, negative: Int, scored: Int)] = []
    public var volume: [(party: String, role: String, room: String, count: Int)] = []
    /// Messages per day and role (`staff` counts only the selected employees when there is a scope).
    public var volumeByDay: [(day: String, role: String, count: Int)] = []

    package init() {}
}
