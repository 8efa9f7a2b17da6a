import ArchiveModel
import ArchiveStore
import Foundation
import Logging
import WeCom

/// Decrypt → decode → commit, exactly once.
///
/// Envelopes are opened on all cores, put back in seq order and committed in one transaction together
/// with the source cursor, so a crash at any point loses nothing and duplicates nothing. Whatever cannot
/// be decrypted or decoded is quarantined with its reason and original bytes, never dropped.
public struct IngestPipeline: Sendable {
    public var store: any ArchiveStore
    public var opener: EnvelopeOpener
    public var source: String
    public var parallelism: Int
    public var logger: Logger
    /// Scans every message before it is sealed; `nil` archives without risk analysis.
    public var risk: RiskAnalysis?
    /// Sentiment and topics of customer messages for the reports; `nil` skips them.
    public var insights: InsightAnalysis? = .standard

    public init(store: any ArchiveStore, opener: EnvelopeOpener, source: String = "wecom",
                parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
                logger: Logger = Logger(label: "chatledger.ingest")) {
        self.store = store
        self.opener = opener
        self.source = source
        self.parallelism = parallelism
        self.logger = logger
        self.risk = nil
    }

    /// Archives one GetChatData batch and moves the cursor to its highest seq.
    public func ingest(_ items: [ChatDataItem]) async throws -> CommitSummary {
        guard !items.isEmpty else { return CommitSummary() }
        let previous = try await store.cursor(source: source)
        return try await store.commit(await prepare(items, unreadable: [], after: previous))
    }

    /// Archives a GetChatData dump, one JSON entry per line, in batches of `batchSize`.
    ///
    /// Entries at or below the stored cursor are skipped (they are committed already), so running the
    /// same import again after a crash finishes the job without duplicating anything. Decryption of one
    /// batch overlaps the commit of the previous one.
    public func ingestChatDataLines(_ lines: [[UInt8]], batchSize: Int = 1000,
                                    progress: @Sendable (Int) -> Void = { _ in }) async throws -> CommitSummary {
        var previous = try await store.cursor(source: source)
        return try await pipelined(lines, batchSize: batchSize, progress: progress) { chunk in
            let (batch, skipped) = await prepare(lines: chunk, after: previous)
            previous = max(previous, batch.cursor ?? previous)
            return (batch, skipped)
        }
    }

    /// Cuts `lines` into batches and overlaps preparing batch N+1 with committing batch N.
    private func pipelined(_ lines: [[UInt8]], batchSize: Int, progress: @Sendable (Int) -> Void,
                           prepare: ([[UInt8]]) async throws -> (batch: IngestBatch, alreadyStored: Int)) async throws -> CommitSummary {
        var total = CommitSummary()
        var inFlight: IngestBatch?
        var done = 0
        for start in stride(from: 0, to: lines.count, by: batchSize) {
            let chunk = Array(lines[start..<min(lines.count, start + batchSize)])
            let toCommit = inFlight
            async let committed = commitIfAny(toCommit)
            let (batch, alreadyStored) = try await prepare(chunk)
            total = total + (try await committed)
            total.duplicates += alreadyStored
            done += chunk.count
            progress(done)
            inFlight = batch
        }
        return total + (try await commitIfAny(inFlight))
    }

    private func commitIfAny(_ batch: IngestBatch?) async throws -> CommitSummary {
        guard let batch, !(batch.messages.isEmpty && batch.quarantined.isEmpty && batch.cursor == nil) else {
            return CommitSummary()
        }
        return try await store.commit(batch)
    }

    /// One line of a GetChatData dump after the parallel step.
    enum LineOutcome: Sendable {
        case opened(ChatDataItem, ChatMessage, [StoredRiskHit])
        case failed(ChatDataItem, WeComError)
        case alreadyStored
        case unreadable([UInt8])
    }

