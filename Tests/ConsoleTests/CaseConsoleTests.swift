import ArchiveStore
import Console
import Crypto
import Evidence
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SQLiteStore
import Testing

/// Cases through the API: only evidence exporters see them, they add only what they may read, a hold is lifted only by
/// a second person, and an export needs the right to unmask and a scope covering the whole case.
@Suite(.serialized) struct CaseConsoleTests {
    @Test func casesHoldsAndExportsFollowEachUsersRights() async throws {
        let fixture = try await ConsoleFixture.make(messages: 300, seed: 91)
        try await fixture.store.addUser(ConsoleUser(username: "scoped", displayName: "scoped", passwordHash: fixture.services.accounts.hashPassword(ConsoleFixture.password),
                                                    roles: ["auditor"], departments: [fixture.managedDepartment], mayUnmask: true))
        // A conversation the department-scoped exporter may not read, and one it may.
        let outside = try #require(fixture.participants.first { _, people in
            !fixture.oracleMayRead("manager", people) && !people.contains(fixture.protectedEmployee)
        }?.key)
        let inside = try #require(fixture.participants.first { _, people in
            fixture.oracleMayRead("manager", people) && !people.contains(fixture.protectedEmployee)
        }?.key)
        try await fixture.withClient { client in
            let auditor = try await client.login("auditor")
            let unmasker = try await client.login("unmasker")
            let manager = try await client.login("manager")
            let scoped = try await client.login("scoped")

            #expect(try await client.send("/api/v1/cases", #"{"name":"投诉"}"#, token: manager).status == .forbidden)
            let (created, opened) = try await client.send("/api/v1/cases", #"{"name":"投诉：保本","description":"客户称被承诺保本"}"#, token: auditor)
            #expect(created == .created)
            let id = try #require(opened?["id"] as? String)
            #expect(try await client.send("/api/v1/cases", #"{"name":" "}"#, token: auditor).status == .badRequest)
            #expect(try await client.send("/api/v1/cases", #"{"nom":1}"#, token: auditor).status == .badRequest)
            #expect(try await client.send("/api/v1/cases/case-000000000000/hold", "", token: auditor).status == .notFound)
            #expect(try await client.send("/api/v1/cases/../../etc/hold", "", token: auditor).status == .notFound)

            let (added, result) = try await client.send("/api/v1/cases/\(id)/messages", #"{"conversation":"\#(outside)"}"#, token: auditor)
            #expect(added == .ok && (result?["added"] as? Int ?? 0) > 0)
            #expect(try await client.send("/api/v1/cases/\(id)/messages", #"{"conversation":"\#(outside)"}"#, token: scoped).status == .notFound)
            #expect(try await client.send("/api/v1/cases/\(id)/messages", #"{"msgids":["no-such-message"]}"#, token: auditor).status == .notFound)

            // Four-eyes: the one who asks cannot approve; and only someone who may read the whole case may lift its hold.
            #expect(try await client.send("/api/v1/cases/\(id)/hold", "", token: auditor).status == .ok)
            #expect(try await client.send("/api/v1/cases/\(id)/release", "", token: scoped).status == .forbidden)
            let (asked, askedBody) = try await client.send("/api/v1/cases/\(id)/release", "", token: auditor)
            #expect(asked == .ok && askedBody?["status"] as? String == "release-requested")
            #expect(try await client.send("/api/v1/cases/\(id)/release", "", token: auditor).status == .conflict)
            let (released, releasedBody) = try await client.send("/api/v1/cases/\(id)/release", "", token: unmasker)
            #expect(released == .ok && releasedBody?["status"] as? String == "released" && releasedBody?["requested_by"] as? String == "auditor")

            // An export is raw JSON: it needs the right to unmask, and a scope covering every message of the case.
            #expect(try await client.send("/api/v1/cases/\(id)/export", "", token: auditor).status == .forbidden)
            #expect(try await client.send("/api/v1/cases/\(id)/export", "", token: scoped).status == .forbidden)
            let package = try await client.execute(uri: "/api/v1/cases/\(id)/export", method: .post,
                                                   headers: [.authorization: "Bearer \(unmasker)"])
            #expect(package.status == .ok && package.headers[.contentType] == "application/zip")
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("case-\(UUID().uuidString).zip")
            defer { try? FileManager.default.removeItem(at: file) }
            try Data(package.body.readableBytesView).write(to: file)
            let verdict = EvidencePackageVerifier.verify(package: file, publicKey: ConsoleFixture.evidenceKey.publicKey)
            #expect(verdict.ok, "\(verdict.failure ?? "")")
            #expect(verdict.messages == (result?["messages"] as? Int))

            let (_, scopedView) = try await client.json("/api/v1/cases/\(id)", token: scoped)
            #expect(((scopedView as? [String: Any])?["msgids"] as? [String])?.isEmpty == true, "a case lists only what the reader may read")
            let (_, shown) = try await client.json("/api/v1/cases/\(id)", token: auditor)
            let exports = try #require((shown as? [String: Any])?["exports"] as? [[String: Any]])
            #expect(exports.count == 1 && exports[0]["exported_by"] as? String == "unmasker")
            #expect(try await client.send("/api/v1/cases/\(id)/messages", #"{"conversation":"\#(inside)"}"#, token: scoped).status == .ok)
        }
    }

    @Test func thePagesOpenACaseAddAConversationAndHoldIt() async throws {
        let fixture = try await ConsoleFixture.make(messages: 300, seed: 92)
        let conversation = try #require(fixture.participants.first { _, people in !people.contains(fixture.protectedEmployee) }?.key)
        try await fixture.withClient { client in
            let session = try await client.pageSession("auditor")
            let manager = try await client.pageSession("manager")
            #expect(try await client.execute(uri: "/cases", method: .get, headers: manager.form).status == .forbidden)
            let list = try await client.execute(uri: "/cases", method: .get, headers: session.form)
            #expect(list.status == .ok && String(buffer: list.body).contains("id=\"case-form\""))

            let created = try await client.execute(uri: "/cases", method: .post, headers: session.form,
                                                   body: ByteBuffer(string: "_csrf=\(session.csrf)&name=%E6%8A%95%E8%AF%89+%3Cb%3Ex%3C%2Fb%3E&description=d"))
            #expect(created.status == .seeOther)
            let location = try #require(created.headers[.location])
            let id = String(location.dropFirst("/cases/".count))
            #expect(id.hasPrefix("case-"))
            #expect(try await client.execute(uri: "/cases", method: .post, headers: session.form,
                                             body: ByteBuffer(string: "name=no-csrf")).status != .seeOther)

            let page = String(buffer: try await client.execute(uri: "/conversations/\(conversation.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? conversation)",
                                                              method: .get, headers: session.form).body)
            #expect(page.contains("id=\"add-to-case\"") && page.contains("value=\"\(id)\""))
            let encoded = conversation.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? conversation
            let added = try await client.execute(uri: "/cases/add", method: .post, headers: session.form,
                                                 body: ByteBuffer(string: "_csrf=\(session.csrf)&case=\(id)&conversation=\(encoded)"))
            #expect(added.status == .seeOther && added.headers[.location] == "/cases/\(id)")

            let held = try await client.execute(uri: "/cases/\(id)/hold", method: .post, headers: session.form,
                                                body: ByteBuffer(string: "_csrf=\(session.csrf)"))
            #expect(held.status == .seeOther)
            let detail = String(buffer: try await client.execute(uri: "/cases/\(id)", method: .get, headers: session.form).body)
            #expect(detail.contains("id=\"case-held\"") && detail.contains("&lt;b&gt;x&lt;/b&gt;") && !detail.contains("<b>x</b>"))
            #expect(detail.contains("<article "))
            _ = try await client.execute(uri: "/cases/\(id)/release", method: .post, headers: session.form, body: ByteBuffer(string: "_csrf=\(session.csrf)"))
            let asked = String(buffer: try await client.execute(uri: "/cases/\(id)", method: .get, headers: session.form).body)
            #expect(asked.contains("id=\"release-requested\"") && asked.contains("id=\"case-held\""))
        }
    }
}

extension TestClientProtocol {
    /// POSTs JSON with a bearer token; the status and the decoded object, if any.
    func send(_ uri: String, _ body: String, token: String) async throws -> (status: HTTPResponse.Status, object: [String: Any]?) {
        let response = try await execute(uri: uri, method: .post, headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                                         body: ByteBuffer(string: body))
        return (response.status, try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any])
    }
}
