import Foundation
import Hummingbird
import Ingest
import Insights
import Storage

/// Reports: `GET /api/v1/reports` (JSON), `GET /api/v1/reports/{table}.csv`, and the dashboard page with
/// server-rendered SVG charts. Readers see the employees in their scope.
enum ReportRoutes {
    struct ReportResponse: ResponseEncodable {
        var report: InsightReport
    }

    static func add(to router: Router<ConsoleContext>, services: ConsoleServices, renderer: PageRenderer, page: AdminPages.PageWrapper) {
        router.get("api/v1/reports") { request, context -> ReportResponse in
            let policy = try await services.authorize(context, .viewStatistics)
            return ReportResponse(report: try await report(request, services: services, policy: policy))
        }
        router.get("api/v1/reports/:table") { request, context -> Response in
            let policy = try await services.authorize(context, .viewStatistics)
            let name = try context.pathParameter("table")
            guard name.hasSuffix(".csv"), ReportCSV.tables.contains(String(name.dropLast(4))) else {
                throw HTTPError(.notFound, message: "tables: \(ReportCSV.tables.map { $0 + ".csv" }.joined(separator: ", "))")
            }
            let table = String(name.dropLast(4))
            let csv = ReportCSV.table(table, try await report(request, services: services, policy: policy))
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                                   .contentDisposition: "attachment; filename=\"chatledger-\(table).csv\""],
                            body: .init(byteBuffer: ByteBuffer(string: "\u{FEFF}" + csv)))
        }
        router.get("reports", use: page(.viewStatistics) { request, _, policy, frame in
            let report = try await report(request, services: services, policy: policy)
            let t = frame.t
            let weekdays = frame.language == "en" ? ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] : ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
            let query = request.uri.query.map { "?" + $0 } ?? ""
            let charts: [[String: Any]] = [
                ["title": t["violation_ranking"] ?? "", "csv": "violations",
                 "svg": SVGChart.bars(report.violations.byEmployee.prefix(12).map { ($0.name, Double($0.total)) })],
                ["title": t["violation_departments"] ?? "", "csv": "departments",
                 "svg": SVGChart.bars(report.violations.byDepartment.prefix(12).map { ($0.name, Double($0.total)) })],
                ["title": t["peak_hours"] ?? "", "csv": "peak-hours", "svg": SVGChart.heatmap(report.peakHours.matrix, rowLabels: weekdays)],
                ["title": t["issue_types"] ?? "", "csv": "topics", "svg": SVGChart.bars(report.topics.map { ($0.name, Double($0.count)) })],
                ["title": t["avg_response"] ?? "", "csv": "response",
                 "svg": SVGChart.bars(report.response.employees.compactMap { row in row.averageResponseMinutes.map { (row.key, $0) } }
                    .sorted { $0.1 > $1.1 }.prefix(12).map { ($0.0, $0.1) }, unit: " min")],
                ["title": t["qa_scores"] ?? "", "csv": "quality", "svg": SVGChart.bars(report.quality.prefix(12).map { ($0.name, $0.averageScore) })],
                ["title": t["sentiment"] ?? "", "csv": "negative-conversations",
                 "svg": SVGChart.bars([(t["positive"] ?? "", Double(report.sentiment.positive)), (t["neutral"] ?? "", Double(report.sentiment.neutral)),
                                       (t["negative"] ?? "", Double(report.sentiment.negative))])],
                ["title": t["volume_days"] ?? "", "csv": "volume-days",
                 "svg": SVGChart.columns(report.volume.byDay.map { ($0.day, [$0.customer, $0.staff]) })],
                ["title": t["volume_employees"] ?? "", "csv": "volume-employees",
                 "svg": SVGChart.bars(report.volume.byEmployee.prefix(12).map { ($0.name, Double($0.messages)) })],
                ["title": t["volume_groups"] ?? "", "csv": "volume-groups",
                 "svg": SVGChart.bars(report.volume.byGroup.prefix(12).map { ($0.name, Double($0.messages)) })],
            ].map { chart in var chart = chart; chart["href"] = "/api/v1/reports/\(chart["csv"]!).csv\(query)"; return chart }
            return renderer.render("reports", title: t["reports"] ?? "", values: [
                "since": QueryParameters(request).string("since") ?? "", "until": QueryParameters(request).string("until") ?? "",
                "department": QueryParameters(request).string("department") ?? "",
                "period": "\(MessagePresenter.time(report.since).prefix(10)) – \(MessagePresenter.time(report.until - 1).prefix(10))",
                "charts": charts,
                "negative": report.sentiment.mostNegative.map { mood -> [String: Any] in
                    ["href": "/conversations/" + MessagePresenter.path(mood.conversation), "conversation": mood.conversation,
                     "negative": mood.negative, "scored": mood.scored]
                },
            ], frame: frame)
        })
    }

    /// The report for `since`/`until` (default: the last 30 days) and `department`, limited to the reader's scope.
    static func report(_ request: Request, services: ConsoleServices, policy: AccessPolicy) async throws -> InsightReport {
        let query = QueryParameters(request)
        let until = try query.date("until") ?? Date()
        let since = try query.date("since") ?? until.addingTimeInterval(-30 * 86_400)
        guard since < until else { throw HTTPError(.badRequest, message: "since must be before until") }
        var scope = policy.visibleStaff
        if !policy.hiddenStaff.isEmpty {
            scope = (scope ?? policy.employees).subtracting(policy.hiddenStaff)
        }
        return try await InsightReport.build(store: services.store, since: Int64(since.timeIntervalSince1970 * 1000),
                                             until: Int64(until.timeIntervalSince1970 * 1000), department: try query.int64("department"),
                                             employees: scope)
    }
}
