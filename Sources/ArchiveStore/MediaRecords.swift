import ArchiveModel

/// An attachment referenced by a stored message and not fetched yet.
public struct PendingMedia: Sendable, Hashable {
    public var messageID: MessageID
    public var reference: MediaReference
    public var attempts: Int
    public init(messageID: MessageID, reference: MediaReference, attempts: Int) {
        self.messageID = messageID
        self.reference = reference
        self.attempts = attempts
    }
}

/// The result of fetching one attachment.
public struct MediaOutcome: Sendable, Hashable {
    public enum Status: String, Sendable, Codable {
        case stored
        /// Will be retried (network, md5 mismatch…) when ``MediaOutcome/retry`` says so: the store schedules the next
        /// attempt, or gives the attachment up once WeCom no longer serves it.
        case failed
        /// Will not be retried (expired at WeCom, 10010).
        case gone
    }
    public var messageID: MessageID
    public var sdkFileID: String
    public var status: Status
    public var sha256: String?
    public var size: Int64?
    public var error: String?
    /// How a ``Status/failed`` attempt is rescheduled; the store applies it with its own clock.
    public var retry: MediaRetryPolicy
    /// The failure was the archive's own (its blob store: a full disk, an object store outage), not WeCom's: such a
    /// failure never gives the attachment up, however old the message.
    public var local: Bool
    public init(messageID: MessageID, sdkFileID: String, status: Status, sha256: String?, size: Int64?, error: String?,
                retry: MediaRetryPolicy = .wecom, local: Bool = false) {
        self.messageID = messageID
        self.sdkFileID = sdkFileID
        self.status = status
        self.sha256 = sha256
        self.size = size
        self.error = error
        self.local = local
        self.retry = retry
    }
}

/// When a failed attachment is tried again, and when it is given up: the one rule both archive engines apply.
///
/// The delay after the n-th failed attempt is `min(maximumDelay, baseDelay · 2ⁿ⁻¹)` (30 s, 1 min, 2 min … capped at an
/// hour by default), without jitter: one process fetches media per archive (the ingest lease), so there is no herd to
/// spread, and both engines schedule the same instant. Attempts are not counted against a limit; an attachment is
/// retried for as long as WeCom may still serve it, ``retention`` after the message was sent, and then given up with a
/// reason. An attempt is always made once, however old the message: a puller that was down for a week still asks
/// WeCom, whose 10010 answer (expired) gives the file up at once.
///
/// ## Topics
/// - ``wecom``
/// - ``delay(afterAttempts:)``
/// - ``update(for:attempts:messageTime:now:)``
public struct MediaRetryPolicy: Sendable, Hashable, Codable {
    /// Milliseconds to wait after the first failed attempt; each further failure doubles it. Default 30 000 (30 s).
    public var baseDelay: Int64
    /// Milliseconds the delay never exceeds. Default 3 600 000 (one hour).
    public var maximumDelay: Int64
    /// Milliseconds after the message's `msgtime` during which WeCom may still serve its attachments; `nil` retries
    /// forever (a source that does not expire). Default 5 days (WeCom serves archived data
    /// for 5 days, "只可获取5天内", see ../shared/wecom-protocol.md). A shorter window risks giving up a file WeCom still holds; a longer one only costs
    /// attempts that WeCom answers with 10010, which gives the file up at once.
    public var retention: Int64?

    /// Milliseconds after the retention deadline during which failures are still retried (WeCom's limit is nominal,
    /// and an outage may end late). Default 6 hours.
    public var grace: Int64
    /// The fewest attempts before a file is given up as past its retention. Default 3.
    public var attemptsPastDeadline: Int

    public init(baseDelay: Int64 = 30_000, maximumDelay: Int64 = 3_600_000, retention: Int64? = 5 * 86_400_000,
                grace: Int64 = 6 * 3_600_000, attemptsPastDeadline: Int = 3) {
        self.baseDelay = max(0, baseDelay)
        self.maximumDelay = max(0, maximumDelay)
        self.retention = retention.map { max(0, $0) }
        self.grace = max(0, grace)
        self.attemptsPastDeadline = max(1, attemptsPastDeadline)
    }

    /// WeCom's media: 30 s doubling to one hour, for 5 days after the message was sent.
    public static let wecom = MediaRetryPolicy()

    /// Milliseconds to wait after `attempts` failed attempts (0 before the first).
    public func delay(afterAttempts attempts: Int) -> Int64 {
        guard attempts > 0 else { return 0 }
        var delay = min(baseDelay, maximumDelay)
        var doublings = attempts - 1
        while doublings > 0 && delay < maximumDelay {
            let (doubled, overflow) = delay.multipliedReportingOverflow(by: 2)
            delay = overflow ? maximumDelay : min(doubled, maximumDelay)
            doublings -= 1
            if delay == 0 { break }
        }
        return delay
    }

    /// The instant after which WeCom no longer serves a message's attachments; `nil` when there is no limit.
    public func deadline(forMessageAt messageTime: WeComTime) -> WeComTime? {
        guard let retention else { return nil }
        let (sum, overflow) = messageTime.milliseconds.addingReportingOverflow(retention)
        return WeComTime(milliseconds: overflow ? (retention > 0 ? .max : .min) : sum)
    }

