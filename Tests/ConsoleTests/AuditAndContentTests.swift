import ArchiveModel
import ArchiveStore
import Console
import Crypto
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLiteStore
import Testing

@Suite(.serialized) struct AuditAndContentTests {
    @Test func everyContentAccessIsALedgerLeafThatVerifies() async throws {
        let fixture = try await ConsoleFixtureCache.shared.get()
        let conversation = try #require(fixture.participants.keys.sorted().first { fixture.participants[$0]?.contains(fixture.protectedEmployee) != true })
        // A reader of its own, so other suites' requests do not mix into what is counted here.
        try await fixture.store.addUser(ConsoleUser(username: "audited", displayName: "audited",
                                                    passwordHash: fixture.services.accounts.hashPassword(ConsoleFixture.password),
                                                    roles: ["auditor"], departments: [1]))
        try await fixture.withClient { client in
            let token = try await client.login("audited")
            let encoded = conversation.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            #expect(try await client.get("/api/v1/conversations/\(encoded)/messages", token: token).status == .ok)
            #expect(try await client.get("/api/v1/search?q=%E4%BF%9D%E6%9C%AC", token: token).status == .ok)
            #expect(try await client.get("/conversations/\(encoded)", token: token).status == .ok)
            let (_, body) = try await client.json("/api/v1/audit?actor=audited&limit=10", token: token)
            let actions = ((body as? [String: Any])?["items"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(actions == ["conversation.view", "search", "conversation.view"])
        }
        let key = Curve25519.Signing.PrivateKey()
        try await fixture.store.writeCheckpoint(signingKey: key, timestamp: nil)
        let report = try await fixture.store.verify(publicKey: key.publicKey, blobs: nil)
        #expect(report.ok && report.auditEvents >= 3, "\(String(describing: report.failure))")
    }

    @Test func aRewrittenAuditEventIsCaughtByVerify() async throws {
        let fixture = try await ConsoleFixture.make(messages: 60, seed: 5)
        try await fixture.store.appendAudit(AuditEvent(actor: "auditor", action: "search", target: "保本"))
        let key = Curve25519.Signing.PrivateKey()
        try await fixture.store.writeCheckpoint(signingKey: key, timestamp: nil)
        #expect(try await fixture.store.verify(publicKey: key.publicKey, blobs: nil).ok)
        // Someone hides who searched by editing the row's columns.
        try await DatabaseQueue(path: fixture.databasePath).write { db in try db.execute(sql: "UPDATE audit_event SET actor = 'nobody'") }
        let report = try await fixture.store.verify(publicKey: key.publicKey, blobs: nil)
        #expect(!report.ok && report.failure?.kind == "audit")
    }

    @Test func phoneAndCardNumbersAreMaskedUnlessTheReaderMayUnmask() async throws {
        let fixture = try await ConsoleFixtureCache.shared.get()
        let page = try await fixture.store.search({ var query = MessageQuery(); query.limit = 1000; return query }())
        let target = try #require(page.messages.first { $0.searchableText.contains(/1[3-9]\d{9}/) && $0.conversation != nil && !$0.searchableText.contains("*") })
        let number = String(try #require(target.searchableText.firstMatch(of: /1[3-9]\d{9}/)?.0))
        try await fixture.withClient { client in
            for (role, masked) in [("auditor", true), ("unmasker", false)] {
                let token = try await client.login(role)
                let (status, body) = try await client.json("/api/v1/messages/\(target.id.rawValue)", token: token)
                if fixture.participants[target.conversation!.rawValue]?.contains(fixture.protectedEmployee) == true, role != "auditor", role != "unmasker" {
                    #expect(status == .notFound)
                    continue
                }
                let text = try #require((body as? [String: Any])?["text"] as? String)
                #expect(text.contains(number) == !masked, "\(role): \(text)")
                if masked { #expect(text.contains(number.prefix(3) + "****" + number.suffix(4))) }
            }
        }
    }

    @Test func theOpenAPIDocumentDescribesRoutesThatAnswer() async throws {
        let fixture = try await ConsoleFixtureCache.shared.get()
        try await fixture.withClient { client in
            let (status, body) = try await client.json("/api/v1/openapi.json", token: nil)
            #expect(status == .ok)
            let paths = try #require((body as? [String: Any])?["paths"] as? [String: [String: Any]])
            #expect(paths.count >= 20)
            let token = try await client.login("admin")
            for (path, operations) in paths where operations["get"] != nil && !path.contains("{") {
                let answer = try await client.get(path, token: token).status.code
                #expect(answer != 404 && answer < 500, "\(path) → \(answer)")
            }
        }
    }

    /// Both directions: every JSON API route the router serves is documented with its method, and every documented
    /// operation is a route — so the document can neither hide an endpoint nor promise one that is gone.
    @Test func theOpenAPIDocumentAndTheRouterListTheSameOperations() async throws {
        let fixture = try await ConsoleFixtureCache.shared.get()
        @Sendable func normalized(_ path: String) -> String {
            "/" + path.split(separator: "/").map { $0.hasPrefix(":") || ($0.hasPrefix("{") && $0.hasSuffix("}")) ? "{}" : String($0) }
                .joined(separator: "/")
        }
        let routes = Set(fixture.router.routes.map { "\($0.method.rawValue) \(normalized($0.path.description))" })
        let served = routes.filter { $0.contains(" /api/v1/") }
        #expect(served.count > 30, "\(served.count) API routes")
        try await fixture.withClient { client in
            let (_, body) = try await client.json("/api/v1/openapi.json", token: nil)
            let paths = try #require((body as? [String: Any])?["paths"] as? [String: [String: Any]])
            let documented = Set(paths.flatMap { path, operations in
                operations.keys.filter { ["get", "post", "put", "patch", "delete"].contains($0) }
                    .map { "\($0.uppercased()) \(normalized(path))" }
            })
            #expect(served.subtracting(documented).isEmpty, "served but not documented: \(served.subtracting(documented).sorted())")
            #expect(documented.subtracting(routes).isEmpty, "documented but not served: \(documented.subtracting(routes).sorted())")
        }
    }

    @Test func metricsAndHealthAreServed() async throws {
        let fixture = try await ConsoleFixtureCache.shared.get()
        try await fixture.withClient { client in
            #expect(try await client.get("/healthz", token: nil).status == .ok)
            let metrics = try await client.get("/metrics", token: nil)
            #expect(metrics.status == .ok && metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
        }
    }

    /// A database that is down or restarting is the archive being away, not a broken request: 503 with Retry-After,
    /// where any other failure stays a 500 with a log reference.
    @Test func anUnreachableArchiveAnswers503AndOtherFailures500() async throws {
        let fixture = try await ConsoleFixtureCache.shared.get()
        let router = ConsoleRouter.build(services: fixture.services) { router in
            router.get("probe/away") { _, _ -> Response in throw StorageError("cannot reach PostgreSQL", unavailable: true) }
            router.get("probe/broken") { _, _ -> Response in throw StorageError("a constraint failed") }
        }
        try await Application(router: router).test(.router) { client in
            let away = try await client.get("/probe/away", token: nil)
            #expect(away.status == .serviceUnavailable && away.headers[.retryAfter] == "5")
            #expect(String(buffer: away.body).contains("try again"))
            let broken = try await client.get("/probe/broken", token: nil)
            #expect(broken.status == .internalServerError && String(buffer: broken.body).contains("reference"))
            let health = try await client.get("/healthz", token: nil)
            #expect(health.status == .ok && String(buffer: health.body).contains("ledger_size"))
        }
    }

    @Test func adminCreatesUsersThroughTheAPIAndTheChangeIsAudited() async throws {
        let fixture = try await ConsoleFixtureCache.shared.get()
        try await fixture.withClient { client in
            let token = try await client.login("admin")
            let headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
            let created = try await client.execute(uri: "/api/v1/users", method: .post, headers: headers, body: ByteBuffer(string:
                #"{"username":"newbie","password":"long enough password","roles":["manager"],"departments":[\#(fixture.managedDepartment)]}"#))
            // A content role waits for a second administrator (four-eyes): the account is made without it, the grant queued.
            #expect(created.status == .accepted)
            #expect(try await fixture.store.user(named: "newbie")?.roles == [])
            let duplicate = try await client.execute(uri: "/api/v1/users", method: .post, headers: headers, body: ByteBuffer(string:
                #"{"username":"newbie","password":"long enough password","roles":["manager"]}"#))
            #expect(duplicate.status == .conflict)
            let badRole = try await client.execute(uri: "/api/v1/users", method: .post, headers: headers, body: ByteBuffer(string:
                #"{"username":"other","password":"long enough password","roles":["root"]}"#))
            #expect(badRole.status == .badRequest)
            let patched = try await client.execute(uri: "/api/v1/users/newbie", method: .patch, headers: headers,
                                                   body: ByteBuffer(string: #"{"roles":["viewer"]}"#))
            #expect(patched.status == .ok)
            #expect(try await client.login("newbie", password: "long enough password").isEmpty == false)
            let (_, body) = try await client.json("/api/v1/audit?actor=admin&limit=5", token: token)
            let actions = ((body as? [String: Any])?["items"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(actions.prefix(3) == ["user.update", "access-change.request", "user.add"])
        }
    }
}

@Suite struct AuditEncodingTests {
    /// Found by schemathesis: a search for control characters must still verify.
    @Test(arguments: ["\u{11}\u{7f}ì>=?\u{1d}¥", "a\u{0}b", "e\u{301}", "\u{2028}\u{2029}", "😀\\\"/"])
    func oddTargetsRoundTripThroughTheSealedEvent(target: String) async throws {
        let fixture = try await ConsoleFixture.make(messages: 10, seed: 2)
        try await fixture.store.appendAudit(AuditEvent(actor: "auditor", action: "search", target: target))
        let key = Curve25519.Signing.PrivateKey()
        try await fixture.store.writeCheckpoint(signingKey: key, timestamp: nil)
        let report = try await fixture.store.verify(publicKey: key.publicKey, blobs: nil)
        #expect(report.ok, "\(String(describing: report.failure))")
        #expect(try await fixture.store.auditEvents(AuditFilter(limit: 1)).first?.event.target == target)
    }
}
