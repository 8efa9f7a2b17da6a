import ArchiveModel
import ArchiveStore
import Dispatch

/// A batch's rows, prepared in the background chunk by chunk while the writer inserts the chunks already done.
///
/// Sealing, tokenizing and leaf hashing cost about as much as the writer's statements; done before the transaction
/// they left the writer idle, done inside it they made it wait. Here the writer takes row `i` as soon as its chunk is
/// ready, so preparing chunk `k + 1` overlaps inserting chunk `k` (and the batch lookups overlap the first chunk).
final class PreparedRows: @unchecked Sendable {
    let messages: [ChatMessage]
    private let chunkSize: Int
    private let chunkCount: Int
    /// Written once per chunk by the preparing thread before its semaphore is signalled; read by the writer only after
    /// waiting on it, so the semaphore orders every access.
    private let results: UnsafeMutablePointer<Result<[PreparedRow], any Error>?>
    private let ready: [DispatchSemaphore]
    /// The writer's side: chunks it has already waited for (one consumer), failures included.
    private var taken: [Result<[PreparedRow], any Error>?]
    /// How long the writer waited for rows still being prepared.
    private(set) var waited = Duration.zero

    init(_ messages: [ChatMessage], sealer: Sealer, hasher: SearchTokenHasher, ledgered: Bool, chunkSize: Int = 256) {
        self.messages = messages
        self.chunkSize = chunkSize
        chunkCount = (messages.count + chunkSize - 1) / chunkSize
        results = .allocate(capacity: max(1, chunkCount))
        results.initialize(repeating: nil, count: max(1, chunkCount))
        ready = (0..<chunkCount).map { _ in DispatchSemaphore(value: 0) }
        taken = Array(repeating: nil, count: chunkCount)
        let clock = StageClock.current
        guard chunkCount > 0 else { return }
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            for chunk in 0..<chunkCount {
                let range = chunk * chunkSize..<min(messages.count, (chunk + 1) * chunkSize)
                results[chunk] = Result {
                    try ConcurrentSlots<Result<PreparedRow, any Error>>.map(range.count) { offset in
                        clock.measure(.prepare) {
                            Result { try PreparedRow(messages[range.lowerBound + offset], sealer: sealer, hasher: hasher, ledgered: ledgered) }
                        }
                    }.map { try $0.get() }
                }
                ready[chunk].signal()
            }
        }
    }

    deinit {
        results.deinitialize(count: max(1, chunkCount))
        results.deallocate()
    }

    /// The prepared row of `messages[index]`, waiting for its chunk if it is still being prepared.
    func row(_ index: Int) throws -> PreparedRow {
        let chunk = index / chunkSize
        if taken[chunk] == nil {
            let started = ContinuousClock.now
            ready[chunk].wait()
            waited += ContinuousClock.now - started
            taken[chunk] = results[chunk]!
        }
        return try taken[chunk]!.get()[index - chunk * chunkSize]
    }
}
