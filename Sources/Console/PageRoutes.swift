import Presentation
import ArchiveModel
import ArchiveStore
import Foundation
import HTTPTypes
import Hummingbird
import Risk
import Search
import TextKit

/// The server-rendered console. Every page asks the same ``AccessPolicy`` as the API and audits the same
/// content accesses; forms post back with the session's CSRF token.
enum PageRoutes {
    static let languageCookie = "cl_lang"

    static func add(to router: Router<ConsoleContext>, services: ConsoleServices) {
        let renderer = PageRenderer()

        @Sendable func frame(_ request: Request, _ context: ConsoleContext) -> PageRenderer.Frame {
            let cookie = request.cookies[languageCookie]?.value
            return PageRenderer.Frame(language: cookie == "en" || cookie == "zh" ? cookie! : services.config.language, principal: context.principal)
        }

        /// Runs a page for a signed-in reader with `permission`; sends others to the login page or a 403 page.
        func page(_ permission: Permission?, _ body: @escaping @Sendable (Request, ConsoleContext, AccessPolicy, PageRenderer.Frame) async throws -> Response)
            -> @Sendable (Request, ConsoleContext) async throws -> Response {
            { request, context in
                let frame = frame(request, context)
                guard let principal = context.principal else {
                    return PageRenderer.redirect("/login?next=" + MessagePresenter.query(request.uri.path))
                }
                if let permission, !principal.may(permission) {
                    return renderer.error(.forbidden, "\(frame.t["not_allowed"] ?? ""): \(permission.rawValue)", frame: frame)
                }
                let policy = try await services.policy(for: principal)
                do {
                    return try await body(request, context, policy, frame)
                } catch let error as HTTPError {
                    return renderer.error(error.status, error.body ?? "", frame: frame)
                }
            }
        }

        router.get("static/console.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=300"],
                     body: .init(byteBuffer: ByteBuffer(string: StaticAssets.css)))
        }
        router.get("static/console.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "max-age=300"],
                     body: .init(byteBuffer: ByteBuffer(string: StaticAssets.javascript)))
        }
        router.get("lang") { request, _ -> Response in
            let to = QueryParameters(request).string("to") == "en" ? "en" : "zh"
            var response = PageRenderer.redirect(SafeRedirect.back(referer: request.headers[.referer], host: request.head.authority) ?? "/")
            response.setCookie(Cookie(name: languageCookie, value: to, maxAge: 365 * 86_400, path: "/", httpOnly: true, sameSite: .lax))
            return response
        }
        router.get("login") { request, context -> Response in
            renderer.render("login", title: frame(request, context).t["login"] ?? "", values: ["next": QueryParameters(request).string("next") ?? "/"],
                            frame: frame(request, context))
        }
        router.post("login") { request, context -> Response in
            let frame = frame(request, context)
            try AuthMiddleware.checkLoginOrigin(request)
            let form = FormBody(String(buffer: try await request.body.collect(upTo: 64 * 1024)))
            let username = form["username"] ?? ""
            do {
                let session = try await AuthRoutes.openSession(services, username: username, password: form["password"] ?? "", otp: form["otp"],
                                                               clientAddress: AuthRoutes.clientAddress(of: context, request: request,
                                                                                                       trustedProxies: services.config.trustedProxies))
                let next = SafeRedirect.path(form["next"]) ?? "/"
                var response = PageRenderer.redirect(next)
                response.setCookie(AuthRoutes.sessionCookie(session.token, services: services))
                return response
            } catch let error as HTTPError {
                return renderer.render("login", title: frame.t["login"] ?? "", values: ["message": error.body ?? "", "username": username,
                                                                                         "next": form["next"] ?? "/"],
                                       frame: frame, status: error.status)
            }
        }
        router.post("logout") { _, context -> Response in
            if case .session(_, let tokenHash) = context.principal?.credential { try await services.store.closeSession(tokenHash: tokenHash) }
            var response = PageRenderer.redirect("/login")
            response.setCookie(AuthRoutes.expiredSessionCookie(services))
            return response
        }
        router.get("/", use: page(nil) { _, context, _, _ in
            let principal = try context.requirePrincipal()
            if principal.may(.workAlerts) { return PageRenderer.redirect("/alerts") }
            if principal.may(.readContent) { return PageRenderer.redirect("/conversations") }
            if principal.may(.administer) { return PageRenderer.redirect("/admin") }
            return PageRenderer.redirect("/audit")
        })
        router.get("conversations", use: page(.readContent) { request, _, policy, frame in
            let query = QueryParameters(request)
            let pageNumber = try query.int("page", default: 1, range: 1...100_000)
            let filter = ConversationFilter(party: query.string("party"), room: query.string("room"), visibleStaff: policy.visibleStaff,
                                            hiddenStaff: policy.hiddenStaff, limit: 50, offset: (pageNumber - 1) * 50)
            let (total, conversations) = try await services.store.conversations(filter)
            let names = try await services.partyNames(Set(conversations.flatMap { [$0.partyA, $0.partyB].compactMap { $0 } }), policy: policy)
            let employees = policy.employees
            let items: [[String: Any]] = conversations.map { conversation in
                let json = ConversationJSON(conversation, names: names, maskPII: policy.masksPII)
                return ["href": "/conversations/" + MessagePresenter.path(conversation.id), "title": json.title,
                        "kindLabel": frame.t[json.kind == "group" ? "group" : "conversations"] ?? json.kind,
                        "count": conversation.messageCount, "last": MessagePresenter.time(conversation.lastMsgtime),
                        "parties": json.parties.map { party -> [String: String] in
                            ["name": party.name ?? party.id,
                             "href": employees.contains(party.id) ? "/conversations?party=" + MessagePresenter.query(party.id)
                                : "/customers/" + MessagePresenter.path(party.id)]
                        }]
            }
            return renderer.render("conversations", title: frame.t["conversations"] ?? "", values: [
                "items": items, "total": total, "party": query.string("party") ?? "", "room": query.string("room") ?? "",
                "pager": pager(request, page: pageNumber, pageSize: 50, total: total),
            ], frame: frame)
        })
        router.get("conversations/:id", use: page(.readContent) { request, context, policy, frame in
            let id = try context.pathParameter("id")
            let (grant, conversation) = try await services.requireReadable(conversation: id, policy: policy)
            let query = QueryParameters(request)
            let pageNumber = try query.int("page", default: 1, range: 1...100_000)
            let messages = try await services.messages(in: grant, limit: 200, offset: (pageNumber - 1) * 200)
            try await services.audit(policy.principal, "conversation.view", id, ["offset": "\((pageNumber - 1) * 200)", "count": "\(messages.count)"])
            let presenter = try await presenter(for: messages, policy: policy, frame: frame, services: services)
            let media = try await services.mediaHashes(of: messages)
            let cards = messages.map { message in
                presenter.card(message, media: media[message.id] ?? [], highlighted: query.string("msg") == message.id.rawValue)
            }
            let title = ConversationJSON(conversation, names: presenter.names, maskPII: policy.masksPII).title
            return renderer.render("conversation", title: title, values: [
                "addToCase": try await CasePages.addToCase(policy: policy, services: services, conversation: id) ?? false,
                "heading": title,
                "subtitle": "\(conversation.messageCount) \(frame.t["messages"] ?? "") · \(MessagePresenter.time(conversation.firstMsgtime)) – \(MessagePresenter.time(conversation.lastMsgtime))",
                "messages": cards, "pager": pager(request, page: pageNumber, pageSize: 200, total: conversation.messageCount),
            ], frame: frame)
        })
        router.get("customers", use: page(.readContent) { request, _, policy, frame in
            let text = try QueryParameters(request).text("q") ?? ""
            let contacts = try await scopedCustomers(matching: text, policy: policy, services: services)
            let mask = { (name: String) in policy.masksPII ? PIIMasker.mask(name) : name }
            return renderer.render("customers", title: frame.t["customers"] ?? "", values: [
                "q": text,
                "items": contacts.map { ["name": mask($0.name), "corp": $0.corpName ?? "", "id": $0.id, "href": "/customers/" + MessagePresenter.path($0.id)] },
            ], frame: frame)
        })
        router.get("customers/:id", use: page(.readContent) { _, context, policy, frame in
            let id = try context.pathParameter("id")
            let (_, conversations) = try await services.store.conversations(ConversationFilter(
                party: id, visibleStaff: policy.visibleStaff, hiddenStaff: policy.hiddenStaff, limit: 500))
            guard let party = try await services.store.party(id: id), party.kind == PartyKind.externalContact.rawValue, !conversations.isEmpty else {
                throw HTTPError(.notFound, message: "no customer \(id) with conversations you may read")
            }
            try await services.audit(policy.principal, "customer.view", id)
            // The most recent conversations' messages, merged in time order (older history: each conversation's own page).
            var messages: [StoredMessage] = []
            for conversation in conversations.prefix(30) {
                let count = conversation.messageCount
                guard let grant = try? await services.requireReadable(conversation: conversation.id, policy: policy).0 else { continue }
                messages += try await services.messages(in: grant, limit: 200, offset: max(0, count - 200))
            }
            messages.sort(by: inTimeOrder)
            let presenter = try await presenter(for: messages, policy: policy, frame: frame, services: services)
            let shown = Array(messages.suffix(500))
            let media = try await services.mediaHashes(of: shown)
            let cards = shown.map { presenter.card($0, media: media[$0.id] ?? [], withConversationLink: true) }
            let names = try await services.partyNames(Set(conversations.flatMap { [$0.partyA, $0.partyB].compactMap { $0 } }), policy: policy)
            let name = policy.masksPII ? PIIMasker.mask(party.name) : party.name
            return renderer.render("customer", title: name, values: [
                "name": name, "corp": party.corpName ?? "",
                "conversations": conversations.map { ["href": "/conversations/" + MessagePresenter.path($0.id),
                                                      "title": ConversationJSON($0, names: names, maskPII: policy.masksPII).title, "count": $0.messageCount] },
                "messages": cards,
            ], frame: frame)
        })
        router.get("search", use: page(.readContent) { request, _, policy, frame in
            let query = QueryParameters(request)
            var values: [String: Any] = ["form": searchForm(query)]
            let searched = ["q", "employee", "customer", "department", "room", "since", "until", "type", "ext", "has_media", "recalled"]
                .contains { query.string($0) != nil }
            guard searched else { return renderer.render("search", title: frame.t["search"] ?? "", values: values, frame: frame) }
            let pageNumber = try query.int("page", default: 1, range: 1...10_000)
            do {
                var search = try ContentRoutes.searchRequest(query, policy: policy)
                search.limit = 20
                search.offset = (pageNumber - 1) * 20
                let result = try await services.search.search(search)
                try await services.audit(policy.principal, "search", search.text, ContentRoutes.auditDetail(query))
                let names = try await services.partyNames(Set(result.hits.map(\.message.from)), policy: policy)
                values["searched"] = true
                values["total"] = result.totalIsLowerBound ? "\(result.total)+" : "\(result.total)"
                values["addToCase"] = try await CasePages.addToCase(policy: policy, services: services,
                                                                    msgids: result.hits.map(\.message.msgid)) ?? false
                values["hits"] = result.hits.map { hit -> [String: Any] in
                    let snippet = hit.snippet
                    let href = hit.message.conversation.map {
                        "/conversations/\(MessagePresenter.path($0))?msg=\(MessagePresenter.query(hit.message.msgid))#m-\(MessagePresenter.query(hit.message.msgid))"
                    } ?? "#"
                    return ["fromName": names[hit.message.from] ?? hit.message.from, "time": MessagePresenter.time(hit.message.msgtime),
                            "typeLabel": frame.t[MessagePresenter.typeKey(hit.message.msgtype)] ?? hit.message.msgtype,
                            "recalled": hit.message.recalled, "href": href, "segments": PageRenderer.segments(snippet)]
                }
                values["pager"] = pager(request, page: pageNumber, pageSize: 20, total: result.total)
            } catch let error as SearchError {
                values["message"] = error.description
            } catch let error as HTTPError {
                values["message"] = error.body ?? ""
            }
            return renderer.render("search", title: frame.t["search"] ?? "", values: values, frame: frame)
        })
        router.get("alerts", use: page(.workAlerts) { request, context, policy, frame in
            let status = QueryParameters(request).string("status")
            let statuses = ["open", "assigned", "acknowledged", "resolved", "false-positive"]
            let alerts = try await AlertRoutes.visible(try await services.store.alerts(status: statuses.contains(status ?? "") ? status : nil, category: nil, limit: 200),
                                                       policy: policy, services: services)
            let names = try await services.partyNames(Set(alerts.map(\.sender)), policy: policy)
            let tabs: [[String: Any]] = ([nil] + statuses).map { tab in
                ["href": tab.map { "/alerts?status=\($0)" } ?? "/alerts", "label": tab.map { frame.t["status." + $0] ?? $0 } ?? (frame.t["all"] ?? ""),
                 "current": tab == status]
            }
            return renderer.render("alerts", title: frame.t["alerts"] ?? "", values: [
                "tabs": tabs, "csrf": context.principal?.csrfToken ?? "",
                "items": alerts.map { alert -> [String: Any] in
                    ["id": alert.id, "category": alert.category, "severity": alert.severity, "sender": names[alert.sender] ?? alert.sender,
                     "hitCount": alert.hitCount,
                     "status": frame.t["status." + alert.status] ?? alert.status, "assignee": alert.assignee ?? "", "last": MessagePresenter.time(alert.lastMsgtime)]
                },
            ], frame: frame)
        })
        router.get("alerts/:id", use: page(.workAlerts) { _, context, policy, frame in
            let (alert, hits, events) = try await AlertRoutes.readableAlert(context, policy: policy, services: services)
            try await services.audit(policy.principal, "alert.view", "\(alert.id)")
            var messages: [StoredMessage] = []
            let msgids = Set(hits.map(\.msgid)).sorted()
            if let conversation = alert.conversation,
               let grant = try? await services.requireReadable(conversation: conversation, policy: policy, for: .workAlert).0 {
                messages = try await services.messages(msgids, in: grant)
            } else {
                // An alert outside any conversation: each message is judged on its own.
                for msgid in msgids {
                    if let message = try await services.readableMessage(msgid, policy: policy, for: [.workAlert]) { messages.append(message) }
                }
            }
            messages.sort(by: inTimeOrder)
            let presenter = try await presenter(for: messages, policy: policy, frame: frame, services: services)
            let media = try await services.mediaHashes(of: messages)
            let cards = messages.map { presenter.card($0, media: media[$0.id] ?? [], withConversationLink: true) }
            let conversationHref = alert.conversation.map { "/conversations/" + MessagePresenter.path($0) } ?? "#"
            return renderer.render("alert", title: "#\(alert.id)", values: [
                "addToCase": try await CasePages.addToCase(policy: policy, services: services, msgids: messages.map(\.id.rawValue)) ?? false,
                "alert": ["id": alert.id, "category": alert.category, "severity": alert.severity, "status": frame.t["status." + alert.status] ?? alert.status,
                          "sender": alert.sender, "assignee": alert.assignee ?? "—", "csrf": context.principal?.csrfToken ?? ""] as [String: Any],
                "conversationHref": conversationHref, "messages": cards,
                "hits": hits.map { hit -> [String: Any] in
                    ["rule": hit.rule, "match": hit.match, "severity": hit.severity,
                     "policyVersion": hit.policyVersion, "href": "\(conversationHref)?msg=\(MessagePresenter.query(hit.msgid))#m-\(MessagePresenter.query(hit.msgid))"]
                },
                "events": events.map { ["time": MessagePresenter.time($0.at), "actor": $0.actor, "action": $0.action, "note": $0.note as Any] },
            ], frame: frame)
        })
        router.post("alerts/:id/actions", use: page(.workAlerts) { request, context, policy, _ in
            let (alert, _, _) = try await AlertRoutes.readableAlert(context, policy: policy, services: services)
            let form = FormBody(String(buffer: try await request.body.collect(upTo: 64 * 1024)))
            let assignee = form["assignee"].flatMap { $0.isEmpty ? nil : $0 }
            let note = form["note"].flatMap { $0.isEmpty ? nil : $0 }
            try await AlertRoutes.act(on: alert.id, form["action"] ?? "", assignee: assignee, note: note, policy: policy, services: services)
            let back = SafeRedirect.back(referer: request.headers[.referer], host: request.head.authority).flatMap { $0.hasPrefix("/alerts") ? $0 : nil }
                ?? "/alerts/\(alert.id)"
            return PageRenderer.redirect(back)
        })
        router.get("audit", use: page(.viewAudit) { request, _, policy, frame in
            let query = QueryParameters(request)
            let events = try await services.store.auditEvents(AuditFilter(
                actor: query.string("actor"), action: query.string("action"),
                // The until day is inclusive on this page; TimeInput's range leaves room for the day added.
                since: try query.time("since"), until: try query.time("until").map { $0 + 86_400_000 },
                limit: 200, before: try query.int64("before")))
            var next: String?
            if events.count == 200, let last = events.last {
                var components = URLComponents(string: request.uri.description) ?? URLComponents()
                components.queryItems = (components.queryItems ?? []).filter { $0.name != "before" } + [URLQueryItem(name: "before", value: "\(last.id)")]
                next = components.string
            }
            var values: [String: Any] = [
                "actor": query.string("actor") ?? "", "action": query.string("action") ?? "", "since": query.string("since") ?? "",
                "until": query.string("until") ?? "",
                "items": events.map { stored -> [String: Any] in
                    // Search terms and filters are content: masked like content for a reader without unmask.
                    let event = policy.masksPII ? stored.event.masked : stored.event
                    return ["id": stored.id, "time": MessagePresenter.time(event.at), "actor": event.actor, "action": event.action,
                            "target": event.target, "leafIndex": stored.leafIndex,
                            "detail": event.detail.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.shortened($0.value))" }.joined(separator: " ")]
                },
            ]
            if let next { values["pager"] = [["next": next, "label": ""] as [String: Any]] }
            return renderer.render("audit", title: frame.t["audit"] ?? "", values: values, frame: frame)
        })
        AdminPages.add(to: router, services: services, renderer: renderer, page: page)
        QualityPages.add(to: router, services: services, renderer: renderer, page: page)
        ReportRoutes.add(to: router, services: services, renderer: renderer, page: page)
        CasePages.add(to: router, services: services, renderer: renderer, page: page)
    }

    /// External contacts the reader has a readable one-to-one conversation with, most recent first, whose name (as
    /// this reader sees it: masked unless they may unmask, so the filter cannot probe a masked number) or id holds
    /// `text`. The directory is scoped like the conversations it leads to; a customer met only in groups is reached
    /// through the group, and their page still opens by id.
    static func scopedCustomers(matching text: String, policy: AccessPolicy, services: ConsoleServices) async throws -> [DirectoryParty] {
        let (_, readable) = try await services.store.conversations(ConversationFilter(
            visibleStaff: policy.visibleStaff, hiddenStaff: policy.hiddenStaff, limit: 50_000))
        var partners: [String] = []
        var seen = Set<String>()
        for conversation in readable where conversation.roomID == nil {
            for id in [conversation.partyA, conversation.partyB].compactMap({ $0 }) where !policy.employees.contains(id) && seen.insert(id).inserted {
                partners.append(id)
            }
        }
        let names = try await services.partyNames(Set(partners), policy: policy)
        let needle = text.lowercased()
        let shown = partners.filter { id in
            needle.isEmpty || id.lowercased().contains(needle) || (names[id]?.lowercased().contains(needle) ?? false)
        }.prefix(200)
        var customers: [DirectoryParty] = []
        for id in shown {
            if let party = try await services.store.party(id: id), party.kind == PartyKind.externalContact.rawValue { customers.append(party) }
        }
        return customers
    }

    /// A long detail (a case addition lists every msgid) cut for the page; the API and the ledger keep it whole.
    static func shortened(_ value: String) -> String {
        value.count <= 160 ? value : String(value.prefix(160)) + "…(\(value.count - 160) more)"
    }

    static func inTimeOrder(_ a: StoredMessage, _ b: StoredMessage) -> Bool {
        a.time.milliseconds != b.time.milliseconds ? a.time.milliseconds < b.time.milliseconds : a.seq < b.seq
    }

    static func presenter(for messages: [StoredMessage], policy: AccessPolicy, frame: PageRenderer.Frame,
                          services: ConsoleServices) async throws -> MessagePresenter {
        var ids = Set(messages.map(\.from.rawValue))
        for message in messages { ids.formUnion(message.toList.map(\.rawValue)) }
        return MessagePresenter(names: try await services.partyNames(ids, policy: policy), employees: policy.employees,
                                maskPII: policy.masksPII, t: frame.t)
    }

    /// Previous/next links that keep the request's other parameters: none or one (a list, so the
    /// template's section renders nothing when there is a single page).
    static func pager(_ request: Request, page: Int, pageSize: Int, total: Int) -> [[String: Any]] {
        let pages = max(1, (total + pageSize - 1) / pageSize)
        guard pages > 1 else { return [] }
        func link(_ number: Int) -> String {
            var components = URLComponents(string: request.uri.description) ?? URLComponents()
            components.queryItems = (components.queryItems ?? []).filter { $0.name != "page" } + [URLQueryItem(name: "page", value: "\(number)")]
            return components.string ?? "?page=\(number)"
        }
        var pager: [String: Any] = ["label": "\(page) / \(pages)"]
        if page > 1 { pager["prev"] = link(page - 1) }
        if page < pages { pager["next"] = link(page + 1) }
        return [pager]
    }

    static func searchForm(_ query: QueryParameters) -> [String: Any] {
        var form: [String: Any] = [:]
        for name in ["q", "employee", "customer", "department", "room", "since", "until", "type", "ext"] { form[name] = query.string(name) ?? "" }
        form["hasMediaYes"] = query.string("has_media") == "true"
        form["hasMediaNo"] = query.string("has_media") == "false"
        form["recalledYes"] = query.string("recalled") == "true"
        form["recalledNo"] = query.string("recalled") == "false"
        return form
    }
}
