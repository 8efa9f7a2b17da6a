import ArchiveModel
import ArchiveStore
import Crypto
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// The archive on PostgreSQL: the same ``ArchiveStore`` and ``SearchableArchive`` contracts as the embedded
/// SQLite archive, for deployments that outgrow one machine. Several processes may open one database; ledger
/// appends are serialized by an advisory lock, and ``IngestLease`` keeps ingestion to one process at a time.
public final class PostgresArchiveStore: ArchiveStore, SearchableArchive {
    let client: PostgresClient
    private let runner: Task<Void, Never>
    let logger: Logger
    let clock: @Sendable () -> WeComTime
    /// Seals bodies, texts and quarantine payloads under this archive's data keys (the same layout as SQLite's).
    public let sealer: Sealer
    /// Names this archive's log in its checkpoints (`chatledger/<uuid>`).
    public let origin: String
    let tokenHasher: SearchTokenHasher
    let partitions = PartitionCache()
    let fence = IngestFence()
    public let location: PostgresLocation

    /// Connects, migrates the schema and unwraps the data keys.
    /// - Throws: ``StorageError`` when the database cannot be reached, was migrated by a newer ChatLedger, or was
    ///   sealed under another master key.
    public static func open(url: String, masterKey: MasterKey, logger: Logger = PostgresArchiveStore.defaultLogger,
                            clock: @escaping @Sendable () -> WeComTime = { WeComTime(date: Date()) }) async throws -> PostgresArchiveStore {
        let location = try PostgresLocation(url: url)
        let now = clock().milliseconds
        // One direct connection first: a wrong password or a missing database fails at once with PostgreSQL's
        // reason, where the pool would retry in the background.
        let (sealer, origin) = try await location.withConnection(logger: logger) { connection in
            try await PostgresSchema.migrate(connection, logger: logger)
            return try await connection.withTransaction(logger: logger) { connection in
                (try await loadDataKeys(connection, master: masterKey, now: now, logger: logger),
                 try await loadOrigin(connection, logger: logger))
            }
        }
        // The pool warns when its first lease races `run()`, which is harmless here: only its errors matter.
        var poolLogger = logger
        poolLogger.logLevel = max(logger.logLevel, .error)
        let client = PostgresClient(configuration: location.clientConfiguration, backgroundLogger: poolLogger)
        let runner = Task { await client.run() }
        return PostgresArchiveStore(client: client, runner: runner, logger: logger, clock: clock, sealer: sealer, origin: origin,
                                    location: location)
    }

    /// Warnings and errors only: the pool reports every connection it opens at info level.
    public static var defaultLogger: Logger {
        var logger = Logger(label: "chatledger.postgres")
        logger.logLevel = .warning
        return logger
    }

    private init(client: PostgresClient, runner: Task<Void, Never>, logger: Logger, clock: @escaping @Sendable () -> WeComTime,
                 sealer: Sealer, origin: String, location: PostgresLocation) {
        self.client = client
        self.runner = runner
        self.logger = logger
        self.clock = clock
        self.sealer = sealer
        self.origin = origin
        self.location = location
        tokenHasher = SearchTokenHasher.derive(from: sealer.keys[1] ?? sealer.keys[sealer.activeKeyID]!)
    }

    /// Closes the connection pool; the store must not be used afterwards.
    public func close() {
        runner.cancel()
    }

    deinit { runner.cancel() }

