import Foundation
import GRDB

/// The brute-force baseline `bench search` measures the index against: normalised plain text in its own SQLite file,
/// searched with `LIKE`. It lives in the engine so the benchmark itself needs no driver.
public struct PlainTextScanBaseline: Sendable {
    private let queue: DatabaseQueue

    public init(path: String) throws {
        queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "CREATE TABLE IF NOT EXISTS plain (id INTEGER PRIMARY KEY, text TEXT NOT NULL)") }
    }

    public func insert(_ texts: [String]) async throws {
        try await queue.write { db in
            let statement = try db.cachedStatement(sql: "INSERT INTO plain (text) VALUES (?)")
            for text in texts { try statement.execute(arguments: [text]) }
        }
    }

    public func sample(_ count: Int) async throws -> [String] {
        try await queue.read { db in try String.fetchAll(db, sql: "SELECT text FROM plain ORDER BY random() LIMIT ?", arguments: [count]) }
    }

    /// The newest 20 texts containing every pattern, and how many do (counted up to 10,001), as a search would.
    public func scan(containingAll patterns: [String]) async throws {
        let likes = patterns.map { "%" + $0 + "%" }
        let condition = likes.map { _ in "text LIKE ?" }.joined(separator: " AND ")
        _ = try await queue.read { db in
            (try Int64.fetchAll(db, sql: "SELECT id FROM plain WHERE \(condition) ORDER BY id DESC LIMIT 20", arguments: StatementArguments(likes)),
             try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT 1 FROM plain WHERE \(condition) LIMIT 10001)", arguments: StatementArguments(likes)))
        }
    }
}