    /// Parses and opens dump lines on all cores, skipping entries at or below `previous`.
    /// - Returns: the batch to commit and how many lines were already stored.
    func prepare(lines: [[UInt8]], after previous: UInt64) async -> (IngestBatch, Int) {
        let opener = self.opener
        let risk = self.risk
        let clock = StageClock.current
        let outcomes = await parallelMap(lines, parallelism: parallelism) { line -> LineOutcome in
            guard let item = clock.measure(.decode, { (try? JSONValue.parse(line)).flatMap(ChatDataItem.init(json:)) }) else {
                return .unreadable(line)
            }
            guard item.seq > previous else { return .alreadyStored }
            return Self.open(item, with: opener, risk: risk, clock: clock)
        }
        var skipped = 0
        var unreadable: [QuarantineFailure] = []
        var opened: [LineOutcome] = []
        for outcome in outcomes {
            switch outcome {
            case .alreadyStored: skipped += 1
            case .unreadable(let line):
                unreadable.append(QuarantineFailure(
                    seq: nil, msgid: nil, kind: .envelope, reasonCode: WeComError.Code.invalidJSON.rawValue,
                    reason: "line is not a GetChatData entry (seq, msgid, publickey_ver, encrypt_random_key, encrypt_chat_msg)",
                    payload: line))
            default: opened.append(outcome)
            }
        }
        return (await annotated(batch(from: opened, unreadable: unreadable, after: previous)), skipped)
    }

    /// Opens `items` on all cores and builds the batch to commit; pure CPU work.
    func prepare(_ items: [ChatDataItem], unreadable: [QuarantineFailure], after previous: UInt64) async -> IngestBatch {
        let opener = self.opener
        let risk = self.risk
        let clock = StageClock.current
        let outcomes = await parallelMap(items, parallelism: parallelism) { Self.open($0, with: opener, risk: risk, clock: clock) }
        return await annotated(batch(from: outcomes, unreadable: unreadable, after: previous))
    }

    func annotated(_ batch: IngestBatch) async -> IngestBatch {
        guard let insights else { return batch }
        return await insights.annotate(batch, parallelism: parallelism)
    }

    static func open(_ item: ChatDataItem, with opener: EnvelopeOpener, risk: RiskAnalysis?, clock: StageClock? = nil) -> LineOutcome {
        do {
            let message = try clock.measure(.decode) { () throws(WeComError) in try opener.open(item) }
            return .opened(item, message, clock.measure(.risk) { risk?.hits(in: message) ?? [] })
        } catch {
            return .failed(item, error)
        }
    }

    private func batch(from outcomes: [LineOutcome], unreadable: [QuarantineFailure], after previous: UInt64) -> IngestBatch {
        var seqs: [UInt64] = []
        var messages: [ChatMessage] = []
        var hits: [MessageID: [StoredRiskHit]] = [:]
        var failures = unreadable
        for outcome in outcomes {
            switch outcome {
            case .opened(let item, let message, let found):
                seqs.append(item.seq)
                messages.append(message)
                if !found.isEmpty { hits[message.id] = found }
            case .failed(let item, let error):
                seqs.append(item.seq)
                failures.append(QuarantineFailure(seq: item.seq, msgid: item.msgid, kind: .envelope,
                                                  reasonCode: error.code.rawValue, reason: error.message,
                                                  payload: Self.envelopeBytes(item)))
            case .alreadyStored, .unreadable: continue
            }
        }
        seqs.sort()
        messages.sort { $0.seq < $1.seq }
        if let first = failures.first {
            // One line per batch: a wrong key can quarantine thousands of envelopes at once.
            logger.warning("chatledger.ingest.quarantined", metadata: [
                "chatledger.ingest.count": "\(failures.count)", "chatledger.ingest.first_seq": "\(first.seq ?? 0)",
                "chatledger.ingest.reason": "\(first.reasonCode)",
            ])
        }
        return IngestBatch(source: source, messages: messages, quarantined: failures, cursor: seqs.last,
                           gaps: Self.gaps(in: seqs, after: previous), riskHits: hits, policyVersion: risk?.policyVersion ?? 0,
                           alertChannels: risk?.channels ?? [])
    }

