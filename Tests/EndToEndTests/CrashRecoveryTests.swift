import ArchiveModel
import Foundation
import Testing

@Suite(.serialized) struct CrashRecoveryTests {
    /// SIGKILL the importer at seeded random moments, run it again each time, then let it finish:
    /// every message must end up stored exactly once.
    @Test func killingTheImporterAtRandomPointsLosesAndDuplicatesNothing() throws {
        let corp = try CLI.temporaryFolder("corp")
        let data = try CLI.temporaryFolder("archive")
        let count = 4000
        #expect(try CLI.run(["simulate", "--out", corp, "--messages", "\(count)", "--seed", "99"]).status == 0)
        let arguments = ["import", "--data", data, "--chatdata", corp + "/chatdata.jsonl", "--keys", corp + "/keys", "--json"]

        var rng = SplitMix(seed: 2026)
        var kills = 0
        for _ in 0..<6 {
            let process = try CLI.start(arguments)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32(50_000 + rng.next() % 400_000))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
        }
        #expect(kills > 0, "the importer finished before any kill: make the corpus larger")
        let final = try CLI.run(arguments)
        #expect(final.status == 0, "\(final.stderr)")

        let stats = try #require(try CLI.run(["stats", "--data", data, "--json"]).json as? [String: Any])
        #expect(stats["messages"] as? Int == count)
        #expect(stats["quarantined"] as? Int == 0)
        #expect((stats["cursors"] as? [String: Any])?["wecom"] as? Int == count)
        // Every ground-truth message is there, byte-exact.
        let truth = try String(contentsOfFile: corp + "/messages.jsonl", encoding: .utf8).split(separator: "\n")
        for line in truth.enumerated().filter({ $0.offset % 97 == 0 }).map(\.element) {
            let msgid = try #require((try JSONValue.parse(Array(line.utf8)))["msgid"]?.stringValue)
            let shown = try CLI.run(["show", msgid, "--data", data, "--json"])
            let object = try #require(shown.json as? [String: Any])
            let raw = try JSONSerialization.data(withJSONObject: object["raw"]!, options: [.sortedKeys])
            let expected = try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: Data(line.utf8)), options: [.sortedKeys])
            #expect(raw == expected)
        }
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
