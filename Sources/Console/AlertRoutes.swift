import ArchiveStore
import Foundation
import HTTPTypes
import Hummingbird
import TextKit

/// The alert queue: list, one alert with its hits and history, lifecycle actions, and the live feed.
/// Readers see only alerts raised in conversations they may read.
enum AlertRoutes {
    struct AlertDetail: ResponseEncodable {
        var alert: AlertRecord
        var hits: [AlertHit]
        var events: [AlertEvent]
    }

    struct ActionRequest: Decodable {
        var action: String
        var assignee: String?
        var note: String?
    }

    static func add(to router: Router<ConsoleContext>, services: ConsoleServices) {
        router.get("api/v1/alerts") { request, context -> Page<AlertRecord> in
            let policy = try await services.authorize(context, .workAlerts)
            let query = QueryParameters(request)
            let status = query.string("status")
            if let status, !["open", "assigned", "acknowledged", "resolved", "false-positive"].contains(status) {
                throw HTTPError(.badRequest, message: "status must be open, assigned, acknowledged, resolved or false-positive")
            }
            let limit = try query.int("limit", default: 100, range: 1...1000)
            let alerts = try await visible(try await services.store.alerts(status: status, category: query.string("category"), limit: limit),
                                           policy: policy, services: services)
            return Page(total: alerts.count, items: alerts)
        }
        router.get("api/v1/alerts/stream") { request, context -> Response in
            let policy = try await services.authorize(context, .workAlerts)
            return AlertStream.response(services: services, policy: policy, credential: AlertStream.Credential(request),
                                        resumeAfter: AlertStream.resumePoint(request))
        }
        router.get("api/v1/alerts/:id") { _, context -> AlertDetail in
            let policy = try await services.authorize(context, .workAlerts)
            let (alert, hits, events) = try await readableAlert(context, policy: policy, services: services)
            try await services.audit(policy.principal, "alert.view", "\(alert.id)")
            return AlertDetail(alert: alert, hits: hits, events: events)
        }
        router.post("api/v1/alerts/:id/actions") { request, context -> AlertDetail in
            let policy = try await services.authorize(context, .workAlerts)
            let (alert, _, _) = try await readableAlert(context, policy: policy, services: services)
            let body: ActionRequest
            do {
                body = try await request.decode(as: ActionRequest.self, context: context)
            } catch {
                throw HTTPError(.badRequest, message: "send JSON {\"action\": assign|acknowledge|resolve|false-positive|reopen|note, \"assignee\": …, \"note\": …}")
            }
            try await act(on: alert.id, body.action, assignee: body.assignee, note: body.note, policy: policy, services: services)
            let (updated, hits, events) = try await readableAlert(context, policy: policy, services: services)
            return AlertDetail(alert: updated, hits: hits, events: events)
        }
    }

    /// Applies a lifecycle action, answering 400 when it is unknown or not allowed from the alert's status.
    static func act(on id: Int64, _ name: String, assignee: String?, note: String?, policy: AccessPolicy, services: ConsoleServices) async throws {
        guard let action = AlertAction(rawValue: name) else {
            throw HTTPError(.badRequest, message: "action must be one of \(AlertAction.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        do {
            try await services.store.updateAlert(id: id, action: action, actor: policy.principal.username, assignee: assignee, note: note)
        } catch let error as StorageError {
            throw HTTPError(.conflict, message: error.description)
        }
        try await services.audit(policy.principal, "alert.\(action.rawValue)", "\(id)", assignee.map { ["assignee": $0] } ?? [:])
    }

    static func readableAlert(_ context: ConsoleContext, policy: AccessPolicy, services: ConsoleServices) async throws -> (AlertRecord, [AlertHit], [AlertEvent]) {
        let text = try context.pathParameter("id")
        guard let id = Int64(text), let found = try await services.store.alert(id: id),
              let alert = try await visible([found.0], policy: policy, services: services).first else {
            throw HTTPError(.notFound, message: "no alert \(text) that you may work")
        }
        guard policy.masksPII else { return found }
        // Matches and notes are content: masked here once for the API and the page alike (the alert itself by `visible`).
        let events = found.2.map { event -> AlertEvent in
            var event = event
            event.note = event.note.map(PIIMasker.mask)
            return event
        }
        return (alert, found.1.map(masked), events)
    }

    /// The alerts this reader may work, as they may see them (the free-text message masked without unmask): every
    /// list, page, detail and the live stream read alerts through here.
    static func visible(_ alerts: [AlertRecord], policy: AccessPolicy, services: ConsoleServices) async throws -> [AlertRecord] {
        var participants: [String: Set<String>] = [:]
        var result: [AlertRecord] = []
        for alert in alerts {
            let people: Set<String>
            if let conversation = alert.conversation {
                if let known = participants[conversation] {
                    people = known
                } else {
                    people = try await services.store.participants(ofConversation: conversation)
                    participants[conversation] = people
                }
            } else {
                people = [alert.sender]
            }
            guard policy.mayWorkAlert(participants: people) else { continue }
            var shown = alert
            if policy.masksPII { shown.message = alert.message.map(PIIMasker.mask) }
            result.append(shown)
        }
        return result
    }

    static func masked(_ hit: AlertHit) -> AlertHit {
        var hit = hit
        hit.match = PIIMasker.mask(hit.match)
        return hit
    }
}

/// Server-sent events of new alerts the reader may work, polled once a second, with a keep-alive when idle.
///
/// A stream outlives the request that opened it, so it asks again who is reading: before it delivers anything and
/// at least every ``ConsoleConfig/alertStreamRecheckSeconds``, it resolves the request's cookie or bearer token afresh
/// and rebuilds the reader's ``AccessPolicy``. It ends when the session is gone (signed out, expired, the user
/// disabled, the token revoked) or when the reader's roles, departments, unmask right or scope (directory,
/// protected staff) differ from when it opened; the browser's `EventSource` reconnects and is authorized anew.
enum AlertStream {
    /// What the request that opened the stream signed in with, to resolve it again later.
    struct Credential: Sendable {
        var sessionToken: String?
        var bearerToken: String?

