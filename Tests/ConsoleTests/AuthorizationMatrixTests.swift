import ArchiveStore
import Console
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SQLiteStore
import Testing

/// Every endpoint × role × scope: the status each reader gets, and that what comes back holds nothing
/// outside their scope or about protected staff they are not named for.
@Suite(.serialized) struct AuthorizationMatrixTests {
    static let roles = ["admin", "auditor", "manager", "qa", "viewer"]

    /// Expected status per role, in the order of `roles`.
    static let matrix: [(String, [Int])] = [
        ("/api/v1/stats", [200, 200, 200, 200, 200]),
        ("/api/v1/conversations", [403, 200, 200, 403, 403]),
        ("/api/v1/search?q=%E4%BA%A7%E5%93%81", [403, 200, 200, 403, 403]),
        ("/api/v1/alerts", [403, 200, 200, 403, 403]),
        ("/api/v1/audit", [200, 200, 403, 403, 403]),
        ("/api/v1/users", [200, 403, 403, 403, 403]),
        ("/api/v1/access-changes", [200, 403, 403, 403, 403]),
        ("/api/v1/protected-staff", [200, 403, 403, 403, 403]),
        ("/api/v1/cases", [403, 200, 403, 403, 403]),
        ("/api/v1/status", [200, 403, 403, 403, 403]),
        ("/api/v1/auth/me", [200, 200, 200, 200, 200]),
        ("/conversations", [403, 200, 200, 403, 403]),
        ("/search", [403, 200, 200, 403, 403]),
        ("/alerts", [403, 200, 200, 403, 403]),
        ("/audit", [200, 200, 403, 403, 403]),
        ("/admin", [200, 403, 403, 403, 403]),
        ("/customers", [403, 200, 200, 403, 403]),
        ("/api/v1/sla/overdue", [200, 200, 200, 200, 200]),
        ("/api/v1/sla/stats", [200, 200, 200, 200, 200]),
        ("/api/v1/qa/samples", [403, 403, 403, 200, 403]),
        ("/sla", [200, 200, 200, 200, 200]),
        ("/qa", [403, 403, 403, 200, 403]),
        ("/api/v1/reports", [200, 200, 200, 200, 200]),
        ("/api/v1/reports/topics.csv", [200, 200, 200, 200, 200]),
        ("/reports", [200, 200, 200, 200, 200]),
    ]

    @Test func everyEndpointAnswersEachRoleAsTheMatrixSays() async throws {
        let fixture = try await ConsoleFixtureCache.shared.get()
        try await fixture.withClient { client in
            var tokens: [String: String] = [:]
            for role in Self.roles { tokens[role] = try await client.login(role) }
            for (uri, expected) in Self.matrix {
                let anonymous = try await client.get(uri, token: nil).status.code
                #expect(anonymous == (uri.hasPrefix("/api") ? 401 : 303), "anonymous \(uri)")
                for (role, status) in zip(Self.roles, expected) {
                    let got = try await client.get(uri, token: tokens[role]).status.code
                    #expect(got == status, "\(role) \(uri): \(got), expected \(status)")
                }
            }
        }
    }

    @Test func eachReaderSeesExactlyTheConversationsTheOracleAllows() async throws {
        let fixture = try await ConsoleFixtureCache.shared.get()
        try await fixture.withClient { client in
            for role in ["auditor", "manager"] {
                let token = try await client.login(role)
                var listed: Set<String> = []
                var offset = 0
                while true {
                    let (status, body) = try await client.json("/api/v1/conversations?limit=500&offset=\(offset)", token: token)
                    #expect(status == .ok)
                    let items = (body as? [String: Any])?["items"] as? [[String: Any]] ?? []
                    listed.formUnion(items.compactMap { $0["id"] as? String })
                    if items.count < 500 { break }
                    offset += 500
                }
                let allowed = Set(fixture.participants.filter { fixture.oracleMayRead(role, $0.value) }.keys)
                #expect(listed == allowed, "\(role): \(listed.symmetricDifference(allowed).sorted().prefix(5))")
                #expect(!allowed.isEmpty)
            }
        }
    }

    @Test func messagesOutsideScopeOrOfProtectedStaffAreNotFound() async throws {
        let fixture = try await ConsoleFixtureCache.shared.get()
        let protectedConversation = try #require(fixture.participants.first { $0.value.contains(fixture.protectedEmployee) }?.key)
        let outside = try #require(fixture.participants.first { !fixture.oracleMayRead("manager", $0.value) && !$0.value.contains(fixture.protectedEmployee) }?.key)
        let inside = try #require(fixture.participants.first { fixture.oracleMayRead("manager", $0.value) }?.key)
        @Sendable func path(_ id: String) -> String { "/api/v1/conversations/\(id.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)/messages" }
        try await fixture.withClient { client in
            let expectations: [(String, String, Int)] = [
                ("manager", inside, 200), ("manager", outside, 404), ("manager", protectedConversation, 404),
                ("qa", protectedConversation, 403), ("qa", inside, 403), ("auditor", protectedConversation, 200), ("auditor", outside, 200),
                ("viewer", inside, 403), ("admin", inside, 403),
            ]
            for (role, conversation, status) in expectations {
                let token = try await client.login(role)
                #expect(try await client.get(path(conversation), token: token).status.code == status, "\(role) \(conversation)")
                let page = try await client.get("/conversations/\(conversation.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)", token: token)
                #expect(page.status.code == status, "page: \(role) \(conversation)")
            }
        }
    }

    @Test func searchResultsStayInsideTheReadersScope() async throws {
        let fixture = try await ConsoleFixtureCache.shared.get()
        try await fixture.withClient { client in
            for role in ["manager", "auditor"] {
                let token = try await client.login(role)
                let (status, body) = try await client.json("/api/v1/search?limit=1000", token: token)
                #expect(status == .ok)
                let hits = (body as? [String: Any])?["hits"] as? [[String: Any]] ?? []
                #expect(!hits.isEmpty, "\(role) found nothing")
                for hit in hits {
                    let people = (hit["conversation"] as? String).flatMap { fixture.participants[$0] }
                        ?? Set([hit["from"] as? String ?? ""] + (hit["toList"] as? [String] ?? []))
                    #expect(fixture.oracleMayRead(role, people), "\(role) saw \(hit["msgid"] ?? "")")
                }
            }
        }
    }

    @Test func alertsOutsideScopeAreNeitherListedNorWorkable() async throws {
        let fixture = try await ConsoleFixtureCache.shared.get()
        let all = try await fixture.store.alerts(limit: 1000)
        let outside = try #require(all.first { alert in !fixture.oracleMayRead("manager", fixture.participants[alert.conversation ?? ""] ?? [alert.sender]) })
        try await fixture.withClient { client in
            let token = try await client.login("manager")
            let (_, body) = try await client.json("/api/v1/alerts?limit=1000", token: token)
            let listed = ((body as? [String: Any])?["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int64 ?? ($0["id"] as? Int).map(Int64.init) }
            #expect(!listed.contains(outside.id))
            for id in listed {
                let alert = try #require(all.first { $0.id == id })
                #expect(fixture.oracleMayRead("manager", fixture.participants[alert.conversation ?? ""] ?? [alert.sender]))
            }
            #expect(try await client.get("/api/v1/alerts/\(outside.id)", token: token).status == .notFound)
            let action = try await client.execute(uri: "/api/v1/alerts/\(outside.id)/actions", method: .post,
                                                  headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                                                  body: .init(string: #"{"action":"acknowledge"}"#))
            #expect(action.status == .notFound)
        }
    }
}
