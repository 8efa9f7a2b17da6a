import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Two `chatledger serve` processes on one PostgreSQL archive, as behind a load balancer: both serve the API with
/// the same accounts and sessions, exactly one pulls at a time, and when the puller is killed the other takes over
/// while still answering — and the archive verifies afterwards.
@Suite(.serialized, .enabled(if: TestServers.postgres != nil || TestServers.required))
struct ServeClusterCLITests {
    let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.timeoutIntervalForRequest = 20
        return URLSession(configuration: configuration)
    }()

    struct Node {
        let name: String
        let port: Int
        let process: Process
        let log: String
        var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        var holdsLease: Bool { output.contains("holding the ingest lease") }
    }

    static func start(_ name: String, data: String, database: String, pulling: Bool = true) throws -> Node {
        let port = CLI.freePort()
        let source = pulling ? ["--simulate-seed", "23", "--rate", "60"] : []
        let process = try CLI.start(["serve", "--admin-password", "cluster-admin"] + source)
        process.environment = ProcessInfo.processInfo.environment.merging([
            "CHATLEDGER_DATA": data, "CHATLEDGER_DATABASE_URL": database, "CHATLEDGER_PORT": String(port), "CHATLEDGER_SHUTDOWN_SECONDS": "3",
        ]) { _, new in new }
        let log = data + "/\(name).log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return Node(name: name, port: port, process: process, log: log)
    }

    /// SIGTERM, then SIGKILL once `grace` seconds have passed. - Returns: whether it ended within the grace period.
    @discardableResult
    static func stop(_ process: Process, grace: Double) -> Bool {
        guard process.isRunning else { return true }
        process.terminate()
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        guard process.isRunning else { return true }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return false
    }

    func request(_ node: Node, _ path: String, token: String? = nil, json: String? = nil) async throws -> (Int, Any?) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(node.port)\(path)")!)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(json.utf8)
        }
        let (data, response) = try await session.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, try? JSONSerialization.jsonObject(with: data))
    }

    func login(_ node: Node, _ username: String, _ password: String) async throws -> String {
        let (status, body) = try await request(node, "/api/v1/auth/login", json: #"{"username":"\#(username)","password":"\#(password)"}"#)
        let token = (body as? [String: Any])?["token"] as? String
        #expect(status == 200 && token != nil, "login \(username) on \(node.name): \(status)")
        return token ?? ""
    }

    func messages(_ node: Node, token: String) async throws -> Int {
        ((try await request(node, "/api/v1/stats", token: token).1 as? [String: Any])?["messages"] as? Int) ?? -1
    }

    /// Starts a node and waits until it answers, on another port if the first was taken meanwhile.
    func startAnswering(_ name: String, data: String, database: String, pulling: Bool = true) async throws -> Node {
        for _ in 0..<3 {
            let node = try Self.start(name, data: data, database: database, pulling: pulling)
            // Generous: the whole suite starts at once on two cores, and a first start also migrates the database.
            try await waitFor("\(name) to answer or exit", timeout: 180) {
                guard node.process.isRunning else { return true }
                return try await request(node, "/healthz").0 == 200
            }
            if node.process.isRunning { return node }
        }
        Issue.record("\(name) did not start")
        throw CancellationError()
    }

    func waitFor(_ what: String, timeout: Double = 60, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: .milliseconds(300))
        }
        Issue.record("timed out waiting for \(what)")
        throw CancellationError()
    }

    @Test func twoServeProcessesShareOneArchive() async throws {
        let data = try CLI.temporaryFolder("cluster")
        let database = try MigrateCLITests.createDatabase()
        defer { try? MigrateCLITests.dropDatabase(database) }
        // The first node creates the archive and its master key file; the second starts once it answers.
        let a = try await startAnswering("node-a", data: data, database: database)
        defer { if a.process.isRunning { kill(a.process.processIdentifier, SIGKILL) } }
        let b = try await startAnswering("node-b", data: data, database: database)
        defer { if b.process.isRunning { b.process.terminate(); b.process.waitUntilExit() } }

        // One account store: an auditor added through the CLI signs in on either node, and a session opened on one
        // node is honoured by the other.
        let added = try CLI.run(["user", "add", "officer", "--role", "auditor", "--department", "1", "--password", "Officer-pass-1",
                                 "--data", data, "--database", database])
        #expect(added.status == 0, "\(added.stderr)")
        let token = try await login(a, "officer", "Officer-pass-1")
        try await waitFor("messages to arrive") { try await messages(b, token: token) > 50 }
        let (searchStatus, search) = try await request(b, "/api/v1/search?q=%E7%9A%84", token: token)
        #expect(searchStatus == 200 && ((search as? [String: Any])?["total"] as? Int ?? 0) > 0)
        let (conversationsStatus, conversations) = try await request(a, "/api/v1/conversations", token: token)
        #expect(conversationsStatus == 200 && !(((conversations as? [String: Any])?["items"] as? [Any]) ?? []).isEmpty)

        // Exactly one node pulls.
        try await waitFor("a node to hold the ingest lease") { a.holdsLease || b.holdsLease }
        try await Task.sleep(for: .seconds(1.5))
        #expect(a.holdsLease != b.holdsLease, "node-a:\n\(a.output)\nnode-b:\n\(b.output)")
        let (holder, other) = a.holdsLease ? (a, b) : (b, a)

        // The puller dies without a goodbye; the other node takes over and keeps answering.
        kill(holder.process.processIdentifier, SIGKILL)
        holder.process.waitUntilExit()
        let atKill = try await messages(other, token: token)
        try await waitFor("\(other.name) to take over") { other.holdsLease }
        try await waitFor("\(other.name) to ingest past the dead node") { try await messages(other, token: token) > atKill + 60 }
        let admin = try await login(other, "admin", "cluster-admin")
        let (auditStatus, audit) = try await request(other, "/api/v1/audit?limit=200", token: admin)
        let actions = ((audit as? [String: Any])?["items"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
        #expect(auditStatus == 200 && actions.contains("search") && actions.contains("user.add"), "\(actions)")
        // The status page names the archive and the process that pulls.
        let service = (try await request(other, "/api/v1/status", token: admin).1 as? [String: Any])?["service"] as? [String: String] ?? [:]
        #expect(service["archive"]?.hasPrefix("PostgreSQL") == true, "\(service)")
        #expect(service["ingest lease"].map { other.output.contains("\($0): holding the ingest lease") } == true, "\(service)")
        other.process.terminate()
        other.process.waitUntilExit()

        let stats = (try CLI.run(["stats", "--data", data, "--database", database, "--json"]).json as? [String: Any]) ?? [:]
        let cursor = (stats["cursors"] as? [String: Any])?["wecom"] as? Int ?? -1
        let stored = (stats["messages"] as? Int ?? 0) + (stats["quarantined"] as? Int ?? 0)
        #expect(stored == cursor && stats["seq_gaps"] as? Int == 0, "\(stats)")
        let verified = try CLI.run(["verify", "--data", data, "--database", database, "--json"])
        #expect(verified.status == 0 && (verified.json as? [String: Any])?["ok"] as? Bool == true, "\(verified.stderr)")

        // When the database goes away, a console-only node keeps running and its health check says so (503, retry).
        let c = try await startAnswering("node-c", data: data, database: database, pulling: false)
        defer { Self.stop(c.process, grace: 10) }
        #expect(try await request(c, "/api/v1/stats", token: token).0 == 200)
        try MigrateCLITests.dropDatabase(database)
        try await waitFor("node-c to report the archive unavailable", timeout: 30) { try await request(c, "/healthz").0 == 503 }
        #expect(c.process.isRunning)
        // A shutdown that cannot finish cleanly (open issue: the reply-timeout service can stay suspended in a database
        // call after its database was dropped) still ends within the deadline (CHATLEDGER_SHUTDOWN_SECONDS=3 here).
        let started = Date()
        #expect(Self.stop(c.process, grace: 8), "node-c did not end within its shutdown deadline")
        #expect(Date().timeIntervalSince(started) < 8)
    }
}