    /// Archives decrypted message JSON lines (`import --messages`); lines that do not decode are quarantined.
    public func importMessages(_ lines: [[UInt8]], batchSize: Int = 2000,
                               progress: @Sendable (Int) -> Void = { _ in }) async throws -> CommitSummary {
        let decoder = opener.decoder
        let risk = self.risk
        let clock = StageClock.current
        return try await pipelined(lines, batchSize: batchSize, progress: progress) { chunk in
            let results = await parallelMap(chunk, parallelism: parallelism) { line in
                Result { () throws(WeComError) -> (ChatMessage, [StoredRiskHit]) in
                    let message = try clock.measure(.decode) { () throws(WeComError) in try decoder.decode(line, seq: 0) }
                    return (message, clock.measure(.risk) { risk?.hits(in: message) ?? [] })
                }
            }
            var messages: [ChatMessage] = []
            var hits: [MessageID: [StoredRiskHit]] = [:]
            var failures: [QuarantineFailure] = []
            for (line, result) in zip(chunk, results) {
                switch result {
                case .success(let (message, found)):
                    messages.append(message)
                    if !found.isEmpty { hits[message.id] = found }
                case .failure(let error):
                    failures.append(QuarantineFailure(seq: nil, msgid: nil, kind: .message, reasonCode: error.code.rawValue,
                                                      reason: error.message, payload: line))
                }
            }
            return (await annotated(IngestBatch(source: "import", messages: messages, quarantined: failures, riskHits: hits,
                                                policyVersion: risk?.policyVersion ?? 0, alertChannels: risk?.channels ?? [])), 0)
        }
    }

    /// Tries every open quarantine row again with the current keys and decoder.
    /// - Returns: how many rows were resolved and how many still fail.
    public func retryQuarantine() async throws -> (resolved: Int, stillFailing: Int) {
        var resolvedTotal = 0
        var failingTotal = 0
        var lastID: Int64 = 0
        while true {
            let entries = try await store.quarantine(includeResolved: false, limit: 10_000).filter { $0.id > lastID }
            guard let last = entries.last else { break }
            lastID = last.id
            var resolved: [QuarantineResolution] = []
            var failures: [QuarantineFailure] = []
            for entry in entries {
                do {
                    resolved.append(QuarantineResolution(entryID: entry.id, message: try reopen(entry)))
                } catch {
                    failures.append(QuarantineFailure(seq: entry.seq, msgid: entry.msgid, kind: entry.kind,
                                                      reasonCode: error.code.rawValue, reason: error.message,
                                                      payload: entry.payload))
                }
            }
            try await store.resolveQuarantine(resolved, retriedAgain: failures)
            resolvedTotal += resolved.count
            failingTotal += failures.count
            if entries.count < 10_000 { break }
        }
        return (resolvedTotal, failingTotal)
    }

    func reopen(_ entry: QuarantineEntry) throws(WeComError) -> ChatMessage {
        switch entry.kind {
        case .message:
            return try opener.decoder.decode(entry.payload, seq: entry.seq ?? 0)
        case .envelope:
            guard let item = (try? JSONValue.parse(entry.payload)).flatMap(ChatDataItem.init(json:)) else {
                throw WeComError(.invalidJSON, "quarantined envelope \(entry.id) is not a GetChatData entry")
            }
            return try opener.open(item)
        }
    }

    /// The envelope as the JSON GetChatData delivered, so a retry can read it back.
    static func envelopeBytes(_ item: ChatDataItem) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(item))) ?? []
    }

    /// Ranges of missing seqs between `previous` (the stored cursor) and the sorted `seqs` of a batch.
    static func gaps(in seqs: [UInt64], after previous: UInt64) -> [SeqGap] {
        var gaps: [SeqGap] = []
        var last = previous
        for seq in seqs where seq > last {
            // Before the first stored seq nothing is known; WeCom may have expired older ones.
            if last > 0 && seq > last + 1 { gaps.append(SeqGap(after: last, before: seq)) }
            last = seq
        }
        return gaps
    }
}
