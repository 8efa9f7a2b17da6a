import Presentation
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Renders pages: a content template inside the layout, with the reader's words (zh/en) and navigation.
struct PageRenderer: Sendable {
    let library: MustacheLibrary

    init() {
        var library = MustacheLibrary()
        for (name, text) in PageTemplates.all {
            // The templates are compiled into the binary; a broken one is a programming error caught by every page test.
            try! library.register(text, named: name)
        }
        self.library = library
    }

    /// What every page knows about its reader.
    struct Frame {
        var language: String
        var principal: Principal?

        var t: [String: String] { Localization.table(language) }

        var layoutValues: [String: Any] {
            var values: [String: Any] = ["t": t, "lang": language == "en" ? "en" : "zh-CN", "otherLang": language == "en" ? "zh" : "en",
                                         "csrf": principal?.csrfToken ?? ""]
            if let principal {
                values["user"] = ["displayName": principal.displayName]
                values["displayName"] = principal.displayName
                values["nav"] = ["content": principal.may(.readContent), "alerts": principal.may(.workAlerts),
                                 "audit": principal.may(.viewAudit), "admin": principal.may(.administer),
                                 "sla": principal.may(.viewStatistics), "qa": principal.may(.reviewQuality),
                                 "cases": principal.may(.exportEvidence)]
            }
            return values
        }
    }

    func render(_ template: String, title: String, values: [String: Any], frame: Frame, status: HTTPResponse.Status = .ok) -> Response {
        var context = frame.layoutValues
        for (key, value) in TemplateValues.trustingOnlySafeHTML(values) as? [String: Any] ?? [:] { context[key] = value }
        let body = library.render(context, withTemplate: template) ?? ""
        context["body"] = body
        context["title"] = title
        context["page"] = template
        let html = library.render(context, withTemplate: "layout") ?? ""
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                         body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func error(_ status: HTTPResponse.Status, _ message: String, frame: Frame) -> Response {
        render("error", title: "\(status.code)", values: ["heading": "\(status.code) \(status.reasonPhrase)", "message": message],
               frame: frame, status: status)
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// Splits a snippet's 【term】 marks into segments the template wraps in `<mark>`.
    static func segments(_ snippet: String) -> [[String: Any]] {
        var segments: [[String: Any]] = []
        var current = ""
        var inHit = false
        for character in snippet {
            if character == "【" || character == "】" {
                if !current.isEmpty { segments.append(["text": current, "hit": inHit]) }
                current = ""
                inHit = character == "【"
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { segments.append(["text": current, "hit": inHit]) }
        return segments
    }
}
