import Ingest
import Testing

/// CSV cells a spreadsheet would run as formulas are neutralised, whatever character leads them in.
@Suite struct ReportCSVTests {
    @Test(arguments: ["\t=1+1", "\r=1+1", "\n=1+1", "\t@SUM(A1)", "\u{FF1D}1+1", "\u{FF0B}1", "\u{FF20}x", "\u{FF0D}1"])
    func aCellLedByATabCarriageReturnOrFullWidthSignIsGuarded(cell: String) {
        let field = ReportCSV.field(cell)
        let unquoted = field.hasPrefix("\"") ? String(field.dropFirst()) : field
        #expect(unquoted.hasPrefix("'"), "\(field.debugDescription) is not guarded")
    }

    @Test func aCarriageReturnLineFeedStartIsGuardedAndQuoted() {
        #expect(ReportCSV.field("\r\n=cmd") == "\"'\r\n=cmd\"")
    }

    @Test(arguments: ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "-inf", "-nan", "+0x1p3", "-", "+"])
    func formulaSignsAreGuarded(cell: String) {
        #expect(ReportCSV.field(cell).hasPrefix("'"))
    }

    @Test(arguments: ["-12.5", "+3", "-0.125", "1e-3", "-2E+5", "42", "张三", "a,b"])
    func numbersAndPlainTextStayReadable(cell: String) {
        #expect(!ReportCSV.field(cell).contains("'"))
    }
}
