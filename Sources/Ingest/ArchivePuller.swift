import ArchiveModel
import ArchiveStore
import Logging
import WeCom

/// Pulls GetChatData from the last committed seq until the source has nothing more.
///
/// SDK codes 10001–10003 are retried with exponential backoff; any other error stops the pull
/// (the cursor stays where it was, so nothing is skipped).
public struct ArchivePuller: Sendable {
    public var source: any ChatDataSource
    public var pipeline: IngestPipeline
    public var batchSize: Int
    public var maxAttempts: Int
    public var backoff: @Sendable (Int) async throws -> Void

    public init(source: any ChatDataSource, pipeline: IngestPipeline, batchSize: Int = 1000, maxAttempts: Int = 5,
                backoff: @escaping @Sendable (Int) async throws -> Void = { attempt in
                    try await Task.sleep(for: .milliseconds(200 << min(attempt, 6)))
                }) {
        self.source = source
        self.pipeline = pipeline
        self.batchSize = min(max(batchSize, 1), 1000)
        self.maxAttempts = maxAttempts
        self.backoff = backoff
    }

    /// Pulls until a batch comes back empty.
    /// - Returns: the summed commit summary.
    public func pullUntilCaughtUp() async throws -> CommitSummary {
        var total = CommitSummary()
        while true {
            try Task.checkCancellation()
            let cursor = try await pipeline.store.cursor(source: pipeline.source)
            let items = try await fetch(after: cursor)
            if items.isEmpty { return total }
            total = total + (try await pipeline.ingest(items))
        }
    }

    func fetch(after cursor: UInt64) async throws -> [ChatDataItem] {
        var attempt = 0
        while true {
            let failure: WeComError
            do {
                return try await source.chatData(after: cursor, limit: batchSize)
            } catch {
                failure = error
            }
            guard failure.isRetryable, attempt + 1 < maxAttempts else { throw failure }
            pipeline.logger.warning("chatledger.pull.retry", metadata: [
                "chatledger.pull.sdk_code": "\(failure.sdkCode ?? 0)", "chatledger.pull.attempt": "\(attempt + 1)",
            ])
            attempt += 1
            try await backoff(attempt)
        }
    }
}
