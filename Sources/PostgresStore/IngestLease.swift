import ArchiveModel
import ArchiveStore
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// The right to ingest: a session-level PostgreSQL advisory lock held on a dedicated connection.
///
/// Several `chatledger serve` processes may run against one archive; only the holder pulls from WeCom. When the
/// holder dies its connection closes, PostgreSQL releases the lock, and the next waiter's ``acquire`` succeeds.
/// A commit made under a lease checks, in its own transaction, that the lease connection still holds the lock
/// (a fence): a holder that lost its connection cannot write after another process took over.
/// Keep the lease referenced while ingesting and end with ``release()``.
public final class IngestLease: Sendable {
    let connection: PostgresConnection
    /// The PostgreSQL backend of the lease connection: the lock's owner in `pg_locks`.
    public let backendPID: Int32
    public let holder: String

    private init(connection: PostgresConnection, backendPID: Int32, holder: String) {
        self.connection = connection
        self.backendPID = backendPID
        self.holder = holder
    }

    /// Tries once to take the lease; nil when another process holds it.
    public static func tryAcquire(_ location: PostgresLocation, holder: String,
                                  logger: Logger = Logger(label: "chatledger.lease")) async throws -> IngestLease? {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: try location.connectionConfiguration(), id: 1, logger: logger)
        } catch {
            throw PostgresArchiveStore.explain(error, location: location)
        }
        do {
            let rows = try await connection.query("""
                SELECT pg_try_advisory_lock(\(PostgresSchema.ingestLock)), pg_backend_pid()
                """, logger: logger)
            guard let (acquired, pid) = try await rows.decode((Bool, Int32).self).first(where: { _ in true }), acquired else {
                try await connection.close()
                return nil
            }
            try await connection.query("""
                INSERT INTO ingest_lease (name, holder, backend_pid, acquired_at)
                VALUES ('ingest', \(holder), \(pid), \(Int64(Date().timeIntervalSince1970 * 1000)))
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, backend_pid = excluded.backend_pid,
                                                 acquired_at = excluded.acquired_at
                """, logger: logger)
            return IngestLease(connection: connection, backendPID: pid, holder: holder)
        } catch {
            try? await connection.close()
            throw PostgresArchiveStore.explain(error, location: location)
        }
    }

    /// Waits until the lease is free and takes it, trying every `interval`; returns nil when the task is cancelled.
    public static func acquire(_ location: PostgresLocation, holder: String, interval: Duration = .seconds(2),
                               logger: Logger = Logger(label: "chatledger.lease")) async throws -> IngestLease? {
        while !Task.isCancelled {
            if let lease = try await tryAcquire(location, holder: holder, logger: logger) { return lease }
            try? await Task.sleep(for: interval)
        }
        return nil
    }

    /// Who holds the lease now, as recorded by the holder (nil when nobody does).
    public static func currentHolder(_ store: PostgresArchiveStore) async throws -> String? {
        try await store.connection { connection in
            try await connection.query("""
                SELECT l.holder FROM ingest_lease l
                JOIN pg_locks k ON k.locktype = 'advisory' AND k.pid = l.backend_pid AND k.granted AND k.objsubid = 1
                 AND ((k.classid::bigint << 32) | k.objid::bigint) = \(PostgresSchema.ingestLock)
                WHERE l.name = 'ingest'
                """, logger: store.logger).decode(String.self).first { _ in true }
        }
    }

    /// Gives the lease up (closing its connection releases the lock).
    public func release() async {
        try? await connection.close()
    }
}

/// The lease a store's commits must hold, if any.
final class IngestFence: @unchecked Sendable {
    private var pid: Int32?
    private let lock = NSLock()

    func require(_ pid: Int32?) { lock.withLock { self.pid = pid } }

    /// Throws when this process was given a lease and no longer holds it.
    func check(_ connection: PostgresConnection, logger: Logger) async throws {
        guard let pid = lock.withLock({ self.pid }) else { return }
        let held = try await connection.query("""
            SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = \(pid) AND granted AND objsubid = 1
                           AND ((classid::bigint << 32) | objid::bigint) = \(PostgresSchema.ingestLock))
            """, logger: logger).decode(Bool.self).first { _ in true } ?? false
        guard held else {
            throw StorageError("this process lost the ingest lease (its PostgreSQL connection closed) and another may ingest now; nothing was written — start it again to wait for the lease")
        }
    }
}

extension PostgresArchiveStore {
    /// Makes every later commit check that `lease` is still held (nil: commit without a lease, e.g. one-off imports).
    public func commitUnder(_ lease: IngestLease?) {
        fence.require(lease?.backendPID)
    }
}
