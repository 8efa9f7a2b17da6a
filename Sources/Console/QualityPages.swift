import Presentation
import ArchiveModel
import ArchiveStore
import Foundation
import Hummingbird
import Ingest
import Quality

/// The reply-timeout page (overdue now, response times, settings) and the quality-review queue and scoring page.
enum QualityPages {
    static func add(to router: Router<ConsoleContext>, services: ConsoleServices, renderer: PageRenderer, page: AdminPages.PageWrapper) {
        router.get("sla", use: page(.viewStatistics) { request, context, policy, frame in
            try await render(services, renderer, frame, policy: policy, csrf: context.principal?.csrfToken ?? "",
                             message: QueryParameters(request).string("done"))
        })
        router.post("sla/settings", use: page(.administer) { request, context, policy, frame in
            let form = FormBody(String(buffer: try await request.body.collect(upTo: 1 << 20)))
            do {
                let version = try await QualityRoutes.saveSettings(Data((form["settings"] ?? "").utf8), services: services, policy: policy)
                return PageRenderer.redirect("/sla?done=" + MessagePresenter.query("✓ v\(version)"))
            } catch let error as HTTPError {
                return try await render(services, renderer, frame, policy: policy, csrf: context.principal?.csrfToken ?? "",
                                        message: error.body, status: error.status)
            }
        })
        router.get("qa", use: page(.reviewQuality) { request, context, policy, frame in
            let period = QueryParameters(request).string("period")
            let samples = try await QualityRoutes.samples(services, policy: policy, period: period, reviewed: nil)
            let names = try await services.partyNames(Set(samples.map(\.employee)), policy: policy)
            return renderer.render("qa", title: frame.t["qa"] ?? "", values: [
                "csrf": context.principal?.csrfToken ?? "", "period": period ?? "",
                "items": samples.map { sample -> [String: Any] in
                    ["id": sample.id, "period": sample.period, "employee": names[sample.employee] ?? sample.employee,
                     "title": sample.conversation, "score": sample.total.map { String(format: "%.1f", $0) } ?? "—"]
                },
            ], frame: frame)
        })
        router.post("qa/sample", use: page(.reviewQuality) { request, _, policy, _ in
            let form = FormBody(String(buffer: try await request.body.collect(upTo: 64 * 1024)))
            let period = form["period"] ?? ""
            try await QualityRoutes.draw(period: period, services: services, policy: policy)
            return PageRenderer.redirect("/qa?period=" + MessagePresenter.query(period))
        })
        router.get("qa/:id", use: page(.reviewQuality) { _, context, policy, frame in
            try await sample(try context.pathParameter("id"), services, renderer, frame, policy: policy, csrf: context.principal?.csrfToken ?? "")
        })
        router.post("qa/:id", use: page(.reviewQuality) { request, context, policy, _ in
            let id = try context.pathParameter("id")
            let form = FormBody(String(buffer: try await request.body.collect(upTo: 64 * 1024)))
            let review = try await ReplyTimeoutTracker.settings(services.store).review
            var items: [String: Double] = [:]
            for item in review.rubric {
                guard let value = form["item." + item.id].flatMap(Double.init) else {
                    throw HTTPError(.badRequest, message: "score every item of the rubric (0–100): \(item.name) is missing")
                }
                items[item.id] = value
            }
            _ = try await QualityRoutes.score(id, items: items, comment: form["comment"].flatMap { $0.isEmpty ? nil : $0 }, services: services, policy: policy)
            return PageRenderer.redirect("/qa/\(id)")
        })
    }

    static func render(_ services: ConsoleServices, _ renderer: PageRenderer, _ frame: PageRenderer.Frame, policy: AccessPolicy, csrf: String,
                       message: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let overdue = try await QualityRoutes.overdue(services, policy: policy, allHours: false)
        let until = WeComTime(date: Date()).milliseconds
        let stats = try await QualityRoutes.stats(services, policy: policy, since: until - 30 * 86_400_000, until: until)
        let names = try await services.partyNames(Set(overdue.flatMap { [$0.employee, $0.customer] } + stats.employees.map(\.key)), policy: policy)
        let settings = try await ReplyTimeoutTracker.settings(services.store)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var values: [String: Any] = [
            "csrf": csrf, "overdueCount": overdue.count, "canEdit": policy.may(.administer),
            "overdue": overdue.map { item -> [String: Any] in
                ["customer": names[item.customer] ?? item.customer, "employee": names[item.employee] ?? item.employee,
                 "since": MessagePresenter.time(item.waitingSince), "minutes": item.minutesWaiting,
                 "state": frame.t[item.escalated ? "escalated" : item.reminded ? "reminded" : "pending"] ?? "",
                 "href": "/conversations/\(MessagePresenter.path(item.conversation))?msg=\(MessagePresenter.query(item.customerMsgid))#m-\(MessagePresenter.query(item.customerMsgid))"]
            },
            "period": "\(MessagePresenter.time(stats.since).prefix(10)) – \(MessagePresenter.time(stats.until).prefix(10))",
            "rows": stats.employees.map { row -> [String: Any] in
                ["name": names[row.key] ?? row.key, "waits": row.waits, "rate": String(format: "%.0f%%", row.replyRate * 100),
                 "average": row.averageResponseMinutes.map { String(format: "%.1f", $0) } ?? "—",
                 "first": row.averageFirstResponseMinutes.map { String(format: "%.1f", $0) } ?? "—", "overdue": row.overdueNow]
            },
            "settings": String(decoding: try encoder.encode(settings), as: UTF8.self),
            "version": try await services.store.slaSettingsDocument().map { "v\($0.version)" } ?? "default",
        ]
        if let message { values["message"] = message }
        return renderer.render("sla", title: frame.t["sla"] ?? "", values: values, frame: frame, status: status)
    }

    static func sample(_ idText: String, _ services: ConsoleServices, _ renderer: PageRenderer, _ frame: PageRenderer.Frame,
                       policy: AccessPolicy, csrf: String) async throws -> Response {
        guard let id = Int64(idText), let sample = try await services.store.reviewSample(id: id), policy.covers(employee: sample.employee) else {
            throw HTTPError(.notFound, message: "no review sample \(idText) that you may score")
        }
        // The one policy decision: a group with a protected member the reviewer is not named for stays closed.
        let (grant, _) = try await services.requireReadable(conversation: sample.conversation, policy: policy,
                                                            for: .review(conversation: sample.conversation, employee: sample.employee))
        let review = try await ReplyTimeoutTracker.settings(services.store).review
        let messages = try await services.messages(in: grant, limit: 300)
        try await services.audit(policy.principal, "conversation.view", sample.conversation, ["review": "\(id)"])
        let presenter = try await PageRoutes.presenter(for: messages, policy: policy, frame: frame, services: services)
        let media = try await services.mediaHashes(of: messages)
        let cards = messages.map { presenter.card($0, media: media[$0.id] ?? []) }
        var values: [String: Any] = [
            "id": id, "employee": presenter.names[sample.employee] ?? sample.employee, "period": sample.period, "csrf": csrf,
            "comment": sample.score?.comment ?? "", "messages": cards,
            "rubric": review.rubric.map { item -> [String: Any] in
                ["itemID": item.id, "name": item.name, "weight": String(format: "%g", item.weight),
                 "value": sample.score?.items[item.id].map { String(format: "%g", $0) } ?? ""]
            },
        ]
        if let total = sample.score?.total { values["total"] = String(format: "%.1f", total) }
        return renderer.render("qaSample", title: frame.t["qa"] ?? "", values: values, frame: frame)
    }
}
