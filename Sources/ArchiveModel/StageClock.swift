import Foundation

/// Where ingest spends its time, stage by stage, so a benchmark can say which stage a regression is in.
///
/// A benchmark installs one with `StageClock.$current.withValue(clock) { … }`; code on the ingest path reads
/// ``current`` once (before handing work to threads that do not inherit task-locals) and times its stages. With no
/// clock installed nothing is measured and the cost is one task-local read per batch.
public final class StageClock: @unchecked Sendable {
    public enum Stage: String, CaseIterable, Sendable, Codable {
        case decode = "decrypt and decode"
        case risk = "risk scan"
        case insights = "sentiment and topics"
        case prepare = "seal, index tokens, leaf hash"
        case lookups = "writer: batch lookups"
        case waitingForRows = "writer: waiting for prepared rows"
        case messages = "writer: message and index rows"
        case ledger = "writer: ledger"
        case people = "writer: conversations and people"
        case aggregates = "writer: report aggregates"
        case alerts = "writer: alerts"
        case other = "writer: quarantine, gaps, cursor"
        case commit = "writer: commit (index flush, WAL)"

        /// Whether the stage runs on the single writer (its time is wall time of the commit path).
        public var onWriter: Bool { rawValue.hasPrefix("writer:") }
    }

    @TaskLocal public static var current: StageClock?

    private let lock = NSLock()
    private var nanoseconds: [Stage: Int64] = [:]

    public init() {}

    public func add(_ stage: Stage, _ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let value = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        lock.withLock { nanoseconds[stage, default: 0] += value }
    }

    /// Runs `body`, adding its duration to `stage`.
    public func measure<T, E: Error>(_ stage: Stage, _ body: () throws(E) -> T) throws(E) -> T {
        let started = ContinuousClock.now
        defer { add(stage, ContinuousClock.now - started) }
        return try body()
    }

    /// Seconds spent in each stage so far (thread time: stages on all cores add up every core's time).
    public var seconds: [Stage: Double] {
        lock.withLock { nanoseconds.mapValues { Double($0) / 1e9 } }
    }
}

extension Optional where Wrapped == StageClock {
    /// Runs `body`, timing it when a clock is installed.
    @inlinable
    public func measure<T, E: Error>(_ stage: StageClock.Stage, _ body: () throws(E) -> T) throws(E) -> T {
        switch self {
        case .some(let clock): try clock.measure(stage, body)
        case .none: try body()
        }
    }
}
