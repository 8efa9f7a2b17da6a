import Foundation
import Testing

/// The JSON fields the issues name are contracts: these tests hold them in place.
@Suite(.serialized) struct CLIContractTests {
    @Test func showStatsAndQuarantineSpeakTheDocumentedJSON() throws {
        let corp = try CLI.temporaryFolder("corp")
        let data = try CLI.temporaryFolder("archive")
        #expect(try CLI.run(["simulate", "--out", corp, "--messages", "300", "--seed", "3"]).status == 0)
        for file in ["chatdata.jsonl", "messages.jsonl", "directory.json", "keys/v1.pem", "keys/v2.pem", "media/index.json"] {
            #expect(FileManager.default.fileExists(atPath: corp + "/" + file), "simulate must write \(file)")
        }
        // Drop key v2 so part of the corpus is quarantined.
        let keys = try CLI.temporaryFolder("keys")
        try FileManager.default.copyItem(atPath: corp + "/keys/v1.pem", toPath: keys + "/v1.pem")
        let imported = try #require(try CLI.run(["import", "--data", data, "--chatdata", corp + "/chatdata.jsonl", "--keys", keys, "--json"]).json as? [String: Any])
        let quarantined = try #require(imported["quarantined"] as? Int)
        #expect(quarantined > 0 && (imported["imported"] as? Int ?? 0) + quarantined == 300)

        let stats = try #require(try CLI.run(["stats", "--data", data, "--json"]).json as? [String: Any])
        for key in ["messages", "quarantined", "conversations", "media"] { #expect(stats[key] is Int, "stats lacks \(key)") }
        #expect(stats["quarantined"] as? Int == quarantined)

        let list = try #require(try CLI.run(["quarantine", "list", "--data", data, "--json"]).json as? [[String: Any]])
        #expect(list.count == quarantined && list.allSatisfy { $0["reason_code"] as? String == "unknown-key-version" })

        let retried = try #require(try CLI.run(["quarantine", "retry", "--data", data, "--keys", corp + "/keys", "--json"]).json as? [String: Any])
        #expect(retried["resolved"] as? Int == quarantined)

        let firstLine = try #require(try String(contentsOfFile: corp + "/messages.jsonl", encoding: .utf8).split(separator: "\n").first)
        let msgid = try #require((try JSONSerialization.jsonObject(with: Data(firstLine.utf8)) as? [String: Any])?["msgid"] as? String)
        let shown = try #require(try CLI.run(["show", msgid, "--data", data, "--json"]).json as? [String: Any])
        for key in ["msgid", "seq", "action", "from", "tolist", "roomid", "msgtime", "msgtype", "text", "raw"] {
            #expect(shown[key] != nil, "show lacks \(key)")
        }
        #expect(shown["msgid"] as? String == msgid && shown["seq"] as? Int == 1)

        let missing = try CLI.run(["show", "no-such-id", "--data", data, "--json"])
        #expect(missing.status != 0 && missing.stderr.contains("no message"))
    }

    @Test func plaintextImportIsIdempotent() throws {
        let corp = try CLI.temporaryFolder("corp")
        let data = try CLI.temporaryFolder("archive")
        #expect(try CLI.run(["simulate", "--out", corp, "--messages", "200", "--seed", "4"]).status == 0)
        let first = try #require(try CLI.run(["import", "--data", data, "--messages", corp + "/messages.jsonl", "--json"]).json as? [String: Any])
        #expect(first["imported"] as? Int == 200)
        let second = try #require(try CLI.run(["import", "--data", data, "--messages", corp + "/messages.jsonl", "--json"]).json as? [String: Any])
        #expect(second["imported"] as? Int == 0 && second["duplicate"] as? Int == 200)
    }

    @Test func replyTimeoutsAndQualityReviewSpeakJSON() throws {
        let corp = try CLI.temporaryFolder("sla-corp")
        let data = try CLI.temporaryFolder("sla-data")
        #expect(try CLI.run(["simulate", "--out", corp, "--messages", "600", "--seed", "8"]).status == 0)
        #expect(try CLI.run(["import", "--data", data, "--messages", corp + "/messages.jsonl"]).status == 0)
        // The simulated month lies in the past, so its unanswered customers are overdue now, counting every hour.
        let overdue = try #require(try CLI.run(["sla", "overdue", "--all-hours", "--json", "--data", data]).json as? [String: Any])
        #expect(overdue["all_hours"] as? Bool == true && overdue["now"] is Int)
        let waits = try #require(overdue["overdue"] as? [[String: Any]])
        #expect(!waits.isEmpty)
        for key in ["conversation", "customer", "employee", "waiting_since", "minutes_waiting", "reminded", "escalated"] {
            #expect(waits[0][key] != nil, "missing \(key)")
        }
        let stats = try #require(try CLI.run(["sla", "stats", "--json", "--data", data, "--since", "2026-01-01"]).json as? [String: Any])
        let employees = try #require(stats["employees"] as? [[String: Any]])
        #expect(!employees.isEmpty && employees.allSatisfy { $0["waits"] is Int && $0["replyRate"] is Double })
        #expect(try CLI.run(["qa", "sample", "--period", "2026-11", "--data", data]).status == 0)
        let samples = try #require(try CLI.run(["qa", "list", "--json", "--data", data]).json as? [[String: Any]])
        let id = try #require(samples.first?["id"] as? Int)
        #expect(try CLI.run(["qa", "score", "\(id)", "--item", "greeting=100", "--item", "accuracy=100", "--item", "compliance=100",
                             "--item", "courtesy=100", "--data", data]).status == 0)
        let scored = try #require(try CLI.run(["qa", "list", "--json", "--data", data]).json as? [[String: Any]])
        #expect(scored.first { $0["id"] as? Int == id }?["total"] as? Double == 100)
        #expect(try CLI.run(["qa", "score", "\(id)", "--item", "speed=1", "--data", data]).status != 0)
    }

    @Test func badArgumentsAreRefusedWithAMessage() throws {
        let both = try CLI.run(["import", "--chatdata", "a", "--messages", "b"])
        #expect(both.status != 0 && both.stderr.contains("exactly one"))
        let noArchive = try CLI.run(["stats", "--data", "/nonexistent/archive"])
        #expect(noArchive.status != 0 && noArchive.stderr.contains("no archive"))
    }
}

