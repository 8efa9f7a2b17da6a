import Foundation

/// A point in time as WeCom counts it: milliseconds since the Unix epoch, UTC.
public struct WeComTime: Sendable, Hashable, Comparable, Codable {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// Interprets a timestamp that WeCom sends sometimes in seconds and sometimes in milliseconds.
    ///
    /// Values below 10¹¹ cannot be milliseconds of any date after March 1973, so they are seconds.
    public init(secondsOrMilliseconds value: Int64) {
        // `magnitude`, not `abs`: abs(Int64.min) traps, and WeCom's values are untrusted input.
        self.milliseconds = value.magnitude < 100_000_000_000 ? value * 1000 : value
    }

    /// A date as milliseconds, saturating at Int64's range (and 0 for NaN) rather than trapping: callers
    /// that take times from people validate them first with ``TimeInput``.
    public init(date: Date) {
        let value = (date.timeIntervalSince1970 * 1000).rounded()
        if value.isNaN {
            milliseconds = 0
        } else if value >= 9.2e18 {
            milliseconds = .max
        } else if value <= -9.2e18 {
            milliseconds = .min
        } else {
            milliseconds = Int64(value)
        }
    }

    public var date: Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    public static func < (lhs: WeComTime, rhs: WeComTime) -> Bool { lhs.milliseconds < rhs.milliseconds }

    public init(from decoder: any Decoder) throws {
        milliseconds = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(milliseconds)
    }

    /// ISO 8601 with milliseconds, UTC (`2026-11-27T06:01:02.345Z`), computed exactly in integers.
    public var iso8601: String {
        let parts = CivilTime(milliseconds: milliseconds, utcOffsetSeconds: 0)
        return parts.dateText + "T" + parts.timeText + "." + String(parts.millisecond + 1000).dropFirst() + "Z"
    }
}
