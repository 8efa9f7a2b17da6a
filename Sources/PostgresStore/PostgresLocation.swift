import ArchiveModel
import ArchiveStore
import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL archive lives, parsed from a `postgres://user:password@host:port/database?sslmode=…` URL.
public struct PostgresLocation: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    /// The TLS mode in force: `disable`, `prefer` or `require`, as libpq spells them (`verify-full` is read as `require`,
    /// which verifies the certificate and host name).
    ///
    /// Without `sslmode` in the URL, a server on this machine (`localhost`, `127.0.0.0/8`, `::1`, a Unix socket folder)
    /// is reached with `prefer` and any other with `require`: the password and the archive's rows never cross a network
    /// in clear, and a man in the middle cannot downgrade the connection. A remote server is reached without TLS only
    /// when the URL says `sslmode=disable`; `prefer` for a remote server is raised to `require` for the same reason.
    public var sslMode: String

    public init(url text: String) throws {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            throw StorageError("'\(text)' is not a PostgreSQL URL; write postgres://user:password@host:5432/database")
        }
        guard let host = components.host, !host.isEmpty else { throw StorageError("the PostgreSQL URL names no host") }
        self.host = host
        port = components.port ?? 5432
        username = components.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        password = components.password.flatMap { $0.removingPercentEncoding }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? username : path
        let requested = components.queryItems?.first { $0.name == "sslmode" }?.value
        sslMode = try Self.effectiveSSLMode(requested, host: host)
    }

    /// The mode `requested` in the URL amounts to for `host`: TLS is required off this machine unless disabled explicitly.
    /// - Throws: ``StorageError`` for a mode that is not supported.
    static func effectiveSSLMode(_ requested: String?, host: String) throws -> String {
        switch requested {
        case "disable"?: return "disable"
        case "require"?, "verify-full"?: return "require"
        case nil, "prefer"?: return isLocal(host) ? "prefer" : "require"
        case let other?: throw StorageError("sslmode=\(other) is not supported; use disable, prefer, require or verify-full")
        }
    }

    /// Whether `host` is this machine: a loopback name or address, or a Unix socket folder.
    static func isLocal(_ host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name.hasPrefix("/") || name.hasPrefix("%2f") { return true }
        if name == "localhost" || name.hasSuffix(".localhost") || name == "::1" || name == "0:0:0:0:0:0:0:1" { return true }
        if name.hasPrefix("::ffff:") { name = String(name.dropFirst(7)) }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// The URL without its password, for logs and reports.
    public var description: String { "postgres://\(username)@\(host):\(port)/\(database)" }

    var clientConfiguration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = switch sslMode {
        case "disable": .disable
        case "require": .require(.makeClientConfiguration())
        default: .prefer(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: username, password: password,
                                                         database: database, tls: tls)
        configuration.options.maximumConnections = 8
        return configuration
    }

    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS = switch sslMode {
        case "disable": .disable
        case "require": .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        default: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        return PostgresConnection.Configuration(host: host, port: port, username: username, password: password,
                                                database: database, tls: tls)
    }
}

extension PostgresLocation {
    /// Runs `body` on a connection of its own (outside any pool) and closes it; errors say what to do.
    package func withConnection<Result: Sendable>(logger: Logger, _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            let connection = try await PostgresConnection.connect(configuration: try connectionConfiguration(), id: 0, logger: logger)
            do {
                let result = try await body(connection)
                try await connection.close()
                return result
            } catch {
                try? await connection.close()
                throw error
            }
        } catch {
            throw PostgresArchiveStore.explain(error, location: self)
        }
    }
}
