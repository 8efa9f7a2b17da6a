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
