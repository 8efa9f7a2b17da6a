import ArchiveModel
import ArchiveStore
import Evidence
import Foundation
import Hummingbird
import Presentation

/// The case pages: the list with a form to open one, a case with its hold, exports and messages, and the
/// "add to case" form shown on conversations, search results and alerts. Same rules as ``CaseRoutes``.
enum CasePages {
    /// At most this many of a case's messages are shown on its page (an export carries them all).
    static let shownMessages = 200

    static func add(to router: Router<ConsoleContext>, services: ConsoleServices, renderer: PageRenderer, page: AdminPages.PageWrapper) {
        router.get("cases", use: page(.exportEvidence) { _, _, _, frame in
            let items = try await services.store.cases().map { found -> [String: Any] in
                ["id": found.id, "name": found.name, "messages": found.messages, "held": found.held, "createdBy": found.createdBy,
                 "created": MessagePresenter.time(found.createdAt)]
            }
            return renderer.render("cases", title: frame.t["cases"] ?? "", values: ["items": items], frame: frame)
        })
        router.post("cases", use: page(.exportEvidence) { request, _, policy, _ in
            let form = FormBody(String(buffer: try await request.body.collect(upTo: 64 * 1024)))
            let name = (form["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let description = form["description"] ?? ""
            guard (1...200).contains(name.count), description.count <= 4000 else {
                throw HTTPError(.badRequest, message: "a case needs a name of 1 to 200 characters and a description of at most 4,000")
            }
            let created = try await CaseRoutes.mapped {
                try await CaseDesk(store: services.store).create(name: name, description: description, by: policy.principal.username)
            }
            return PageRenderer.redirect("/cases/\(created.id)")
        })
        router.post("cases/add", use: page(.exportEvidence) { request, _, policy, _ in
            let form = FormBody(String(buffer: try await request.body.collect(upTo: 1024 * 1024)))
            let id = try validCaseID(form["case"] ?? "")
            let body = CaseRoutes.AddBody(msgids: form.all("msgid").isEmpty ? nil : form.all("msgid"), conversation: form["conversation"])
            guard body.msgids != nil || body.conversation != nil else { throw HTTPError(.badRequest, message: "nothing to add") }
            let ids = try await CaseRoutes.readableSelection(body, policy: policy, services: services)
            var selection = ["via": "console"]
            if let conversation = body.conversation { selection["conversation"] = conversation }
            _ = try await CaseRoutes.mapped {
                try await CaseDesk(store: services.store).add(id, messages: ids, selection: selection, by: policy.principal.username)
            }
            return PageRenderer.redirect("/cases/\(id)")
        })
        router.get("cases/:id", use: page(.exportEvidence) { _, context, policy, frame in
            let id = try CaseRoutes.caseID(context)
            guard let found = try await services.store.evidenceCase(id: id) else { throw HTTPError(.notFound, message: "no case \(id)") }
            // Only what this reader may read is shown; an export checks the whole case.
            var messages: [StoredMessage] = []
            var hidden = 0
            for msgid in try await services.store.caseMessageIDs(id) {
                guard messages.count < shownMessages, let message = try await services.readableMessage(msgid.rawValue, policy: policy) else {
                    hidden += 1
                    continue
                }
                messages.append(message)
            }
            messages.sort(by: PageRoutes.inTimeOrder)
            let presenter = try await PageRoutes.presenter(for: messages, policy: policy, frame: frame, services: services)
            let media = try await services.mediaHashes(of: messages)
            let exports = try await services.store.caseExports(id).map { export -> [String: Any] in
                ["time": MessagePresenter.time(export.exportedAt), "by": export.exportedBy, "messages": export.messages, "media": export.media,
                 "held": export.held, "manifest": export.manifestSHA256]
            }
            var shown: [String: Any] = [
                "id": found.id, "name": found.name, "description": found.description, "createdBy": found.createdBy,
                "created": MessagePresenter.time(found.createdAt), "messages": found.messages, "held": found.held,
                "heldSince": found.heldSince.map(MessagePresenter.time) ?? "", "heldBy": found.heldBy ?? "",
            ]
            if let asked = found.releaseRequestedBy { shown["releaseRequestedBy"] = asked }
            return renderer.render("case", title: found.name, values: [
                "case": shown, "exports": exports, "hidden": hidden,
                "messages": messages.map { presenter.card($0, media: media[$0.id] ?? [], withConversationLink: true) },
            ], frame: frame)
        })
        router.post("cases/:id/hold", use: page(.exportEvidence) { _, context, policy, _ in
            let id = try CaseRoutes.caseID(context)
            _ = try await CaseRoutes.mapped { try await CaseDesk(store: services.store).hold(id, by: policy.principal.username) }
            return PageRenderer.redirect("/cases/\(id)")
        })
        router.post("cases/:id/release", use: page(.exportEvidence) { _, context, policy, _ in
            let id = try CaseRoutes.caseID(context)
            _ = try await CaseRoutes.readableCase(id, policy: policy, services: services, doing: "lift its hold")
            _ = try await CaseRoutes.mapped { try await CaseDesk(store: services.store).release(id, by: policy.principal.username) }
            return PageRenderer.redirect("/cases/\(id)")
        })
        router.post("cases/:id/export", use: page(.exportEvidence) { _, context, policy, _ in
            try await CaseRoutes.export(try CaseRoutes.caseID(context), policy: policy, services: services)
        })
    }

    /// The "add to case" form's values for a page, or nothing for a reader who may not export evidence.
    static func addToCase(policy: AccessPolicy, services: ConsoleServices, conversation: String? = nil,
                          msgids: [String] = []) async throws -> [String: Any]? {
        guard policy.may(.exportEvidence), conversation != nil || !msgids.isEmpty else { return nil }
        let cases = try await services.store.cases().map { ["id": $0.id, "name": $0.name] }
        var values: [String: Any] = ["msgids": msgids, "cases": cases, "hasCases": !cases.isEmpty]
        if let conversation { values["conversation"] = conversation }
        return values
    }

    static func validCaseID(_ id: String) throws -> String {
        guard id.range(of: "^case-[0-9a-f]{12}$", options: .regularExpression) != nil else {
            throw HTTPError(.badRequest, message: "choose a case")
        }
        return id
    }
}
