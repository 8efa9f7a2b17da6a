import Foundation
import Hummingbird

/// Typed reads of query parameters that answer 400 with the parameter's name when one is malformed.
struct QueryParameters {
    let parameters: Parameters

    init(_ request: Request) { parameters = request.uri.queryParameters }

    func string(_ name: String) -> String? {
        parameters[name[...]].map { String($0) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    func strings(_ name: String) -> [String] {
        parameters.getAll(name).flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
    }

    func int(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = string(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw HTTPError(.badRequest, message: "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(text)")
        }
        return number
    }

    func int64(_ name: String) throws -> Int64? {
        guard let text = string(name) else { return nil }
        guard let number = Int64(text) else { throw HTTPError(.badRequest, message: "\(name) must be a whole number, not \(text)") }
        return number
    }

    func bool(_ name: String) throws -> Bool? {
        guard let text = string(name) else { return nil }
        switch text.lowercased() {
        case "1", "true", "yes": return true
        case "0", "false", "no": return false
        default: throw HTTPError(.badRequest, message: "\(name) must be true or false, not \(text)")
        }
    }

    /// `2026-11-27`, `2026-11-27T10:00:00Z` / `+08:00`, or milliseconds since 1970.
    func date(_ name: String) throws -> Date? {
        guard let text = string(name) else { return nil }
        if let date = Self.parseDate(text) { return date }
        throw HTTPError(.badRequest, message: "\(name) must be a date (2026-11-27), a time (2026-11-27T10:00:00+08:00) or milliseconds, not \(text)")
    }

    static func parseDate(_ text: String) -> Date? {
        if let milliseconds = Int64(text) { return Date(timeIntervalSince1970: Double(milliseconds) / 1000) }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        let day = DateFormatter()
        day.locale = Locale(identifier: "en_US_POSIX")
        day.timeZone = TimeZone(identifier: "Asia/Shanghai")
        day.dateFormat = "yyyy-MM-dd"
        return day.date(from: text)
    }
}

extension ConsoleContext {
    /// A path parameter, percent-decoded (conversation ids hold `:` and `|`, which links encode).
    func pathParameter(_ name: String) throws -> String {
        let raw = try parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }
}
