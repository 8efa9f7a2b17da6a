import Foundation

/// When the reply clock runs: working hours per weekday in a time zone, minus holidays, plus make-up
/// working days (调休). Outside working hours the clock pauses.
public struct BusinessCalendar: Sendable, Hashable, Codable {
    /// An IANA zone, e.g. `Asia/Shanghai`.
    public var timeZone: String
    /// Working hours per ISO weekday (1 Monday … 7 Sunday), as `HH:mm` pairs; a missing day is closed.
    public var hours: [String: [WorkingHours]]
    /// Dates (`yyyy-MM-dd`, local) when nobody works, whatever the weekday.
    public var holidays: [String]
    /// Dates that are working days although their weekday is not (make-up days); they use Monday's hours.
    public var workdays: [String]

    public struct WorkingHours: Sendable, Hashable, Codable {
        public var start: String
        public var end: String
        public init(start: String, end: String) {
            self.start = start
            self.end = end
        }
    }

    public init(timeZone: String = "Asia/Shanghai", hours: [String: [WorkingHours]], holidays: [String] = [], workdays: [String] = []) {
        self.timeZone = timeZone
        self.hours = hours
        self.holidays = holidays
        self.workdays = workdays
    }

    enum CodingKeys: String, CodingKey { case timeZone, hours, holidays, workdays }

    /// Only `hours` is required in a hand-written file.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(timeZone: try container.decodeIfPresent(String.self, forKey: .timeZone) ?? "Asia/Shanghai",
                  hours: try container.decode([String: [WorkingHours]].self, forKey: .hours),
                  holidays: try container.decodeIfPresent([String].self, forKey: .holidays) ?? [],
                  workdays: try container.decodeIfPresent([String].self, forKey: .workdays) ?? [])
    }

    /// Monday to Friday 09:00–18:00, Beijing time: the default until a department sets its own.
    public static let standard = BusinessCalendar(hours: Dictionary(uniqueKeysWithValues: (1...5).map {
        (String($0), [WorkingHours(start: "09:00", end: "18:00")])
    }))

    /// Every minute counts (`--all-hours`).
    public static let allHours = BusinessCalendar(timeZone: "UTC", hours: Dictionary(uniqueKeysWithValues: (1...7).map {
        (String($0), [WorkingHours(start: "00:00", end: "24:00")])
    }))

    /// Checks the zone, the times and the dates; says which is wrong.
    public func validate() throws(CalendarError) {
        guard TimeZone(identifier: timeZone) != nil else { throw CalendarError("unknown time zone \(timeZone); use an IANA name such as Asia/Shanghai") }
        for (day, intervals) in hours {
            guard let weekday = Int(day), (1...7).contains(weekday) else { throw CalendarError("weekday \(day) must be 1 (Monday) … 7 (Sunday)") }
            for interval in intervals {
                guard let start = Self.minutes(interval.start), let end = Self.minutes(interval.end), start < end else {
                    throw CalendarError("working hours \(interval.start)–\(interval.end) on weekday \(day) must be HH:mm with start before end")
                }
            }
        }
        for date in holidays + workdays where Self.days(date) == nil { throw CalendarError("\(date) is not a yyyy-MM-dd date") }
    }

    /// The moment `minutes` of working time after `start` (milliseconds since 1970).
    public func deadline(from start: Int64, addingMinutes minutes: Int) -> Int64 {
        var remaining = Int64(minutes) * 60_000
        var day = localDay(of: start)
        // A calendar with no working time at all would never reach a deadline: count wall-clock time instead.
        for _ in 0..<800 {
            for interval in workingIntervals(onDay: day) where interval.upperBound > start {
                let from = max(interval.lowerBound, start)
                let available = interval.upperBound - from
                if available >= remaining { return from + remaining }
                remaining -= available
            }
            day += 1
        }
        return start + Int64(minutes) * 60_000
    }

    /// Working milliseconds between two moments.
    public func workingMilliseconds(from start: Int64, to end: Int64) -> Int64 {
        guard end > start else { return 0 }
        var total: Int64 = 0
        var day = localDay(of: start)
        let lastDay = localDay(of: end)
        while day <= lastDay {
            for interval in workingIntervals(onDay: day) {
                let from = max(interval.lowerBound, start), to = min(interval.upperBound, end)
                if to > from { total += to - from }
            }
            day += 1
        }
        return total
    }

    /// Whether `moment` falls in working time.
    public func isWorking(at moment: Int64) -> Bool {
        workingIntervals(onDay: localDay(of: moment)).contains { $0.contains(moment) }
    }

    /// The absolute working intervals of a local day (days since 1970-01-01 in the calendar's zone).
    func workingIntervals(onDay day: Int64) -> [Range<Int64>] {
        let date = Self.dateText(day)
        if holidays.contains(date) { return [] }
        let weekday = Int((day + 3) % 7 + 7) % 7 + 1
        let intervals = workdays.contains(date) ? (hours["1"] ?? []) : (hours[String(weekday)] ?? [])
        let midnight = localMidnight(day)
        return intervals.compactMap { interval in
            guard let start = Self.minutes(interval.start), let end = Self.minutes(interval.end), start < end else { return nil }
            return (midnight + Int64(start) * 60_000)..<(midnight + Int64(end) * 60_000)
        }
    }

    private var zone: TimeZone { TimeZone(identifier: timeZone) ?? TimeZone(secondsFromGMT: 8 * 3600)! }

    func offsetMilliseconds(at moment: Int64) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(moment) / 1000))) * 1000
    }

    /// The local day number (days since 1970-01-01 in the calendar's zone) of a moment.
    public func localDay(of moment: Int64) -> Int64 {
        let local = moment + offsetMilliseconds(at: moment)
        return local >= 0 ? local / 86_400_000 : (local - 86_399_999) / 86_400_000
    }

    func localMidnight(_ day: Int64) -> Int64 {
        let guess = day * 86_400_000
        return guess - offsetMilliseconds(at: guess - offsetMilliseconds(at: guess))
    }

    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0...24).contains(hour), (0..<60).contains(minute),
              hour * 60 + minute <= 1440 else { return nil }
        return hour * 60 + minute
    }

    /// Days since 1970-01-01 of a `yyyy-MM-dd` date (proleptic Gregorian).
    public static func days(_ text: String) -> Int64? {
        let parts = text.split(separator: "-").compactMap { Int64($0) }
        guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        let (year, month, day) = (parts[1] <= 2 ? parts[0] - 1 : parts[0], parts[1], parts[2])
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func dateText(_ days: Int64) -> String {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return String(format: "%04lld-%02lld-%02lld", year, month, day)
    }
}

public struct CalendarError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
