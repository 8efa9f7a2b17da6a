import ArchiveStore
import Console
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLiteStore
import Testing

@Suite(.serialized) struct AccountTests {
    @Test func loginSetsAStrictHttpOnlyCookieAndLogoutEndsTheSession() async throws {
        let fixture = try await ConsoleFixtureCache.shared.get()
        try await fixture.withClient { client in
            let response = try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                                    body: ByteBuffer(string: #"{"username":"auditor","password":"\#(ConsoleFixture.password)"}"#))
            #expect(response.status == .ok)
            let cookie = try #require(response.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("Secure"))
            let token = try #require(cookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last.map(String.init))
            let headers: HTTPFields = [.cookie: "cl_session=\(token)"]
            #expect(try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: headers).status == .ok)
            // A cookie-authenticated change needs the CSRF token…
            let forged = try await client.execute(uri: "/api/v1/auth/logout", method: .post, headers: headers)
            #expect(forged.status == .forbidden)
            let me = try JSONSerialization.jsonObject(with: Data(String(buffer: try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: headers).body).utf8)) as? [String: Any]
            let csrf = try #require(me?["csrf"] as? String)
            // …and a page of another site is refused even with it.
            var crossSite = headers
            crossSite[.init("X-CSRF-Token")!] = csrf
            crossSite[.origin] = "https://evil.example"
            #expect(try await client.execute(uri: "/api/v1/auth/logout", method: .post, headers: crossSite).status == .forbidden)
            var good = headers
            good[.init("X-CSRF-Token")!] = csrf
            #expect(try await client.execute(uri: "/api/v1/auth/logout", method: .post, headers: good).status == .noContent)
            #expect(try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: headers).status == .unauthorized)
        }
    }

    @Test func formsWithoutTheSessionsCSRFTokenAreRefused() async throws {
        let fixture = try await ConsoleFixtureCache.shared.get()
        try await fixture.withClient { client in
            let login = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                 body: ByteBuffer(string: "username=admin&password=\(ConsoleFixture.password.replacingOccurrences(of: " ", with: "+"))&next=%2Fadmin"))
            #expect(login.status == .seeOther && login.headers[.location] == "/admin")
            let cookie = try #require(login.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            let form: HTTPFields = [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"]
            let noToken = try await client.execute(uri: "/admin/protected", method: .post, headers: form, body: ByteBuffer(string: "userid=x&viewers=y"))
            #expect(noToken.status == .forbidden)
            let page = String(buffer: try await client.execute(uri: "/admin", method: .get, headers: [.cookie: cookie]).body)
            let csrf = try #require(page.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1)
            let withToken = try await client.execute(uri: "/admin/protected", method: .post, headers: form,
                                                     body: ByteBuffer(string: "_csrf=\(csrf)&userid=nobody-here&viewers="))
            #expect(withToken.status == .seeOther)
        }
    }

    @Test func repeatedFailuresLockTheAccountUntilAnAdministratorResetsIt() async throws {
        let fixture = try await ConsoleFixtureCache.shared.get()
        try await fixture.store.addUser(ConsoleUser(username: "locky", displayName: "locky",
                                                    passwordHash: fixture.services.accounts.hashPassword(ConsoleFixture.password),
                                                    roles: ["viewer"], departments: [1]))
        try await fixture.withClient { client in
            for _ in 0..<3 {
                let wrong = try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                                     body: ByteBuffer(string: #"{"username":"locky","password":"wrong password!"}"#))
                #expect(wrong.status == .unauthorized)
            }
            // Even the right password is refused now — with the answer an unknown name gets, so a lock tells nothing.
            let locked = try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                                  body: ByteBuffer(string: #"{"username":"locky","password":"\#(ConsoleFixture.password)"}"#))
            #expect(locked.status == .unauthorized)
            #expect(String(buffer: locked.body).contains("paused"))
            #expect(try await fixture.store.user(named: "locky")?.lockedUntil != nil)
            try await fixture.store.updateUser(named: "locky", ConsoleUserChange(passwordHash: fixture.services.accounts.hashPassword("a new password 1")))
            _ = try await client.login("locky", password: "a new password 1")
        }
    }

    @Test func aSecondFactorIsRequiredOnceEnabled() async throws {
        let fixture = try await ConsoleFixtureCache.shared.get()
        let (secret, url) = AccountService.newTOTP(for: "otpuser")
        #expect(url.hasPrefix("otpauth://totp/"))
        try await fixture.store.addUser(ConsoleUser(username: "otpuser", displayName: "otp",
                                                    passwordHash: fixture.services.accounts.hashPassword(ConsoleFixture.password),
                                                    roles: ["viewer"], departments: [1]))
        try await fixture.store.updateUser(named: "otpuser", ConsoleUserChange(totpSecret: .some(secret)))
        do {
            _ = try await fixture.services.accounts.login(username: "otpuser", password: ConsoleFixture.password, oneTimeCode: nil)
            Issue.record("logged in without the code")
        } catch let error as AccountService.LoginError {
            #expect(error == .needsOneTimeCode)
        }
        let code = String(format: "%06d", TOTPReference.code(secret: secret, date: Date()))
        _ = try await fixture.services.accounts.login(username: "otpuser", password: ConsoleFixture.password, oneTimeCode: code)
    }

    @Test func apiTokensWorkUntilRevokedAndDisabledUsersAreShutOut() async throws {
        let fixture = try await ConsoleFixtureCache.shared.get()
        try await fixture.store.addUser(ConsoleUser(username: "robot", displayName: "integration",
                                                    passwordHash: fixture.services.accounts.hashPassword(ConsoleFixture.password),
                                                    roles: ["viewer"], departments: [1]))
        let (token, record) = try await fixture.services.accounts.issueAPIToken(for: "robot", name: "bi")
        try await fixture.withClient { client in
            #expect(try await client.get("/api/v1/stats", token: token).status == .ok)
            try await fixture.store.revokeAPIToken(id: record.id, of: "robot")
            #expect(try await client.get("/api/v1/stats", token: token).status == .unauthorized)
            let session = try await client.login("robot")
            try await fixture.store.updateUser(named: "robot", ConsoleUserChange(disabled: true))
            #expect(try await client.get("/api/v1/stats", token: session).status == .unauthorized)
        }
    }

    @Test func badRequestsGetAUsefulFourHundred() async throws {
        let fixture = try await ConsoleFixtureCache.shared.get()
        try await fixture.withClient { client in
            let token = try await client.login("auditor")
            for uri in ["/api/v1/search?limit=0", "/api/v1/search?since=yesterday", "/api/v1/conversations?limit=x",
                        "/api/v1/search?has_media=maybe", "/api/v1/alerts?status=closed", "/api/v1/search?department=sales"] {
                let response = try await client.get(uri, token: token)
                #expect(response.status == .badRequest, "\(uri)")
                #expect(String(buffer: response.body).contains("message"))
            }
            let garbage = try await client.execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                                   body: ByteBuffer(string: "{not json"))
            #expect(garbage.status == .badRequest)
        }
    }
}

/// RFC 6238 computed here, independently of the library the server uses.
enum TOTPReference {
    static func code(secret: String, date: Date) -> Int {
        var counter = UInt64(date.timeIntervalSince1970 / 30).bigEndian
        let message = withUnsafeBytes(of: &counter) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8))))
        let offset = Int(mac[19] & 0x0F)
        let value = (Int(mac[offset] & 0x7F) << 24) | (Int(mac[offset + 1]) << 16) | (Int(mac[offset + 2]) << 8) | Int(mac[offset + 3])
        return value % 1_000_000
    }
}
