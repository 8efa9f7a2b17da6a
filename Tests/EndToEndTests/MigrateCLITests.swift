import Foundation
import Testing

/// `chatledger migrate` as an operator runs it: an embedded archive moves to PostgreSQL and S3, and `verify`,
/// `stats` and `search` then answer from there. Needs the servers of scripts/start-services.sh.
@Suite(.serialized, .enabled(if: TestServers.postgres != nil || TestServers.required))
struct MigrateCLITests {
    /// A new empty database on the test server, by psql (the URL's credentials).
    static func createDatabase() throws -> String {
        let server = try #require(TestServers.postgres.flatMap(URLComponents.init(string:)), "run scripts/start-services.sh")
        let name = "cl_cli_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        try psql("CREATE DATABASE \(name)", server: server)
        return "postgres://\(server.user ?? "postgres"):\(server.password ?? "")@\(server.host ?? "127.0.0.1"):\(server.port ?? 5432)/\(name)?sslmode=disable"
    }

    /// Drops a database `createDatabase` made (closing what still holds it open).
    static func dropDatabase(_ url: String) throws {
        let server = try #require(TestServers.postgres.flatMap(URLComponents.init(string:)))
        let name = try #require(URLComponents(string: url)?.path.dropFirst())
        try psql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", server: server)
    }

    static func psql(_ sql: String, server: URLComponents) throws {
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        psql.arguments = ["psql", "-h", server.host ?? "127.0.0.1", "-p", String(server.port ?? 5432), "-U", server.user ?? "postgres",
                          "-d", "postgres", "-qc", sql]
        psql.environment = ProcessInfo.processInfo.environment.merging(["PGPASSWORD": server.password ?? ""]) { _, new in new }
        try psql.run()
        psql.waitUntilExit()
        #expect(psql.terminationStatus == 0, "psql \(sql)")
    }

    @Test func anArchiveMovesToPostgresAndS3AndStillVerifies() throws {
        let corp = try CLI.temporaryFolder("corp")
        let data = try CLI.temporaryFolder("archive")
        #expect(try CLI.run(["simulate", "--out", corp, "--messages", "300", "--seed", "31"]).status == 0)
        #expect(try CLI.run(["import", "--data", data, "--chatdata", corp + "/chatdata.jsonl", "--keys", corp + "/keys"]).status == 0)
        let embedded = try #require(try CLI.run(["verify", "--data", data, "--json"]).json as? [String: Any])

        let database = try Self.createDatabase()
        defer { try? Self.dropDatabase(database) }
        let s3 = "s3://migrated-\(UUID().uuidString.lowercased().prefix(8))/bank?endpoint=\(ProcessInfo.processInfo.environment["CHATLEDGER_TEST_S3_ENDPOINT"] ?? "http://127.0.0.1:5434")&lock=governance&retain-days=1"
        let credentials = ["AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"]
        let migrated = try CLI.run(["migrate", "--data", data, "--to", database, "--blobs-to", s3, "--create-bucket", "--json"],
                                   environment: credentials)
        #expect(migrated.status == 0, "\(migrated.stderr)")
        let report = try #require(migrated.json as? [String: Any])
        let verification = try #require(report["verification"] as? [String: Any])
        #expect(verification["ok"] as? Bool == true && verification["root"] as? String == embedded["root"] as? String)
        #expect((verification["blobs"] as? Int ?? 0) > 0 && verification["blobs"] as? Int == embedded["blobs"] as? Int)

        let verified = try CLI.run(["verify", "--data", data, "--database", database, "--blobs", s3, "--json"], environment: credentials)
        let again = try #require(verified.json as? [String: Any])
        #expect(verified.status == 0 && again["ok"] as? Bool == true && again["messages"] as? Int == 300)

        let stats = try #require(try CLI.run(["stats", "--data", data, "--json"], environment: ["CHATLEDGER_DATABASE_URL": database]).json as? [String: Any])
        #expect(stats["messages"] as? Int == 300)
        let searched = try CLI.run(["search", "的", "--data", data, "--database", database, "--json"])
        #expect(searched.status == 0 && ((searched.json as? [String: Any])?["total"] as? Int ?? 0) > 0)

        let policies = try CLI.run(["policy", "list", "--data", data, "--database", database, "--json"])
        #expect(policies.status == 0 && ((policies.json as? [[String: Any]])?.count ?? 0) >= 1, "\(policies.stderr)")
        let quarantine = try CLI.run(["quarantine", "list", "--data", data, "--database", database, "--json"])
        #expect(quarantine.status == 0 && (quarantine.json as? [Any])?.isEmpty == true, "\(quarantine.stderr)")
        let alerts = try CLI.run(["alerts", "list", "--data", data, "--database", database, "--json"])
        #expect(alerts.status == 0, "\(alerts.stderr)")
        // Commands only the embedded archive serves refuse instead of opening the embedded one.
        let refused = try CLI.run(["keys", "rotate-data-key", "--data", data, "--database", database])
        #expect(refused.status != 0 && refused.stderr.contains("embedded archive only"))
        // A second migration into the same database is refused.
        let twice = try CLI.run(["migrate", "--data", data, "--to", database], environment: credentials)
        #expect(twice.status != 0 && twice.stderr.contains("already holds an archive"))
    }
}

enum TestServers {
    static var postgres: String? { ProcessInfo.processInfo.environment["CHATLEDGER_TEST_POSTGRES_URL"] }
    static var required: Bool { ProcessInfo.processInfo.environment["CHATLEDGER_REQUIRE_POSTGRES"] == "1" }
}