        /// The session cookie and bearer token, read as ``AuthMiddleware`` reads them.
        init(_ request: Request) {
            sessionToken = request.cookies[AuthMiddleware.sessionCookie]?.value
            bearerToken = request.headers[.authorization].flatMap { header -> String? in
                header.lowercased().hasPrefix("bearer ") ? String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces) : nil
            }
        }
    }

    /// Everything about a reader that decides which alerts they see and how.
    struct Access: Equatable {
        var username: String
        var roles: Set<Role>
        var departments: Set<Int64>
        var mayUnmask: Bool
        var visibleStaff: Set<String>?
        var hiddenStaff: Set<String>

        init(_ policy: AccessPolicy) {
            username = policy.principal.username
            roles = policy.principal.roles
            departments = policy.principal.departments
            mayUnmask = policy.principal.mayUnmask
            visibleStaff = policy.visibleStaff
            hiddenStaff = policy.hiddenStaff
        }
    }

    static func resumePoint(_ request: Request) -> Int64 {
        if let name = HTTPField.Name("Last-Event-ID"), let header = request.headers[name], let id = Int64(header) { return id }
        if let query = request.uri.queryParameters["after"], let id = Int64(String(query)) { return id }
        return 0
    }

    /// One `alert` event of an alert read through ``AlertRoutes/visible(_:policy:services:)`` (so already masked).
    static func event(_ alert: AlertRecord) throws -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = String(decoding: try encoder.encode(alert), as: UTF8.self)
        return ByteBuffer(string: "id: \(alert.id)\nevent: alert\ndata: \(data)\n\n")
    }

    /// Whether the credential still signs in the same reader with the same access as when the stream opened.
    static func stillPermitted(_ credential: Credential, opened: Access, services: ConsoleServices) async throws -> Bool {
        guard let principal = try await services.accounts.principal(sessionToken: credential.sessionToken, bearerToken: credential.bearerToken),
              principal.may(.workAlerts) else { return false }
        let current = try await services.policy(for: principal)
        return Access(current) == opened
    }

    static func response(services: ConsoleServices, policy: AccessPolicy, credential: Credential, resumeAfter: Int64) -> Response {
        let seconds = services.config.alertStreamRecheckSeconds
        let recheck = Duration.milliseconds(Int64(seconds.isFinite ? (min(max(0, seconds), 3600) * 1000).rounded() : 5000))
        let poll = min(Duration.seconds(1), max(recheck, .milliseconds(10)))
        let keepAlive = Duration.seconds(15)
        let opened = Access(policy)
        let body = ResponseBody { writer in
            await services.alertStreamOpened?()
            let clock = ContinuousClock()
            var last = resumeAfter
            var checked = clock.now
            var wrote = clock.now
            while !Task.isCancelled {
                let fresh = try await services.store.alerts(status: nil, category: nil, limit: 100).filter { $0.id > last }.sorted { $0.id < $1.id }
                // Nothing is delivered on the strength of an old check, and an idle stream checks all the same.
                if !fresh.isEmpty || clock.now - checked >= recheck {
                    guard try await stillPermitted(credential, opened: opened, services: services) else { break }
                    checked = clock.now
                }
                for alert in try await AlertRoutes.visible(fresh, policy: policy, services: services) {
                    try await writer.write(try event(alert))
                    wrote = clock.now
                }
                last = fresh.last?.id ?? last
                if clock.now - wrote >= keepAlive {
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    wrote = clock.now
                }
                try await Task.sleep(for: poll)
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }
}