    /// What the store writes for `outcome`: its status, error and when it is next due.
    ///
    /// A failure is due again after ``delay(afterAttempts:)``, but never later than the end of the retention plus
    /// ``grace`` (one last try there); a failure after that, once ``attemptsPastDeadline`` attempts were made, gives
    /// the attachment up (``MediaOutcome/Status/gone``) with a reason that keeps the last error — unless the failure
    /// was the archive's own (``MediaOutcome/local``).
    /// - Parameters:
    ///   - outcome: the attempt's result.
    ///   - attempts: failed and successful attempts so far, this one included.
    ///   - messageTime: the message's `msgtime`; `nil` when unknown (then there is no deadline).
    ///   - now: the store's clock.
    public func update(for outcome: MediaOutcome, attempts: Int, messageTime: WeComTime?, now: WeComTime) -> MediaRowUpdate {
        switch outcome.status {
        case .stored:
            return MediaRowUpdate(status: .stored, error: nil, nextAttemptAt: nil)
        case .gone:
            return MediaRowUpdate(status: .gone, error: outcome.error, nextAttemptAt: nil)
        case .failed:
            // Past the deadline a file is given up only after a few more tries spread over a grace period (an outage
            // longer than the retention must not cost every attachment it delayed), and never for the archive's own
            // failures.
            let deadline = messageTime.flatMap { self.deadline(forMessageAt: $0) }
            let limit = deadline.map { WeComTime(milliseconds: $0.milliseconds.addingReportingOverflow(grace).overflow ? .max
                                                     : $0.milliseconds + grace) }
            if let limit, now >= limit, attempts >= attemptsPastDeadline, !outcome.local {
                let hours = (retention ?? 0) / 3_600_000
                return MediaRowUpdate(
                    status: .gone,
                    error: "given up after \(attempts) attempts: past WeCom's media retention (\(hours) h after the message was sent); last error: \(outcome.error ?? "none")",
                    nextAttemptAt: nil)
            }
            let (sum, overflow) = now.milliseconds.addingReportingOverflow(delay(afterAttempts: attempts))
            var next = WeComTime(milliseconds: overflow ? .max : sum)
            if let limit, now < limit { next = min(next, limit) }
            return MediaRowUpdate(status: .failed, error: outcome.error, nextAttemptAt: next)
        }
    }
}

/// The columns of an attachment's row after an attempt, as ``MediaRetryPolicy/update(for:attempts:messageTime:now:)``
/// decides them.
public struct MediaRowUpdate: Sendable, Hashable {
    public var status: MediaOutcome.Status
    public var error: String?
    /// When the attachment is due again; `nil` unless it is to be retried.
    public var nextAttemptAt: WeComTime?
    public init(status: MediaOutcome.Status, error: String?, nextAttemptAt: WeComTime?) {
        self.status = status
        self.error = error
        self.nextAttemptAt = nextAttemptAt
    }
}

/// How the archive's attachments stand: for `chatledger media status` and the console's metrics.
public struct MediaBacklog: Sendable, Hashable, Codable {
    /// Waiting for a fetch: never tried, or failed and scheduled again (`stats`' `mediaPending`).
    public var pending: Int
    /// Of ``pending``, those whose attempt is due now.
    public var due: Int
    /// Of ``pending``, those that failed at least once and wait for their next attempt.
    public var retrying: Int
    /// Given up: expired at WeCom, past its retention, or too large. Only `chatledger media retry --failed` tries them
    /// again. (`stats`' `mediaFailed` also counts ``retrying``.)
    public var failed: Int
    public var stored: Int
    /// The earliest attempt scheduled after now; `nil` when none is (everything waiting is already ``due``).
    public var nextAttemptAt: WeComTime?
    public init(pending: Int, due: Int, retrying: Int, failed: Int, stored: Int, nextAttemptAt: WeComTime?) {
        self.pending = pending
        self.due = due
        self.retrying = retrying
        self.failed = failed
        self.stored = stored
        self.nextAttemptAt = nextAttemptAt
    }
}

/// One attachment that is not stored yet, with why: for `chatledger media list`.
public struct MediaEntry: Sendable, Hashable {
    public enum State: String, Sendable, Codable {
        /// Not tried yet (or made due again by `media retry`).
        case pending
        /// Failed; tried again at ``MediaEntry/nextAttemptAt``.
        case retrying
        /// Given up (the reason is in ``MediaEntry/error``).
        case failed
    }
    public var messageID: MessageID
    public var sdkFileID: String
    public var state: State
    public var attempts: Int
    public var nextAttemptAt: WeComTime?
    /// The last attempt's error, or why the attachment was given up. Never message content.
    public var error: String?
    public init(messageID: MessageID, sdkFileID: String, state: State, attempts: Int, nextAttemptAt: WeComTime?, error: String?) {
        self.messageID = messageID
        self.sdkFileID = sdkFileID
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.error = error
    }

    /// The state a `message_media.status` value stands for (`nil` for `stored`).
    package static func state(ofStatus status: String) -> State? {
        switch status {
        case "pending": return State.pending
        case "failed": return State.retrying
        case "gone": return State.failed
        default: return nil
        }
    }
}
