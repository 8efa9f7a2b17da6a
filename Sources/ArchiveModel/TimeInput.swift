import Foundation

/// The one parser for times people type — API query parameters and CLI options alike — with the one range
/// the archive accepts, so no untrusted time reaches arithmetic that could overflow.
///
/// Accepts `2026-11-27` (midnight in `dayOffsetSeconds`), ISO 8601 times (`2026-11-27T10:00:00+08:00`,
/// `…Z`, with or without fractional seconds) and whole milliseconds since 1970.
public enum TimeInput {
    /// 1970-01-01T00:00:00Z: WeCom has no earlier message.
    public static let earliest: Int64 = 0
    /// 9999-12-31T23:59:59.999Z: the last instant ISO 8601 writes with four year digits.
    public static let latest: Int64 = 253_402_300_799_999
    /// Beijing time, the day boundary of the console's dates.
    public static let beijing: Int64 = 8 * 3600

    /// What a caller tells a person whose time was refused.
    public static let accepted = "a date (2026-11-27), a time (2026-11-27T10:00:00+08:00) or milliseconds since 1970, from 1970-01-01 to 9999-12-31"

    public struct Invalid: Error, Sendable, CustomStringConvertible, Equatable {
        public var input: String
        public init(input: String) { self.input = input }
        public var description: String { "expected \(TimeInput.accepted), not \(TimeInput.quoted(input))" }
    }

    /// - Returns: milliseconds since 1970, within ``earliest``…``latest``.
    public static func milliseconds(_ text: String, dayOffsetSeconds: Int64 = beijing) throws(Invalid) -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.utf8.count <= 64 else { throw Invalid(input: text) }
        if trimmed.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
            guard let value = Int64(trimmed), (earliest...latest).contains(value) else { throw Invalid(input: text) }
            return value
        }
        if let day = civilDay(trimmed) {
            // Days are bounded to years 1970…9999 by `civilDay`, so this cannot overflow.
            let value = day * 86_400_000 - dayOffsetSeconds * 1000
            guard (earliest...latest).contains(value) else { throw Invalid(input: text) }
            return value
        }
        for strategy in [Date.ISO8601FormatStyle(includingFractionalSeconds: true), Date.ISO8601FormatStyle()] {
            if let date = try? Date(trimmed, strategy: strategy) {
                return try milliseconds(date, input: text)
            }
        }
        throw Invalid(input: text)
    }

    /// A date as milliseconds, refused when it is not finite or outside the accepted range.
    public static func milliseconds(_ date: Date, input: String) throws(Invalid) -> Int64 {
        let value = date.timeIntervalSince1970 * 1000
        guard value.isFinite, value >= Double(earliest), value <= Double(latest) else { throw Invalid(input: input) }
        return Int64(value.rounded())
    }

    /// `yyyy-MM-dd` as days since 1970-01-01, for years 1970…9999 and real calendar days only.
    static func civilDay(_ text: String) -> Int64? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } }),
              let year = Int64(parts[0]), let month = Int64(parts[1]), let day = Int64(parts[2]),
              (1970...9999).contains(year), (1...12).contains(month), day >= 1 else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths: [Int64] = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= lengths[Int(month - 1)] else { return nil }
        // Howard Hinnant's days-from-civil (the inverse of CivilTime's).
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// An input shown back to its sender: at most 40 characters, control characters escaped.
    public static func quoted(_ text: String) -> String {
        let shown = text.unicodeScalars.prefix(40).map { $0.properties.generalCategory == .control ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
        return "\"" + shown + (text.unicodeScalars.count > 40 ? "…" : "") + "\""
    }
}
