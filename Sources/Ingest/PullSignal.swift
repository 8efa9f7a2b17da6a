import ArchiveStore
import Logging
import WeCom

/// Wakes the pull loop: WeCom's `msgaudit_notify` callback calls ``notify()``; a timer is the backstop.
public final class PullSignal: Sendable {
    let stream: AsyncStream<Void>
    let continuation: AsyncStream<Void>.Continuation

    public init() {
        // Several notifications while a pull runs collapse into one more pull.
        (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public func notify() { continuation.yield() }
}

/// Pulls new messages whenever WeCom says there are some, and at least every `backstop`; then fetches media.
public struct ArchivePullService: Sendable {
    public var puller: ArchivePuller
    public var media: MediaFetcher?
    public var signal: PullSignal
    public var backstop: Duration
    public var logger: Logger

    public init(puller: ArchivePuller, media: MediaFetcher?, signal: PullSignal, backstop: Duration = .seconds(60),
                logger: Logger = Logger(label: "chatledger.pull")) {
        self.puller = puller
        self.media = media
        self.signal = signal
        self.backstop = backstop
        self.logger = logger
    }

    /// Runs until the task is cancelled. A failed pull is logged and tried again at the next wake-up:
    /// the cursor has not moved, so nothing is skipped.
    public func run() async {
        let signal = self.signal
        let backstop = self.backstop
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: backstop)
                    signal.notify()
                }
            }
            signal.notify()
            for await _ in signal.stream {
                if Task.isCancelled { break }
                do {
                    let summary = try await puller.pullUntilCaughtUp()
                    if summary.inserted + summary.quarantined > 0 {
                        logger.info("chatledger.pull.done", metadata: [
                            "chatledger.pull.inserted": "\(summary.inserted)", "chatledger.pull.quarantined": "\(summary.quarantined)",
                        ])
                    }
                    if let media { _ = try await media.fetchPending(limit: 500) }
                } catch {
                    logger.error("chatledger.pull.failed", metadata: ["chatledger.pull.error": "\(error)"])
                }
            }
            group.cancelAll()
        }
    }
}
