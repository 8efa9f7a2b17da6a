import ArchiveStore
import Console
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SQLiteStore
import Simulator
import Testing

/// Every route of the console's router (as Hummingbird lists them, not a hand-kept list) with extreme values
/// in every query parameter, path parameter and body: nothing may answer 5xx, and the server still answers.
@Suite(.serialized) struct ExtremeValueTests {
    /// Raw, already URL-encoded as a client would put them on the wire.
    static let extremes = [
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "1e308", "-1e308", "NaN", "inf", "",
        String(repeating: "%E5%AD%97", count: 3500), "%ZZ", "%FF%FE%FD", "%00", "-1", "0", "2026-02-30",
        "99999-01-01T00:00:00Z", "1970-01-01T00:00:00-23:59", "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    ]

    /// Routes that never end by design: the live alert stream (its own tests bound it in time).
    static let streaming: Set<String> = ["/api/v1/alerts/stream"]

    static let bodies = [
        "{}", #"{"period":"9223372036854775807-12"}"#, #"{"period":"2026-13"}"#, #"{"items":{"greeting":1e308},"comment":"x"}"#,
        #"{"items":{"greeting":-1e308}}"#, #"{"viewers":["\#(String(repeating: "a", count: 10_000))"]}"#,
        #"{"departments":[9223372036854775807],"displayName":"x"}"#, #"{"number":1e999999}"#, "\u{FF}\u{FE}", "[",
        String(repeating: "[", count: 5000),
    ]

    @Test func noRouteAnswers5xxToExtremeValuesAndTheServerKeepsAnswering() async throws {
        let fixture = try await ConsoleFixture.make(messages: 300, seed: 515)
        try await fixture.store.addUser(ConsoleUser(username: "everything", displayName: "everything",
                                                    passwordHash: fixture.services.accounts.hashPassword(ConsoleFixture.password),
                                                    roles: Role.allCases.map(\.rawValue), departments: [1], mayUnmask: true))
        let token = try await fixture.services.accounts.issueAPIToken(for: "everything", name: "fuzz").token
        let routes = fixture.router.routes.map { (method: $0.method, template: $0.path.description) }
        #expect(routes.count > 40, "the router lists its routes")
        let names = QueryParameters.names.sorted()
        try await fixture.withClient { client in
            var failures: [String] = []
            var requests = 0
            func send(_ method: HTTPRequest.Method, _ uri: String, body: String? = nil) async throws {
                requests += 1
                var headers: HTTPFields = [.authorization: "Bearer \(token)"]
                if body != nil { headers[.contentType] = "application/json" }
                let status = try await client.execute(uri: uri, method: method, headers: headers,
                                                      body: body.map { ByteBuffer(string: $0) }) { $0.status.code }
                if status >= 500 { failures.append("\(status) \(method) \(uri.prefix(160))") }
            }
            for route in routes where !Self.streaming.contains(route.template) {
                let template = route.template
                let hasCapture = template.contains("{")
                let plain = Self.fill(template, with: "1")
                if route.method == .get {
                    // Every parameter alone with every extreme value, so one refused early hides no later one.
                    for name in names {
                        for value in Self.extremes {
                            try await send(.get, plain + "?" + name + "=" + value)
                        }
                    }
                }
                if hasCapture {
                    for value in Self.extremes where !value.isEmpty {
                        try await send(route.method, Self.fill(template, with: value), body: route.method == .get ? nil : "{}")
                    }
                }
                if route.method != .get {
                    for body in Self.bodies { try await send(route.method, plain, body: body) }
                }
            }
            #expect(failures.isEmpty, "\(failures.count) of \(requests) requests answered 5xx: \(failures.prefix(20))")
            #expect(requests > 10_000)
            let health = try await client.execute(uri: "/healthz", method: .get) { $0.status }
            #expect(health == .ok)
            let me = try await client.get("/api/v1/auth/me", token: token).status
            #expect(me == .ok)
        }
    }

    @Test func aTimeOutsideTheAcceptedRangeIsA400NamingTheRange() async throws {
        let fixture = try await ConsoleFixtureCache.shared.get()
        try await fixture.withClient { client in
            let token = try await client.login("viewer")
            for uri in ["/api/v1/reports?until=9223372036854775807", "/api/v1/sla/stats?since=-9223372036854775808",
                        "/api/v1/reports?since=1e308", "/api/v1/sla/stats?until=99999-01-01T00:00:00Z"] {
                let response = try await client.get(uri, token: token)
                #expect(response.status == .badRequest, "\(uri)")
                #expect(String(buffer: response.body).contains("from 1970-01-01 to 9999-12-31"), "\(uri)")
            }
        }
    }

    /// The route template with every `{capture}` replaced by `value`.
    static func fill(_ template: String, with value: String) -> String {
        template.replacingOccurrences(of: #"\{[^}]*\}"#, with: value.isEmpty ? "x" : value, options: .regularExpression)
    }
}
