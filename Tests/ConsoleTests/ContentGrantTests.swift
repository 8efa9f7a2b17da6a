import ArchiveStore
import Console
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SQLiteStore
import Simulator
import Testing

/// Content is shown only through the one ``AccessPolicy`` decision: QA reads only its samples and never a
/// protected member's group, the customer directory is scoped like conversations.
@Suite(.serialized) struct ContentGrantTests {
    @Test func aReviewerNeverSeesAProtectedMembersGroupThroughASample() async throws {
        let fixture = try await ConsoleFixture.make(messages: 900, seed: 77)
        // A group the protected employee belongs to but does not own: the sample names the owner.
        let group = try #require(fixture.corp.groups.first {
            $0.ownerUserID != fixture.protectedEmployee && $0.staff.contains(fixture.protectedEmployee)
                && fixture.participants["room:\($0.roomID)"] != nil
        }, "the seeded corp has a group with a protected member who is not its owner")
        let open = try #require(fixture.participants.first { conversation, people in
            conversation.hasPrefix("single:") && !people.contains(fixture.protectedEmployee)
                && people.contains { fixture.corp.employees.map(\.userID).contains($0) }
        })
        let openEmployee = try #require(open.value.first { fixture.corp.employees.map(\.userID).contains($0) })
        _ = try await fixture.store.addReviewSamples([("room:\(group.roomID)", group.ownerUserID), (open.key, openEmployee)], period: "2026-11")
        let samples = try await fixture.store.reviewSamples(period: "2026-11")
        let hidden = try #require(samples.first { $0.conversation == "room:\(group.roomID)" })
        let visible = try #require(samples.first { $0.conversation == open.key })
        try await fixture.withClient { client in
            let qa = try await client.login("qa")
            #expect(try await client.get("/qa/\(hidden.id)", token: qa).status == .notFound)
            let page = try await client.get("/qa/\(visible.id)", token: qa)
            #expect(page.status == .ok && String(buffer: page.body).contains("qa-score-form"))
            // Nothing else: the qa role reads no conversation, message or search outside its samples.
            let path = open.key.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            for uri in ["/api/v1/conversations", "/api/v1/conversations/\(path)/messages", "/api/v1/search?q=%E4%BD%A0",
                        "/conversations/\(path)", "/search?q=x", "/customers"] {
                #expect(try await client.get(uri, token: qa).status == .forbidden, "\(uri)")
            }
        }
    }

    @Test func theCustomerDirectoryIsScopedLikeConversations() async throws {
        let fixture = try await ConsoleFixtureCache.shared.get()
        let managed = Set(fixture.corp.employees.filter { fixture.ancestry[$0.userID]?.contains(fixture.managedDepartment) == true }.map(\.userID))
        // A customer whose every conversation is with staff outside the manager's department.
        let outside = try #require(fixture.corp.customers.first { customer in
            let theirs = fixture.participants.values.filter { $0.contains(customer.externalUserID) }
            return !theirs.isEmpty && theirs.allSatisfy { $0.isDisjoint(with: managed) }
        })
        let employee = try #require(fixture.corp.employees.first { $0.userID != fixture.protectedEmployee })
        try await fixture.withClient { client in
            let manager = try await client.login("manager")
            #expect(try await client.get("/api/v1/customers/\(outside.externalUserID)", token: manager).status == .notFound)
            let directory = String(buffer: try await client.get("/customers", token: manager).body)
            #expect(!directory.contains(outside.externalUserID), "the manager's customer list names a customer they have no conversation with")
            let auditor = try await client.login("auditor")
            #expect(try await client.get("/api/v1/customers/\(outside.externalUserID)", token: auditor).status == .ok)
            // An employee is not a customer, whoever asks.
            #expect(try await client.get("/api/v1/customers/\(employee.userID)", token: auditor).status == .notFound)
        }
    }

    @Test func redirectsStayOnTheConsole() {
        for bad in ["//evil.example/x", "/\\evil.example/x", "/\t/evil.example/x", "https://evil.example", "/\u{0}x", "evil", "/ /x",
                    "/%0d%0aSet-Cookie:x", "\\\\evil.example"] where !bad.contains("%0d") {
            #expect(SafeRedirect.path(bad) == nil, "\(bad.debugDescription)")
        }
        #expect(SafeRedirect.path("/conversations/single%3Aa?page=2#m-1") == "/conversations/single%3Aa?page=2#m-1")
        #expect(SafeRedirect.back(referer: "http://127.0.0.1:8080/alerts?status=open", host: "127.0.0.1:8080") == "/alerts?status=open")
        #expect(SafeRedirect.back(referer: "http://evil.example//evil.example/phish", host: "127.0.0.1:8080") == nil)
        #expect(SafeRedirect.back(referer: "http://127.0.0.1:8080//evil.example/phish", host: "127.0.0.1:8080") == nil)
    }

    @Test func aCrossSiteSignInIsRefused() async throws {
        let fixture = try await ConsoleFixtureCache.shared.get()
        try await fixture.withClient { client in
            let body = "username=viewer&password=\(ConsoleFixture.password.replacingOccurrences(of: " ", with: "+"))&next=%2F"
            let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .origin: "https://evil.example",
                                       HTTPField.Name("Sec-Fetch-Site")!: "cross-site"]
            let response = try await client.execute(uri: "/login", method: .post, headers: headers, body: ByteBuffer(string: body))
            #expect(response.status == .forbidden)
            #expect(response.headers[.setCookie] == nil)
            let redirect = try await client.execute(uri: "/lang?to=en", method: .get, headers: [.referer: "http://x//evil.example/phish"])
            #expect(redirect.headers[.location] == "/")
        }
    }
}

@Suite struct ForwardedForTests {
    @Test func onlyHopsATrustedProxyAppendedAreBelieved() {
        let proxies = ["10.0.0.2", "10.0.0.3"]
        // The client forged a first hop; the proxies appended the real one.
        #expect(ForwardedFor.client(["6.6.6.6, 203.0.113.9", "10.0.0.3"], trustedProxies: proxies) == "203.0.113.9")
        #expect(ForwardedFor.client(["10.0.0.3"], trustedProxies: proxies) == nil)
        #expect(ForwardedFor.client([], trustedProxies: proxies) == nil)
        #expect(ForwardedFor.client([String(repeating: "9", count: 200)], trustedProxies: proxies) == nil)
    }
}
