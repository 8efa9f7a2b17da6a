import Foundation
import Testing

@Suite(.serialized) struct LedgerCLITests {
    @Test func verifyProveAndAnOfflineCheckWithOpenSSL() throws {
        let corp = try CLI.temporaryFolder("corp")
        let data = try CLI.temporaryFolder("archive")
        #expect(try CLI.run(["simulate", "--out", corp, "--messages", "250", "--seed", "8"]).status == 0)
        #expect(try CLI.run(["import", "--data", data, "--chatdata", corp + "/chatdata.jsonl", "--keys", corp + "/keys"]).status == 0)

        let verified = try CLI.run(["verify", "--data", data, "--json"])
        let report = try #require(verified.json as? [String: Any])
        #expect(verified.status == 0 && report["ok"] as? Bool == true && report["messages"] as? Int == 250)
        #expect((report["checkpoints"] as? Int ?? 0) >= 1 && (report["recordsPerSecond"] as? Double ?? 0) > 0)

        let firstLine = try #require(try String(contentsOfFile: corp + "/messages.jsonl", encoding: .utf8).split(separator: "\n").dropFirst(40).first)
        let msgid = try #require((try JSONSerialization.jsonObject(with: Data(firstLine.utf8)) as? [String: Any])?["msgid"] as? String)
        let proved = try CLI.run(["prove", msgid, "--data", data, "--json"])
        #expect(proved.status == 0, "\(proved.stderr)")
        let proofPath = data + "/proof.json"
        try proved.stdout.write(to: URL(fileURLWithPath: proofPath))
        let publicKeyPath = data + "/public.pem"
        #expect(try CLI.run(["keys", "export-public", "--data", data, "--out", publicKeyPath]).status == 0)

        let checked = try CLI.run(["verify-proof", proofPath, "--public-key", publicKeyPath])
        #expect(checked.status == 0 && String(decoding: checked.stdout, as: UTF8.self).contains("VERIFIED"))

        // An independent tool agrees: OpenSSL verifies the checkpoint's Ed25519 signature with the exported key.
        let proof = try #require(proved.json as? [String: Any])
        let checkpoint = try #require(proof["checkpoint"] as? [String: Any])
        try Data((checkpoint["note"] as! String).utf8).write(to: URL(fileURLWithPath: data + "/note"))
        try Data(base64Encoded: checkpoint["signature"] as! String)!.write(to: URL(fileURLWithPath: data + "/note.sig"))
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["pkeyutl", "-verify", "-pubin", "-inkey", publicKeyPath, "-rawin", "-in", data + "/note", "-sigfile", data + "/note.sig"]
        openssl.standardOutput = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        #expect(openssl.terminationStatus == 0)

        // A forged proof is refused with a reason.
        var forged = proof
        forged["leaf_index"] = (proof["leaf_index"] as! Int) + 1
        try JSONSerialization.data(withJSONObject: forged).write(to: URL(fileURLWithPath: proofPath))
        let refused = try CLI.run(["verify-proof", proofPath, "--public-key", publicKeyPath])
        #expect(refused.status != 0 && String(decoding: refused.stdout, as: UTF8.self).contains("NOT VERIFIED"))
    }

    @Test func aWrongMasterKeyFileIsRefusedAtStart() throws {
        let corp = try CLI.temporaryFolder("corp")
        let data = try CLI.temporaryFolder("archive")
        #expect(try CLI.run(["simulate", "--out", corp, "--messages", "20", "--seed", "9"]).status == 0)
        #expect(try CLI.run(["import", "--data", data, "--messages", corp + "/messages.jsonl"]).status == 0)
        let wrong = data + "/other.key"
        try Data((0..<32).map { UInt8($0) }).write(to: URL(fileURLWithPath: wrong))
        let result = try CLI.run(["stats", "--data", data, "--master-key-file", wrong])
        #expect(result.status != 0 && result.stderr.contains("does not open this archive"))

        // Rotation: the new key opens the archive, the old one no longer does.
        let rotated = data + "/rotated.key"
        #expect(try CLI.run(["keys", "rotate-master", "--data", data, "--new-key-file", rotated]).status == 0)
        #expect(try CLI.run(["verify", "--data", data, "--master-key-file", rotated]).status == 0)
        #expect(try CLI.run(["stats", "--data", data]).status != 0)
    }
}
