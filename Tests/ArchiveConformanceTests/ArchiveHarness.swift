import ArchiveModel
import ArchiveStore
import Foundation
import Logging
import PostgresNIO
import PostgresStore
import SQLiteStore
import Testing

/// Everything the product asks of an archive, whatever the engine.
typealias Archive = any ConsoleArchive

/// The engines the conformance suite runs against. PostgreSQL joins when `CHATLEDGER_TEST_POSTGRES_URL` names a
/// server (scripts/start-services.sh starts one; `scripts/test.sh` always does and sets
/// `CHATLEDGER_REQUIRE_POSTGRES=1`, so a missing server fails the run instead of skipping).
enum Engine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    static var postgresURL: String? { ProcessInfo.processInfo.environment["CHATLEDGER_TEST_POSTGRES_URL"] }
    static var postgresRequired: Bool { ProcessInfo.processInfo.environment["CHATLEDGER_REQUIRE_POSTGRES"] == "1" }
    static var available: [Engine] { postgresURL == nil && !postgresRequired ? [.sqlite] : allCases }
}

/// A fresh, empty archive on one engine; ``close()`` removes it.
final class OpenedArchive: Sendable {
    let engine: Engine
    let archive: Archive
    let masterKey: MasterKey
    /// The scratch database (PostgreSQL) or folder (SQLite).
    let name: String
    let url: String?

    private init(engine: Engine, archive: Archive, masterKey: MasterKey, name: String, url: String?) {
        self.engine = engine
        self.archive = archive
        self.masterKey = masterKey
        self.name = name
        self.url = url
    }

    static func make(_ engine: Engine, masterKey: MasterKey = .generate(),
                     clock: @escaping @Sendable () -> WeComTime = { WeComTime(date: Date()) }) async throws -> OpenedArchive {
        switch engine {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conformance-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let store = try SQLiteArchiveStore(path: folder.appendingPathComponent("archive.sqlite").path, masterKey: masterKey, clock: clock)
            return OpenedArchive(engine: engine, archive: store, masterKey: masterKey, name: folder.path, url: nil)
        case .postgres:
            let url = try await ScratchDatabase.create()
            let store = try await PostgresArchiveStore.open(url: url, masterKey: masterKey, clock: clock)
            return OpenedArchive(engine: engine, archive: store, masterKey: masterKey, name: url, url: url)
        }
    }

    /// A second handle on the same PostgreSQL archive: what another `chatledger serve` process would open.
    func openAgain(clock: @escaping @Sendable () -> WeComTime = { WeComTime(date: Date()) }) async throws -> PostgresArchiveStore {
        try await PostgresArchiveStore.open(url: try #require(url), masterKey: masterKey, clock: clock)
    }

    var postgres: PostgresArchiveStore? { archive as? PostgresArchiveStore }

    func close() async {
        switch engine {
        case .sqlite:
            try? FileManager.default.removeItem(atPath: name)
        case .postgres:
            postgres?.close()
            try? await ScratchDatabase.drop(name)
        }
    }
}

/// Creates and drops one database per test on the test server, so tests never see each other's rows.
enum ScratchDatabase {
    static let logger = Logger(label: "chatledger.tests.postgres")

    static func admin() async throws -> (PostgresConnection, PostgresLocation) {
        guard let url = Engine.postgresURL else {
            Issue.record("CHATLEDGER_REQUIRE_POSTGRES=1 but CHATLEDGER_TEST_POSTGRES_URL is not set; run scripts/start-services.sh")
            throw CancellationError()
        }
        let location = try PostgresLocation(url: url)
        let configuration = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.username,
                                                             password: location.password, database: location.database, tls: .disable)
        return (try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger), location)
    }

    static func create() async throws -> String {
        let (connection, location) = try await admin()
        defer { Task { try? await connection.close() } }
        let name = "cl_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        let password = location.password.map { ":\($0)" } ?? ""
        return "postgres://\(location.username)\(password)@\(location.host):\(location.port)/\(name)?sslmode=disable"
    }

    static func drop(_ url: String) async throws {
        let database = try PostgresLocation(url: url).database
        let (connection, _) = try await admin()
        try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(database) WITH (FORCE)"), logger: logger)
        try await connection.close()
    }

    /// Runs SQL on the archive's database directly, as an attacker with database access would.
    static func execute(_ sql: String, on url: String) async throws {
        let location = try PostgresLocation(url: url)
        let configuration = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.username,
                                                             password: location.password, database: location.database, tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 2, logger: logger)
        try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        try await connection.close()
    }

    static func scalar(_ sql: String, on url: String) async throws -> Int64 {
        let location = try PostgresLocation(url: url)
        let configuration = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.username,
                                                             password: location.password, database: location.database, tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 3, logger: logger)
        let value = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int64.self).first { _ in true } ?? -1
        try await connection.close()
        return value
    }
}

/// Runs `body` on a fresh archive of `engine` and removes the archive afterwards, even when `body` throws.
func withArchive(_ engine: Engine, masterKey: MasterKey = .generate(),
                 clock: @escaping @Sendable () -> WeComTime = { WeComTime(date: Date()) },
                 _ body: (OpenedArchive) async throws -> Void) async throws {
    let opened = try await OpenedArchive.make(engine, masterKey: masterKey, clock: clock)
    do {
        try await body(opened)
    } catch {
        await opened.close()
        throw error
    }
    await opened.close()
}
