import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite(.serialized) struct DemoTests {
    /// No cookie jar: each request is exactly what it says (signed in only with a bearer token).
    let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        return URLSession(configuration: configuration)
    }()

    func get(_ url: String, token: String? = nil) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: url)!)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await session.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    func login(_ port: Int, password: String) async throws -> String? {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/auth/login")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"username":"admin","password":"\#(password)"}"#.utf8)
        guard let (data, _) = try? await session.data(for: request) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["token"] as? String
    }

    @Test func theDemoArchivesContinuouslyThroughTheCallbackAndServesHealth() async throws {
        let data = try CLI.temporaryFolder("demo")
        let port = CLI.freePort()
        let process = try CLI.start(["demo", "--data", data, "--port", "\(port)", "--rate", "30", "--admin-password", "demo"])
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
        var token: String?
        for _ in 0..<40 where messages < 100 {
            try await Task.sleep(for: .milliseconds(500))
            if token == nil { token = try await login(port, password: "demo") }
            guard let (status, body) = try? await get("http://127.0.0.1:\(port)/api/v1/stats", token: token), status == 200 else { continue }
            messages = (try JSONSerialization.jsonObject(with: body) as? [String: Any])?["messages"] as? Int ?? 0
        }
        #expect(messages >= 100, "the demo should archive continuously")
        let (healthStatus, _) = try await get("http://127.0.0.1:\(port)/healthz")
        #expect(healthStatus == 200)
        // Content is behind a sign-in: the console's front page leads to the login form.
        let (anonymousStatus, _) = try await get("http://127.0.0.1:\(port)/api/v1/stats")
        #expect(anonymousStatus == 401)
        let (pageStatus, page) = try await get("http://127.0.0.1:\(port)/")
        #expect(pageStatus == 200 && String(decoding: page, as: UTF8.self).contains("login-form"))
        // A forged callback is refused with a reason, not a crash.
        var forged = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/wecom/callback?msg_signature=00&timestamp=1&nonce=2")!)
        forged.httpMethod = "POST"
        forged.httpBody = Data("<xml><Encrypt><![CDATA[AAAA]]></Encrypt></xml>".utf8)
        let (_, response) = try await session.data(for: forged)
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
        // The console's own audit events (the admin's creation, the sign-in's reads) are ledger leaves too.
        #expect((report?["auditEvents"] as? Int ?? 0) >= 1)
    }
}
