import ArchiveModel

/// The archive's storage port: what ingest, the CLI and (later) the console need from a database.
///
/// Implementations: `SQLiteArchiveStore` (module SQLiteStore, embedded) and `PostgresArchiveStore` (module
/// PostgresStore); nothing here names a database. Every method that writes is one transaction.
public protocol ArchiveStore: Sendable {
    /// Stores a batch and advances the source's cursor in the same transaction.
    ///
    /// A message whose msgid is already stored is counted as a duplicate and left unchanged.
    func commit(_ batch: IngestBatch) async throws -> CommitSummary

    /// The last sequence number of `source` that is durably stored (0 before the first batch).
    func cursor(source: String) async throws -> UInt64

    func message(id: MessageID) async throws -> StoredMessage?

    func stats() async throws -> ArchiveStats

    /// Quarantined inputs, oldest first; resolved ones only when `includeResolved`.
    func quarantine(includeResolved: Bool, limit: Int) async throws -> [QuarantineEntry]

    /// Marks quarantine rows resolved in the same transaction that stores what their retry produced.
    func resolveQuarantine(_ resolved: [QuarantineResolution], retriedAgain failures: [QuarantineFailure]) async throws

    /// Media attachments of stored messages that are not yet in the blob store.
    func pendingMedia(limit: Int) async throws -> [PendingMedia]

    /// Records the outcome of fetching one attachment.
    func recordMedia(_ outcome: MediaOutcome) async throws

    /// How many attachments wait, are due, were given up or are stored, and when the next retry falls due.
    func mediaBacklog() async throws -> MediaBacklog

    /// Attachments not stored yet, given-up ones first, with their last error.
    func unstoredMedia(limit: Int) async throws -> [MediaEntry]

    /// Makes every waiting attachment due now and, with `includingFailed`, gives given-up ones another try.
    /// - Returns: how many attachments are due now because of it.
    func retryMedia(includingFailed: Bool) async throws -> Int

    /// Group ids seen in archived messages, for looking up their names and members.
    func roomIDs() async throws -> [String]

    /// Replaces directory facts (employees, contacts, departments, groups) learned from WeCom.
    func saveDirectory(_ directory: DirectorySnapshot) async throws
}
