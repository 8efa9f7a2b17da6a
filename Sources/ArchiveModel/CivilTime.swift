/// A calendar date and wall-clock time in a fixed UTC offset, computed without Foundation's calendars.
public struct CivilTime: Sendable, Hashable {
    public var year: Int64
    public var month: Int64
    public var day: Int64
    public var hour: Int64
    public var minute: Int64
    public var second: Int64
    public var millisecond: Int64

    /// - Parameters:
    ///   - milliseconds: since the Unix epoch.
    ///   - utcOffsetSeconds: e.g. 28800 for Beijing time.
    public init(milliseconds: Int64, utcOffsetSeconds: Int64) {
        // Message times are untrusted input: an offset that overflows saturates instead of trapping.
        let (shifted, overflow) = milliseconds.addingReportingOverflow(utcOffsetSeconds.multipliedReportingOverflow(by: 1000).partialValue)
        let local = overflow ? (utcOffsetSeconds > 0 ? Int64.max : Int64.min) : shifted
        let dayMs: Int64 = 86_400_000
        var days = local / dayMs
        var rest = local % dayMs
        if rest < 0 {
            rest += dayMs
            days -= 1
        }
        (year, month, day) = Self.civil(fromDays: days)
        hour = rest / 3_600_000
        minute = rest / 60_000 % 60
        second = rest / 1000 % 60
        millisecond = rest % 1000
    }

    /// `yyyy-MM-dd`.
    public var dateText: String { "\(year)-\(Self.two(month))-\(Self.two(day))" }

    /// `HH:mm:ss`.
    public var timeText: String { "\(Self.two(hour)):\(Self.two(minute)):\(Self.two(second))" }

    static func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
