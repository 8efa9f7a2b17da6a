/// Where alert notifications wait until a channel accepted them.
///
/// ``deliverDue(limit:_:)`` hands each due item to `deliver` and records the outcome; an item is never handed to
/// two deliverers at once, even when several processes dispatch from one archive (PostgreSQL claims rows with
/// `FOR UPDATE SKIP LOCKED`; the embedded archive has one process).
public protocol AlertOutbox: Sendable {
    /// - Parameter deliver: returns nil when delivered, or why it failed (retried later with backoff, never dropped).
    /// - Returns: how many items were delivered and how many failed.
    func deliverDue(limit: Int, _ deliver: @Sendable (OutboxItem) async -> String?) async throws -> (delivered: Int, failed: Int)
}

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
