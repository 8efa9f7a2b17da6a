import ArchiveModel

/// Everything one ingest step writes at once: messages, quarantined inputs, detected gaps and the new cursor.
public struct IngestBatch: Sendable {
    public var source: String
    public var messages: [ChatMessage]
    public var quarantined: [QuarantineFailure]
    /// The highest seq covered by this batch; the source cursor moves here (never backwards).
    public var cursor: UInt64?
    public var gaps: [SeqGap]
    /// Risk hits found in the messages before sealing, by msgid; stored and turned into alerts in the same transaction.
    public var riskHits: [MessageID: [StoredRiskHit]]
    /// Sentiment and topics of customer messages, for the report aggregates.
    public var insights: [MessageID: MessageInsight] = [:]
    /// The policy version that produced ``riskHits``.
    public var policyVersion: Int
    /// Channels a new alert is queued for in the outbox.
    public var alertChannels: [String]

    public init(source: String, messages: [ChatMessage], quarantined: [QuarantineFailure] = [],
                cursor: UInt64? = nil, gaps: [SeqGap] = [], riskHits: [MessageID: [StoredRiskHit]] = [:], policyVersion: Int = 0,
                alertChannels: [String] = []) {
        self.source = source
        self.messages = messages
        self.quarantined = quarantined
        self.cursor = cursor
        self.gaps = gaps
        self.riskHits = riskHits
        self.policyVersion = policyVersion
        self.alertChannels = alertChannels
    }
}

/// A rule hit as the store keeps it: no matched text (that stays sealed in the message), only its span.
public struct StoredRiskHit: Sendable, Hashable, Codable {
    public var category: String
    public var rule: String
    public var severity: String
    /// Character offsets into the message's searchable text.
    public var start: Int
    public var end: Int

    public init(category: String, rule: String, severity: String, start: Int, end: Int) {
        self.category = category
        self.rule = rule
        self.severity = severity
        self.start = start
        self.end = end
    }
}

/// What a commit did.
public struct CommitSummary: Sendable, Hashable {
    public var inserted: Int
    public var duplicates: Int
    public var quarantined: Int
    public init(inserted: Int = 0, duplicates: Int = 0, quarantined: Int = 0) {
        self.inserted = inserted
        self.duplicates = duplicates
        self.quarantined = quarantined
    }

    public static func + (lhs: CommitSummary, rhs: CommitSummary) -> CommitSummary {
        CommitSummary(inserted: lhs.inserted + rhs.inserted, duplicates: lhs.duplicates + rhs.duplicates,
                      quarantined: lhs.quarantined + rhs.quarantined)
    }
}

/// Missing sequence numbers between two consecutive envelopes of a source.
public struct SeqGap: Sendable, Hashable, Codable {
    /// The last seq seen before the gap.
    public var after: UInt64
    /// The first seq seen after the gap.
    public var before: UInt64
    public init(after: UInt64, before: UInt64) {
        self.after = after
        self.before = before
    }
}

/// What kind of bytes a quarantine row holds, and so how a retry reads them.
public enum QuarantinePayloadKind: String, Sendable, Codable {
    /// A GetChatData entry as JSON (`seq`, `msgid`, `publickey_ver`, both ciphertexts).
    case envelope
    /// Decrypted message JSON that failed to decode.
    case message
}

/// An input that could not be archived, with its reason and original bytes.
public struct QuarantineFailure: Sendable, Hashable {
    public var seq: UInt64?
    public var msgid: String?
    public var kind: QuarantinePayloadKind
    public var reasonCode: String
    public var reason: String
    public var payload: [UInt8]
    public init(seq: UInt64?, msgid: String?, kind: QuarantinePayloadKind, reasonCode: String, reason: String,
                payload: [UInt8]) {
        self.seq = seq
        self.msgid = msgid
        self.kind = kind
        self.reasonCode = reasonCode
        self.reason = reason
        self.payload = payload
    }
}

/// A stored quarantine row.
public struct QuarantineEntry: Sendable, Hashable, Codable {
    public var id: Int64
    public var source: String
    public var seq: UInt64?
    public var msgid: String?
    public var kind: QuarantinePayloadKind
    public var reasonCode: String
    public var reason: String
    public var payload: [UInt8]
    public var firstSeen: WeComTime
    public var lastTried: WeComTime
    public var attempts: Int
    public var resolvedAt: WeComTime?

    package init(id: Int64, source: String, seq: UInt64?, msgid: String?, kind: QuarantinePayloadKind, reasonCode: String, reason: String, payload: [UInt8], firstSeen: WeComTime, lastTried: WeComTime, attempts: Int, resolvedAt: WeComTime?) {
        self.id = id
        self.source = source
        self.seq = seq
        self.msgid = msgid
        self.kind = kind
        self.reasonCode = reasonCode
        self.reason = reason
        self.payload = payload
        self.firstSeen = firstSeen
        self.lastTried = lastTried
        self.attempts = attempts
        self.resolvedAt = resolvedAt
    }
}

/// A quarantine row whose retry succeeded: its message is stored and the row is closed.
public struct QuarantineResolution: Sendable {
    public var entryID: Int64
    public var message: ChatMessage
    public init(entryID: Int64, message: ChatMessage) {
        self.entryID = entryID
        self.message = message
    }
}
