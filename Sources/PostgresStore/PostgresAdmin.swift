import ArchiveStore
import Foundation
import Logging
import PostgresNIO

/// Creating and dropping whole databases, for benchmarks and first-time setup.
public enum PostgresAdmin {
    /// Creates database `name` on the server `serverURL` points at (its own database is only used to connect),
    /// and returns the URL of the new database.
    public static func createDatabase(_ name: String, serverURL: String, logger: Logger = PostgresArchiveStore.defaultLogger) async throws -> String {
        try validate(name)
        let location = try PostgresLocation(url: serverURL)
        try await run("CREATE DATABASE \(name)", location: location, logger: logger)
        var components = URLComponents(string: serverURL)!
        components.path = "/" + name
        return components.string!
    }

    /// Drops database `name` (closing its connections).
    public static func dropDatabase(_ name: String, serverURL: String, logger: Logger = PostgresArchiveStore.defaultLogger) async throws {
        try validate(name)
        try await run("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", location: try PostgresLocation(url: serverURL), logger: logger)
    }

    private static func validate(_ name: String) throws {
        guard !name.isEmpty, name.count < 64, name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }) else {
            throw StorageError("database name '\(name)' must be lowercase letters, digits and underscores")
        }
    }

    private static func run(_ sql: String, location: PostgresLocation, logger: Logger) async throws {
        try await location.withConnection(logger: logger) { connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }
}
