import ArchiveStore
import Console
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SQLiteStore
import Testing

@Suite(.serialized) struct QualityConsoleTests {
    @Test func aReviewerDrawsASampleAndScoresItWithinScope() async throws {
        let fixture = try await ConsoleFixtureCache.shared.get()
        let month = String(try #require(fixture.participants.keys.sorted().first.flatMap { _ in "2026-11" }))
        try await fixture.store.addUser(ConsoleUser(username: "reviewer", displayName: "reviewer",
                                                    passwordHash: fixture.services.accounts.hashPassword(ConsoleFixture.password),
                                                    roles: ["qa"], departments: [fixture.managedDepartment]))
        try await fixture.withClient { client in
            let token = try await client.login("reviewer")
            let headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
            let drawn = try await client.execute(uri: "/api/v1/qa/samples", method: .post, headers: headers,
                                                 body: ByteBuffer(string: #"{"period":"\#(month)"}"#))
            #expect(drawn.status == .ok)
            let items = (try JSONSerialization.jsonObject(with: Data(String(buffer: drawn.body).utf8)) as? [String: Any])?["items"] as? [[String: Any]] ?? []
            #expect(!items.isEmpty)
            for item in items {
                let employee = try #require(item["employee"] as? String)
                #expect(fixture.ancestry[employee]?.contains(fixture.managedDepartment) == true, "\(employee) is outside the reviewer's scope")
            }
            let id = try #require(items.first?["id"] as? Int)
            let scored = try await client.execute(uri: "/api/v1/qa/samples/\(id)/score", method: .post, headers: headers, body: ByteBuffer(string:
                #"{"items":{"greeting":100,"accuracy":80,"compliance":90,"courtesy":100},"comment":"好"}"#))
            #expect(scored.status == .ok)
            let total = (try JSONSerialization.jsonObject(with: Data(String(buffer: scored.body).utf8)) as? [String: Any])?["total"] as? Double
            #expect(total == 89.5)
            let bad = try await client.execute(uri: "/api/v1/qa/samples/\(id)/score", method: .post, headers: headers,
                                               body: ByteBuffer(string: #"{"items":{"speed":100}}"#))
            #expect(bad.status == .badRequest)
            let page = try await client.get("/qa/\(id)", token: token)
            #expect(page.status == .ok && String(buffer: page.body).contains("qa-score-form"))
            #expect(try await client.get("/api/v1/qa/samples?period=2026-13", token: token).status == .ok)
            let badPeriod = try await client.execute(uri: "/api/v1/qa/samples", method: .post, headers: headers, body: ByteBuffer(string: #"{"period":"soon"}"#))
            #expect(badPeriod.status == .badRequest)
        }
    }

    @Test func settingsAreValidatedVersionedAndAudited() async throws {
        let fixture = try await ConsoleFixtureCache.shared.get()
        try await fixture.withClient { client in
            let token = try await client.login("admin")
            let headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
            let bad = try await client.execute(uri: "/api/v1/sla/settings", method: .put, headers: headers,
                                               body: ByteBuffer(string: #"{"defaultRule":{"reminderMinutes":0}}"#))
            #expect(bad.status == .badRequest)
            let good = try await client.execute(uri: "/api/v1/sla/settings", method: .put, headers: headers,
                                                body: ByteBuffer(string: #"{"defaultRule":{"reminderMinutes":20,"calendar":{"timeZone":"Asia/Shanghai","hours":{"1":[{"start":"09:00","end":"18:00"}]}}}}"#))
            #expect(good.status == .ok)
            let (_, body) = try await client.json("/api/v1/sla/settings", token: token)
            #expect(((body as? [String: Any])?["settings"] as? [String: Any]).flatMap { ($0["defaultRule"] as? [String: Any])?["reminderMinutes"] as? Int } == 20)
            let overdue = try await client.get("/api/v1/sla/overdue?all_hours=true", token: token)
            #expect(overdue.status == .ok)
            let viewer = try await client.login("viewer")
            #expect(try await client.execute(uri: "/api/v1/sla/settings", method: .put,
                                             headers: [.authorization: "Bearer \(viewer)", .contentType: "application/json"],
                                             body: ByteBuffer(string: "{}")).status == .forbidden)
        }
    }
}
