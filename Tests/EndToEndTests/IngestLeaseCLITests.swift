import Foundation
import Testing

/// Two `chatledger ingest` processes on one PostgreSQL archive: one ingests, the other waits; when the first is
/// killed (SIGKILL: no goodbye), the second takes over from the stored cursor — every seq stored once, no gap,
/// the ledger verifies.
@Suite(.serialized, .enabled(if: TestServers.postgres != nil || TestServers.required))
struct IngestLeaseCLITests {
    /// A running `chatledger` with its output in a file.
    struct Running {
        let process: Process
        let log: String
        var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
    }

    static func start(_ arguments: [String], log: String) throws -> Running {
        let process = try CLI.start(arguments)
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return Running(process: process, log: log)
    }

    static func stats(_ data: String, _ database: String) throws -> [String: Any] {
        (try CLI.run(["stats", "--data", data, "--database", database, "--json"]).json as? [String: Any]) ?? [:]
    }

    static func wait(_ what: String, timeout: Double = 60, until condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.3)
        }
        Issue.record("timed out waiting for \(what)")
        throw CancellationError()
    }

    @Test func aKilledIngesterIsReplacedAndNothingIsLostOrDoubled() throws {
        let data = try CLI.temporaryFolder("ingest")
        let database = try MigrateCLITests.createDatabase()
        defer { try? MigrateCLITests.dropDatabase(database) }
        let common = ["ingest", "--data", data, "--database", database, "--simulate-seed", "19", "--rate", "150", "--interval", "0.3"]
        let first = try Self.start(common + ["--holder", "node-a"], log: data + "/a.log")
        defer { if first.process.isRunning { kill(first.process.processIdentifier, SIGKILL) } }
        // node-a creates the archive (and its master key file) before it takes the lease; only then do others open it.
        try Self.wait("node-a to hold the lease") { first.output.contains("node-a: holding the ingest lease") }
        try Self.wait("node-a to ingest") { (try Self.stats(data, database)["messages"] as? Int ?? 0) > 0 }

        let second = try Self.start(common + ["--holder", "node-b"], log: data + "/b.log")
        defer { if second.process.isRunning { second.process.terminate() } }
        try Self.wait("node-b to start waiting") { second.output.contains("node-b: waiting for the ingest lease") }
        Thread.sleep(forTimeInterval: 1.5)
        #expect(!second.output.contains("holding the ingest lease"), "\(second.output)")

        kill(first.process.processIdentifier, SIGKILL)
        first.process.waitUntilExit()
        let atKill = try Self.stats(data, database)["messages"] as? Int ?? 0
        try Self.wait("node-b to take over") { second.output.contains("node-b: holding the ingest lease") }
        try Self.wait("node-b to ingest past node-a") { (try Self.stats(data, database)["messages"] as? Int ?? 0) > atKill + 100 }
        second.process.terminate()
        second.process.waitUntilExit()

        let stats = try Self.stats(data, database)
        let cursor = (stats["cursors"] as? [String: Any])?["wecom"] as? Int ?? -1
        // One message per seq from 1 to the cursor: nothing skipped at the takeover, nothing stored twice.
        let stored = (stats["messages"] as? Int ?? 0) + (stats["quarantined"] as? Int ?? 0)
        #expect(stored == cursor && stats["seq_gaps"] as? Int == 0, "\(stats)")
        let verified = try CLI.run(["verify", "--data", data, "--database", database, "--json"])
        #expect(verified.status == 0 && (verified.json as? [String: Any])?["ok"] as? Bool == true, "\(verified.stderr)")
    }
}
