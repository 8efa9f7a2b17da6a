import ArchiveModel
import ArchiveStore
import Foundation
import PostgresNIO

extension PostgresArchiveStore: AlertOutbox {
    /// Claims due outbox rows with `FOR UPDATE SKIP LOCKED` and delivers them inside that transaction, so a row being
    /// delivered by one process is invisible to every other; a process that dies mid-delivery rolls back and the row
    /// is due again.
    public func deliverDue(limit: Int, _ deliver: @Sendable (OutboxItem) async -> String?) async throws -> (delivered: Int, failed: Int) {
        // Small claims, each its own transaction: rows wait locked only while their own chunk is delivered, and
        // other processes share the queue.
        var total = (delivered: 0, failed: 0)
        while total.delivered + total.failed < limit {
            let chunk = try await deliverChunk(limit: min(Self.outboxChunk, limit - total.delivered - total.failed), deliver)
            if chunk.delivered + chunk.failed == 0 { break }
            total.delivered += chunk.delivered
            total.failed += chunk.failed
        }
        return total
    }

    static let outboxChunk = 5

    private func deliverChunk(limit: Int, _ deliver: @Sendable (OutboxItem) async -> String?) async throws -> (delivered: Int, failed: Int) {
        let now = clock().milliseconds
        let holder = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
        return try await transaction { connection in
            var items: [OutboxItem] = []
            let rows = try await connection.query("""
                SELECT o.id, o.channel, o.attempts, o.recipients, o.body, a.id, a.conversation, a.category, a.severity, a.status,
                       a.assignee, a.sender, a.first_msgtime, a.last_msgtime, a.hit_count, a.created_at, a.updated_at
                FROM alert_outbox o JOIN alert a ON a.id = o.alert_id
                WHERE o.delivered_at IS NULL AND o.next_attempt_at <= \(now)
                ORDER BY o.id LIMIT \(limit) FOR UPDATE OF o SKIP LOCKED
                """, logger: logger)
            for try await row in rows {
                let columns = row.makeRandomAccess()
                items.append(OutboxItem(
                    id: try columns[0].decode(Int64.self), channel: try columns[1].decode(String.self),
                    attempts: Int(try columns[2].decode(Int32.self)),
                    alert: AlertRecord(
                        id: try columns[5].decode(Int64.self), conversation: try columns[6].decode(String?.self),
                        category: try columns[7].decode(String.self), severity: try columns[8].decode(String.self),
                        status: try columns[9].decode(String.self), assignee: try columns[10].decode(String?.self),
                        sender: try columns[11].decode(String.self), firstMsgtime: try columns[12].decode(Int64.self),
                        lastMsgtime: try columns[13].decode(Int64.self), hitCount: Int(try columns[14].decode(Int32.self)),
                        createdAt: try columns[15].decode(Int64.self), updatedAt: try columns[16].decode(Int64.self),
                        message: try columns[4].decode(String?.self)),
                    recipients: try columns[3].decode([String]?.self)))
            }
            var outcome = (delivered: 0, failed: 0)
            for item in items {
                if let error = await deliver(item) {
                    let delay = Int64(min(3_600_000, 1000 << min(item.attempts + 1, 12)))
                    try await connection.query("""
                        UPDATE alert_outbox SET attempts = attempts + 1, next_attempt_at = \(now + delay), last_error = \(error)
                        WHERE id = \(item.id)
                        """, logger: logger)
                    outcome.failed += 1
                } else {
                    try await connection.query("""
                        UPDATE alert_outbox SET attempts = attempts + 1, delivered_at = \(clock().milliseconds), delivered_by = \(holder),
                                                last_error = NULL
                        WHERE id = \(item.id)
                        """, logger: logger)
                    outcome.delivered += 1
                }
            }
            return outcome
        }
    }

    /// Outbox rows still undelivered.
    public func undeliveredCount() async throws -> Int {
        try await connection { connection in
            Int(try await connection.query("SELECT count(*) FROM alert_outbox WHERE delivered_at IS NULL", logger: logger)
                .decode(Int64.self).first { _ in true } ?? 0)
        }
    }

    /// How many times each outbox row was delivered, by row: the exactly-once check across processes.
    public func deliveredBy() async throws -> [Int64: String] {
        try await connection { connection in
            var result: [Int64: String] = [:]
            for try await (id, holder) in try await connection.query("""
                SELECT id, delivered_by FROM alert_outbox WHERE delivered_at IS NOT NULL
                """, logger: logger).decode((Int64, String).self) { result[id] = holder }
            return result
        }
    }
}