@Suite(.serialized) struct AlertCLIContractTests {
    @Test func alertsCanBeListedShownAssignedAndResolved() throws {
        let corp = try CLI.temporaryFolder("corp")
        let data = try CLI.temporaryFolder("archive")
        #expect(try CLI.run(["simulate", "--out", corp, "--messages", "1500", "--seed", "61"]).status == 0)
        #expect(try CLI.run(["import", "--data", data, "--chatdata", corp + "/chatdata.jsonl", "--keys", corp + "/keys"]).status == 0)
        let alerts = try #require(try CLI.run(["alerts", "list", "--data", data, "--json"]).json as? [[String: Any]])
        let id = try #require(alerts.first?["id"] as? Int)
        #expect(try CLI.run(["alerts", "assign", "\(id)", "--to", "auditor1", "--data", data]).status == 0)
        #expect(try CLI.run(["alerts", "resolve", "\(id)", "--note", "处理完毕", "--data", data]).status == 0)
        let shown = try #require(try CLI.run(["alerts", "show", "\(id)", "--data", data, "--json"]).json as? [String: Any])
        let alert = try #require(shown["alert"] as? [String: Any])
        #expect(alert["status"] as? String == "resolved" && alert["assignee"] as? String == "auditor1")
        let again = try CLI.run(["alerts", "resolve", "\(id)", "--data", data])
        #expect(again.status != 0 && again.stderr.contains("resolved"))
        let scanned = try CLI.run(["scan", "--json"], input: "放心吧，保本保息\n产品不保本，有亏损风险\n")
        let lines = String(decoding: scanned.stdout, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        let hit = try #require((first["hits"] as? [[String: Any]])?.first)
        for key in ["category", "rule", "severity", "match", "start", "end"] { #expect(hit[key] != nil, "scan hit lacks \(key)") }
        #expect(hit["match"] as? String == "保本保息" && hit["start"] as? Int == 4 && hit["end"] as? Int == 8)
    }
}
