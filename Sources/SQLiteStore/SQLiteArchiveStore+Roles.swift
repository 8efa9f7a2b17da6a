import ArchiveModel
import ArchiveStore

/// The embedded engine's place in the storage interface: every role the console, search, alerts and ingest ask for.
extension SQLiteArchiveStore: AlertOutbox {
    public func deliverDue(limit: Int, _ deliver: @Sendable (OutboxItem) async -> String?) async throws -> (delivered: Int, failed: Int) {
        var outcome = (delivered: 0, failed: 0)
        for item in try await dueOutbox(limit: limit) {
            let error = await deliver(item)
            try await recordDelivery(outboxID: item.id, error: error)
            if error == nil { outcome.delivered += 1 } else { outcome.failed += 1 }
        }
        return outcome
    }
}

extension SQLiteArchiveStore: LedgeredArchive {}

extension SQLiteArchiveStore: SearchableArchive {}

extension SQLiteArchiveStore: ConsoleAccountStore, AuditTrail, ConversationCatalog, AlertDesk, ReplyTimeoutStore, ReviewStore,
    InsightStore, ArchiveHousekeeping {}
