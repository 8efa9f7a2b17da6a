import Foundation

/// Every report table as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese).
public enum ReportCSV {
    public static let tables = ["violations", "departments", "peak-hours", "topics", "response", "quality", "negative-conversations",
                                "volume-employees", "volume-groups", "volume-days"]

    public static func table(_ name: String, _ report: InsightReport) -> String {
        var rows: [[String]]
        switch name {
        case "violations", "departments":
            let ranked = name == "violations" ? report.violations.byEmployee : report.violations.byDepartment
            let categories = Array(Set(ranked.flatMap(\.byCategory.keys))).sorted()
            rows = [["key", "name", "total"] + categories] + ranked.map { row in
                [row.key, row.name, String(row.total)] + categories.map { String(row.byCategory[$0] ?? 0) }
            }
        case "peak-hours":
            rows = [["weekday"] + (0..<24).map(String.init)] + report.peakHours.matrix.enumerated().map { [String($0.offset + 1)] + $0.element.map(String.init) }
        case "topics":
            rows = [["topic", "name", "count"]] + report.topics.map { [$0.topic, $0.name, String($0.count)] }
        case "response":
            rows = [["employee", "waits", "answered", "answered_within_target", "reply_rate", "average_response_minutes",
                     "average_first_response_minutes", "overdue_now"]] + report.response.employees.map {
                [$0.key, String($0.waits), String($0.answered), String($0.answeredWithinTarget), String(format: "%.3f", $0.replyRate),
                 $0.averageResponseMinutes.map { String($0) } ?? "", $0.averageFirstResponseMinutes.map { String($0) } ?? "", String($0.overdueNow)]
            }
        case "quality":
            rows = [["employee", "name", "reviews", "average_score"]] + report.quality.map { [$0.employee, $0.name, String($0.reviews), String($0.averageScore)] }
        case "negative-conversations":
            rows = [["conversation", "employee", "negative", "scored"]] + report.sentiment.mostNegative.map {
                [$0.conversation, $0.employee, String($0.negative), String($0.scored)]
            }
        case "volume-employees":
            rows = [["employee", "name", "messages"]] + report.volume.byEmployee.map { [$0.key, $0.name, String($0.messages)] }
        case "volume-groups":
            rows = [["room", "name", "messages"]] + report.volume.byGroup.map { [$0.key, $0.name, String($0.messages)] }
        default:
            rows = [["day", "customer_messages", "staff_messages"]] + report.volume.byDay.map { [$0.day, String($0.customer), String($0.staff)] }
        }
        return rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// RFC 4180 quoting; a cell a spreadsheet could run as a formula is neutralised with a leading `'`.
    ///
    /// That is a cell starting with `=`, `+`, `-` or `@` (or their full-width forms, which some spreadsheets read the
    /// same), or with a tab, carriage return or line feed, which spreadsheets skip before looking for a formula (OWASP's
    /// CSV injection list). A plain number such as `-12.5` stays as it is.
    public static func field(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, formulaStarts.contains(first), !isPlainNumber(text) { text = "'" + text }
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// First characters that make a spreadsheet read a cell as a formula (or skip ahead to one).
    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r", "\n", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}"]

    /// A decimal number as the reports write them (`-12`, `+3.5`, `1e-3`), which no spreadsheet runs; unlike
    /// `Double.init`, it refuses `-inf`, `-nan` and hexadecimal forms.
    static func isPlainNumber(_ text: String) -> Bool {
        var scalars = text.unicodeScalars[...]
        func digits() -> Int {
            var count = 0
            while let scalar = scalars.first, ("0"..."9").contains(scalar) {
                scalars.removeFirst()
                count += 1
            }
            return count
        }
        if let sign = scalars.first, sign == "+" || sign == "-" { scalars.removeFirst() }
        var mantissa = digits()
        if scalars.first == "." {
            scalars.removeFirst()
            mantissa += digits()
        }
        guard mantissa > 0 else { return false }
        if let e = scalars.first, e == "e" || e == "E" {
            scalars.removeFirst()
            if let sign = scalars.first, sign == "+" || sign == "-" { scalars.removeFirst() }
            guard digits() > 0 else { return false }
        }
        return scalars.isEmpty
    }
}
