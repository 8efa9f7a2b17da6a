import ArchiveStore
import Console
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SQLiteStore
import Testing

/// The live alert feed asks again who is reading: it ends when the reader signs out, is disabled or loses the role,
/// instead of delivering new alerts to a session that no longer exists.
@Suite(.serialized) struct AlertStreamTests {
    /// What happened first, second … while a stream was open.
    enum Outcome: Sendable {
        case changed
        /// The response, and whether the change had begun when the stream ended.
        case streamEnded(TestResponse, afterChange: Bool)
        case streamFailed(String)
        case timedOut
    }

    /// Opens the stream as a fresh auditor, lets it run (it must stay open), applies `change` and expects the stream
    /// to end well before `timeout`.
    func expectStreamEnds(after change: @escaping @Sendable (ConsoleFixture, any TestClientProtocol, String, String) async throws -> Void,
                          timeout: Duration = .seconds(60)) async throws {
        // A fixture of its own: another suite changing the shared one's protected staff would end the stream early.
        let fixture = try await StreamFixture.shared.get()
        let username = "streamer-\(UUID().uuidString.prefix(8).lowercased())"
        try await fixture.store.addUser(ConsoleUser(username: username, displayName: username,
                                                    passwordHash: fixture.services.accounts.hashPassword(ConsoleFixture.password),
                                                    roles: ["auditor"], departments: [1]))
        let newest = try await fixture.store.alerts(limit: 1000).map(\.id).max() ?? 0
        var services = fixture.services
        services.config.alertStreamRecheckSeconds = 0.05
        let opened = ChangeBegan()
        services.alertStreamOpened = { await opened.mark() }
        let app = Application(router: ConsoleRouter.build(services: services))
        try await app.test(.router) { client in
            let token = try await client.login(username)
            let began = ChangeBegan()
            let outcomes = await withTaskGroup(of: Outcome.self, returning: [Outcome].self) { group in
                group.addTask {
                    do {
                        let response = try await client.get("/api/v1/alerts/stream?after=\(newest)", token: token)
                        return .streamEnded(response, afterChange: await began.value)
                    } catch {
                        return .streamFailed("\(error)")
                    }
                }
                group.addTask {
                    // Once the stream is open, several rechecks pass while nothing has changed: it must stay open.
                    let deadline = ContinuousClock.now + timeout
                    while await !opened.value && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
                    try? await Task.sleep(for: .milliseconds(500))
                    await began.mark()
                    do {
                        try await change(fixture, client, username, token)
                    } catch {
                        return .streamFailed("the change failed: \(error)")
                    }
                    return .changed
                }
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    return .timedOut
                }
                var outcomes: [Outcome] = []
                for await outcome in group {
                    if case .timedOut = outcome {
                        outcomes.append(outcome)
                        break
                    }
                    outcomes.append(outcome)
                    if outcomes.count == 2 { break }
                }
                group.cancelAll()
                return outcomes
            }
            // The stream may end while the change's own follow-up requests still run: what matters is that it
            // stayed open until the change began and ended before the timeout.
            let ended = outcomes.compactMap { outcome -> (TestResponse, Bool)? in
                if case .streamEnded(let response, let afterChange) = outcome { (response, afterChange) } else { nil }
            }
            guard outcomes.count == 2, outcomes.contains(where: { if case .changed = $0 { true } else { false } }),
                  let (response, afterChange) = ended.first else {
                Issue.record("the stream kept running after the change, or the change failed: \(outcomes)")
                return
            }
            #expect(afterChange, "the stream ended before the change")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/event-stream")
            #expect(!String(buffer: response.body).contains("event: alert"))
        }
    }

    @Test func theStreamEndsWhenTheReaderSignsOut() async throws {
        try await expectStreamEnds { _, client, _, token in
            let logout = try await client.execute(uri: "/api/v1/auth/logout", method: .post, headers: [.authorization: "Bearer \(token)"])
            #expect(logout.status == .noContent)
            #expect(try await client.get("/api/v1/auth/me", token: token).status == .unauthorized)
        }
    }

    @Test func theStreamEndsWhenTheReaderLosesTheRole() async throws {
        try await expectStreamEnds { fixture, _, username, _ in
            try await fixture.store.updateUser(named: username, ConsoleUserChange(roles: ["viewer"]))
        }
    }

    @Test func theStreamEndsWhenTheReadersScopeNarrows() async throws {
        try await expectStreamEnds { fixture, _, username, _ in
            try await fixture.store.updateUser(named: username, ConsoleUserChange(departments: [fixture.managedDepartment]))
        }
    }

    @Test func theStreamEndsWhenTheReaderIsDisabled() async throws {
        try await expectStreamEnds { fixture, _, username, _ in
            try await fixture.store.updateUser(named: username, ConsoleUserChange(disabled: true))
        }
    }

    @Test func theStreamEndsWhenTheReadersUnmaskRightChanges() async throws {
        try await expectStreamEnds { fixture, _, username, _ in
            try await fixture.store.updateUser(named: username, ConsoleUserChange(mayUnmask: true))
        }
    }
}

/// A small archive for the stream tests alone.
actor StreamFixture {
    static let shared = StreamFixture()
    private var fixture: ConsoleFixture?

    func get() async throws -> ConsoleFixture {
        if let fixture { return fixture }
        let made = try await ConsoleFixture.make(messages: 200, seed: 91)
        fixture = made
        return made
    }
}

/// When the change under test began, as the stream task sees it.
actor ChangeBegan {
    private(set) var value = false
    func mark() { value = true }
}
