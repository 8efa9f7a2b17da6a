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

            // Four-eyes: the one who asks cannot approve.
            #expect(try await client.send("/api/v1/cases/\(id)/hold", "", token: auditor).status == .ok)
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

            let (_, shown) = try await client.json("/api/v1/cases/\(id)", token: auditor)
            let exports = try #require((shown as? [String: Any])?["exports"] as? [[String: Any]])
            #expect(exports.count == 1 && exports[0]["exported_by"] as? String == "unmasker")
            #expect(try await client.send("/api/v1/cases/\(id)/messages", #"{"conversation":"\#(inside)"}"#, token: scoped).status == .ok)
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
