import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite(.serialized) struct DemoTests {
    func get(_ url: String) async throws -> (Int, Data) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    @Test func theDemoArchivesContinuouslyThroughTheCallbackAndServesHealth() async throws {
        let data = try CLI.temporaryFolder("demo")
        let port = 20_000 + Int.random(in: 0..<20_000)
        let process = try CLI.start(["demo", "--data", data, "--port", "\(port)", "--rate", "30"])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var stopped = false
        defer {
            if !stopped {
                process.terminate()
                process.waitUntilExit()
            }
        }
        var messages = 0
        for _ in 0..<40 where messages < 100 {
            try await Task.sleep(for: .milliseconds(500))
            guard let (status, body) = try? await get("http://127.0.0.1:\(port)/api/v1/stats"), status == 200 else { continue }
            messages = (try JSONSerialization.jsonObject(with: body) as? [String: Any])?["messages"] as? Int ?? 0
        }
        #expect(messages >= 100, "the demo should archive continuously")
        let (healthStatus, _) = try await get("http://127.0.0.1:\(port)/healthz")
        #expect(healthStatus == 200)
        let (pageStatus, page) = try await get("http://127.0.0.1:\(port)/")
        #expect(pageStatus == 200 && String(decoding: page, as: UTF8.self).contains("ChatLedger"))
        // A forged callback is refused with a reason, not a crash.
        var forged = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/wecom/callback?msg_signature=00&timestamp=1&nonce=2")!)
        forged.httpMethod = "POST"
        forged.httpBody = Data("<xml><Encrypt><![CDATA[AAAA]]></Encrypt></xml>".utf8)
        let (_, response) = try await URLSession.shared.data(for: forged)
        #expect((response as? HTTPURLResponse)?.statusCode == 400)

        // The demo's archive verifies: every record, checkpoint and blob.
        try await Task.sleep(for: .milliseconds(1500))
        process.terminate()
        process.waitUntilExit()
        stopped = true
        let verified = try CLI.run(["verify", "--data", data, "--json"])
        let report = try JSONSerialization.jsonObject(with: verified.stdout) as? [String: Any]
        #expect(verified.status == 0 && report?["ok"] as? Bool == true, "\(verified.stderr)")
        #expect((report?["checkpoints"] as? Int ?? 0) >= 1 && (report?["messages"] as? Int ?? 0) >= 100)
    }
}
