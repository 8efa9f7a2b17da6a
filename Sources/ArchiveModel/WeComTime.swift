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
        self.milliseconds = abs(value) < 100_000_000_000 ? value * 1000 : value
    }

    public init(date: Date) { self.milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded()) }

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
