import Foundation
import Testing

/// `chatledger ingest` pulling from WeCom through the Finance SDK: the C test double of libWeWorkFinanceSdk_C.so
/// (same ABI, serving a simulated corp's envelopes and media from a folder) loaded in the supervised worker, into a
/// PostgreSQL archive under the ingest lease — every envelope stored or quarantined once, attachments fetched, the
/// ledger verifying.
@Suite(.serialized, .enabled(if: TestServers.postgres != nil || TestServers.required))
struct FinanceSDKIngestCLITests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func compileDouble(into folder: String) throws -> String {
        let library = folder + "/libWeWorkFinanceSdk_C.so"
        let cc = Process()
        cc.executableURL = URL(fileURLWithPath: "/usr/bin/cc")
        cc.arguments = ["-shared", "-fPIC", "-O1", "-o", library,
                        packageRoot.appendingPathComponent("TestSupport/FinanceSdkDouble/finance_sdk_double.c").path, "-lcrypto"]
        try cc.run()
        cc.waitUntilExit()
        #expect(cc.terminationStatus == 0, "cc failed to build the Finance SDK double")
        return library
    }

    @Test func ingestPullsThroughTheFinanceSDKIntoPostgres() throws {
        let corp = try CLI.temporaryFolder("sdk-corp")
        let data = try CLI.temporaryFolder("sdk-archive")
        #expect(try CLI.run(["simulate", "--out", corp, "--messages", "300", "--seed", "41"]).status == 0)
        let library = try Self.compileDouble(into: corp)
        let database = try MigrateCLITests.createDatabase()
        defer { try? MigrateCLITests.dropDatabase(database) }
        let arguments = ["ingest", "--data", data, "--database", database, "--sdk-library", library, "--corp-id", "wwsimulated",
                         "--private-keys", corp + "/keys", "--interval", "0.2"]

        // The secret never travels on the command line; without it the command says where it goes.
        let refused = try CLI.run(arguments + ["--stop-at", "300"], environment: ["CHATLEDGER_WECOM_ARCHIVE_SECRET": ""])
        #expect(refused.status != 0 && refused.stderr.contains("CHATLEDGER_WECOM_ARCHIVE_SECRET"), "\(refused.stderr)")

        // The SDK refuses a wrong secret, and the command says so.
        let wrongSecret = try CLI.run(arguments + ["--stop-at", "300"], environment: ["CHATLEDGER_WECOM_ARCHIVE_SECRET": "wrong",
                                                                                  "FINANCE_DOUBLE_SECRET": "archive-secret", "FINANCE_DOUBLE_DIR": corp])
        #expect(wrongSecret.status != 0 && wrongSecret.stderr.contains("archive secret"), "\(wrongSecret.stderr)")

        let ingested = try CLI.run(arguments + ["--stop-at", "300"],
                                   environment: ["CHATLEDGER_WECOM_ARCHIVE_SECRET": "archive-secret", "FINANCE_DOUBLE_SECRET": "archive-secret",
                                                 "FINANCE_DOUBLE_DIR": corp])
        #expect(ingested.status == 0, "\(ingested.stderr)")
        #expect(ingested.stderr.contains("holding the ingest lease"))
        let stats = try #require(try CLI.run(["stats", "--data", data, "--database", database, "--json"]).json as? [String: Any])
        let stored = (stats["messages"] as? Int ?? 0) + (stats["quarantined"] as? Int ?? 0)
        #expect(stored == 300 && (stats["cursors"] as? [String: Any])?["wecom"] as? Int == 300, "\(stats)")
        #expect((stats["media"] as? Int ?? 0) > 0 && stats["media_pending"] as? Int == 0, "\(stats)")
        let verified = try CLI.run(["verify", "--data", data, "--database", database, "--json"])
        #expect(verified.status == 0 && (verified.json as? [String: Any])?["ok"] as? Bool == true, "\(verified.stderr)")
    }
}
