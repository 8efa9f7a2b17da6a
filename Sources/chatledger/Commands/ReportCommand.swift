import ArchiveStore
import ArgumentParser
import Foundation
import Ingest

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Violation ranking, peak hours, issue types, response times and review scores, sentiment, volume — for a period.",
        discussion: "Read from aggregates ingest keeps current, not from a scan of the messages. `--csv TABLE` prints one table as CSV.")

    @OptionGroup var archive: ArchiveOptions
    @Option(help: "Start (ISO 8601 or yyyy-MM-dd, Beijing day boundaries for dates).") var since: String
    @Option(help: "End, exclusive.") var until: String
    @Option(help: "Only this department and its sub-departments.") var department: Int64?
    @Option(help: "One table as CSV: \(ReportCSV.tables.joined(separator: ", ")).") var csv: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let start = try ISO8601Input.parse(since, option: "--since"), end = try ISO8601Input.parse(until, option: "--until")
        guard start < end else { throw ValidationError("--since must be before --until") }
        let report = try await InsightReport.build(store: try await archive.openAnyArchive(), since: Int64(start.timeIntervalSince1970 * 1000),
                                                   until: Int64(end.timeIntervalSince1970 * 1000), department: department)
        if let csv {
            guard ReportCSV.tables.contains(csv) else { throw ValidationError("--csv must be one of \(ReportCSV.tables.joined(separator: ", "))") }
            print(ReportCSV.table(csv, report), terminator: "")
        } else if json {
            try JSONOutput.print(report)
        } else {
            print("violations: " + report.violations.byEmployee.prefix(5).map { "\($0.name) \($0.total)" }.joined(separator: ", "))
            print("busiest hours: " + report.peakHours.busiest.map { "weekday \($0.weekday) \($0.hour):00 (\($0.count))" }.joined(separator: ", "))
            print("topics: " + report.topics.map { "\($0.name) \($0.count)" }.joined(separator: ", "))
            print("sentiment: positive \(report.sentiment.positive), neutral \(report.sentiment.neutral), negative \(report.sentiment.negative)")
        }
    }
}