    /// A storage error that says what to do, for what PostgreSQL or the network reported.
    static func explain(_ error: any Error, location: PostgresLocation) -> any Error {
        if error is StorageError { return error }
        if let transaction = error as? PostgresTransactionError {
            if let inner = transaction.closureError { return explain(inner, location: location) }
            if let inner = transaction.beginError { return explain(inner, location: location) }
        }
        if let psql = error as? PSQLError {
            switch psql.serverInfo?[.sqlState] {
            case "28P01", "28000":
                return StorageError("PostgreSQL at \(location) refused the credentials; check the user and password in the URL")
            case "3D000":
                return StorageError("database \(location.database) does not exist at \(location.host):\(location.port); create it first (createdb \(location.database))",
                                    unavailable: true)
            // Connection exceptions, and a server shutting down, starting up or terminating the connection.
            case let state? where state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state):
                return StorageError("PostgreSQL at \(location) is unavailable (\(state)): \(psql.serverInfo?[.message] ?? "")", unavailable: true)
            case let state?:
                return StorageError("PostgreSQL at \(location) failed (\(state)): \(psql.serverInfo?[.message] ?? String(reflecting: psql))")
            case nil:
                return StorageError("cannot reach PostgreSQL at \(location): \(psql.code) \(psql.underlying.map { "\($0)" } ?? ""); is the server running?",
                                    unavailable: true)
            }
        }
        // The pool's own errors (no connection could be made in time, the pool is shut down) come from postgres-nio's
        // underscored `_ConnectionPoolModule`, which is not ours to import: recognised by name.
        if String(reflecting: type(of: error)).hasSuffix("ConnectionPoolError") {
            return StorageError("cannot get a connection to PostgreSQL at \(location) (\(error)); is the server running?", unavailable: true)
        }
        return StorageError("PostgreSQL at \(location): \(error)")
    }

    /// Runs `body` in one transaction, translating driver errors into ``StorageError``s.
    func transaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch {
            throw Self.explain(error, location: location)
        }
    }

    /// Runs `body` on one pooled connection (a consistent snapshot needs `transaction`).
    func connection<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch {
            throw Self.explain(error, location: location)
        }
    }

    static func loadOrigin(_ connection: PostgresConnection, logger: Logger) async throws -> String {
        let candidate = "chatledger/\(UUID().uuidString.lowercased())"
        try await connection.query("INSERT INTO archive_meta (key, value) VALUES ('origin', \(candidate)) ON CONFLICT (key) DO NOTHING",
                                   logger: logger)
        return try await connection.query("SELECT value FROM archive_meta WHERE key = 'origin'", logger: logger)
            .decode(String.self).first { _ in true } ?? candidate
    }

    /// Unwraps every data key with the master key, creating the first one in a new archive.
    static func loadDataKeys(_ connection: PostgresConnection, master: MasterKey, now: Int64, logger: Logger) async throws -> Sealer {
        var keys: [UInt32: SymmetricKey] = [:]
        var active: UInt32?
        // Two processes opening a new archive at once must not both create its first key.
        try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLock))", logger: logger)
        let rows = try await connection.query("SELECT id, wrapped, master_fingerprint, active FROM data_key ORDER BY id",
                                              logger: logger)
        for try await (id, wrapped, fingerprint, isActive) in rows.decode((Int32, ByteBuffer, String, Bool).self) {
            do {
                keys[UInt32(id)] = try Sealer.unwrap(Array(buffer: wrapped), id: UInt32(id), master: master)
            } catch {
                throw StorageError("""
                    the master key (fingerprint \(master.fingerprint)) does not open this archive: it was sealed under \
                    master key \(fingerprint). Use the key file this archive was created with, or set CHATLEDGER_MASTER_KEY.
                    """)
            }
            if isActive { active = UInt32(id) }
        }
        if keys.isEmpty {
            let key = SymmetricKey(size: .bits256)
            let wrapped = ByteBuffer(bytes: try Sealer.wrap(key, id: 1, master: master))
            try await connection.query("""
                INSERT INTO data_key (id, wrapped, master_fingerprint, created_at, active) VALUES (1, \(wrapped), \(master.fingerprint), \(now), true)
                """, logger: logger)
            keys[1] = key
            active = 1
        }
        return Sealer(keys: keys, activeKeyID: active ?? keys.keys.max()!)
    }
}

/// Month partitions known to exist, so a commit creates each at most once per process.
final class PartitionCache: @unchecked Sendable {
    private var known = Set<String>()
    private let lock = NSLock()
    func contains(_ name: String) -> Bool { lock.withLock { known.contains(name) } }
    func insert(_ name: String) { _ = lock.withLock { known.insert(name) } }
}
