import ArchiveModel
import ArchiveStore
import Insights

/// Sentiment and topics of every customer message, computed at ingest next to risk scanning so that the
/// report aggregates are written by the commit that stores the message.
public struct InsightAnalysis: Sendable {
    public var sentiment: SentimentModel?
    public var topics: TopicRules

    public init(sentiment: SentimentModel?, topics: TopicRules) {
        self.sentiment = sentiment
        self.topics = topics
    }

    /// The shipped sentiment model and the standard topics.
    public static let standard = InsightAnalysis(sentiment: SentimentModel.shipped, topics: .standard)

    /// Nothing for staff, robots, system records or messages without text.
    public func insight(for message: ChatMessage) -> MessageInsight? {
        guard message.action == .send, message.from.inferredKind == .externalContact else { return nil }
        let text = message.searchableText
        guard !text.isEmpty else { return nil }
        return MessageInsight(sentiment: sentiment?.label(text).rawValue, topics: topics.topics(of: text))
    }

    /// Adds the insights of a batch's messages, on all cores.
    func annotate(_ batch: IngestBatch, parallelism: Int) async -> IngestBatch {
        let clock = StageClock.current
        let found = await parallelMap(batch.messages, parallelism: parallelism) { message in clock.measure(.insights) { insight(for: message) } }
        var batch = batch
        for (message, insight) in zip(batch.messages, found) { if let insight { batch.insights[message.id] = insight } }
        return batch
    }
}
