import Presentation
import ArchiveModel
import ArchiveStore
import Foundation
import Hummingbird
import Ingest
import Insights
import TextKit

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
            let text = ReportCSV.table(table, try await report(request, services: services, policy: policy))
            // Names and conversation ids can carry a customer's number; a CSV leaves the console, so it is masked whole.
            let csv = policy.masksPII ? PIIMasker.mask(text) : text
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

    /// The report as a reader without unmask may see it: every name and conversation id masked (a customer group is
    /// often named after the customer and their number), for the JSON, the dashboard and the CSV alike.
    static func masked(_ report: InsightReport) -> InsightReport {
        var report = report
        func ranked(_ rows: [InsightReport.Ranked]) -> [InsightReport.Ranked] {
            rows.map { var row = $0; row.name = PIIMasker.mask(row.name); row.key = PIIMasker.mask(row.key); return row }
        }
        func named(_ rows: [InsightReport.Named]) -> [InsightReport.Named] {
            rows.map { var row = $0; row.name = PIIMasker.mask(row.name); row.key = PIIMasker.mask(row.key); return row }
        }
        report.violations.byEmployee = ranked(report.violations.byEmployee)
        report.violations.byDepartment = ranked(report.violations.byDepartment)
        report.quality = report.quality.map { var row = $0; row.name = PIIMasker.mask(row.name); return row }
        report.sentiment.mostNegative = report.sentiment.mostNegative.map { var row = $0; row.conversation = PIIMasker.mask(row.conversation); return row }
        report.volume.byEmployee = named(report.volume.byEmployee)
        report.volume.byGroup = named(report.volume.byGroup)
        return report
    }

    /// The report for `since`/`until` (default: the last 30 days) and `department`, limited to the reader's scope.
    static func report(_ request: Request, services: ConsoleServices, policy: AccessPolicy) async throws -> InsightReport {
        let query = QueryParameters(request)
        // Both within TimeInput's range, so the default span cannot overflow.
        let until = try query.time("until") ?? WeComTime(date: Date()).milliseconds
        let since = try query.time("since") ?? max(TimeInput.earliest, until - 30 * 86_400_000)
        guard since < until else { throw HTTPError(.badRequest, message: "since must be before until") }
        var scope = policy.visibleStaff
        if !policy.hiddenStaff.isEmpty {
            scope = (scope ?? policy.employees).subtracting(policy.hiddenStaff)
        }
        let report = try await InsightReport.build(store: services.store, since: since,
                                             until: until, department: try query.int64("department"),
                                             employees: scope, recomputingWaits: false)
        return policy.masksPII ? masked(report) : report
    }
}
