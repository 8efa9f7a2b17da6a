import ArchiveModel
import Foundation
import Hummingbird

/// Typed reads of query parameters that answer 400 with the parameter's name and the accepted range when one
/// is malformed: the one place untrusted numbers and times enter the console, so none reaches arithmetic
/// unchecked.
public struct QueryParameters {
    let parameters: Parameters

    init(_ request: Request) { parameters = request.uri.queryParameters }

    /// Every query parameter a console route reads. Reading another fails an assertion in debug builds, so the
    /// extreme-value test, which sends each of these to every route, cannot miss one.
    public static let names: Set<String> = [
        "action", "actor", "all_hours", "before", "category", "conversation", "customer", "department", "done", "employee", "ext",
        "has_media", "inline", "limit", "msg", "msgid", "next", "offset", "order", "page", "party", "period", "q", "recalled",
        "reviewed", "room", "since", "status", "to", "type", "until",
    ]

    /// The longest value a parameter may have: nothing a person types is longer, and search terms are bounded here.
    public static let maximumLength = 1024

    func string(_ name: String) -> String? {
        assert(Self.names.contains(name), "declare the query parameter \(name) in QueryParameters.names")
        return parameters[name[...]].map { String($0) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A text parameter no longer than ``maximumLength``.
    func text(_ name: String) throws -> String? {
        guard let value = string(name) else { return nil }
        guard value.utf8.count <= Self.maximumLength else {
            throw HTTPError(.badRequest, message: "\(name) must be at most \(Self.maximumLength) bytes long")
        }
        return value
    }

    func strings(_ name: String) -> [String] {
        assert(Self.names.contains(name), "declare the query parameter \(name) in QueryParameters.names")
        return parameters.getAll(name).flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
    }

    func int(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = string(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw HTTPError(.badRequest, message: "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(TimeInput.quoted(text))")
        }
        return number
    }

    func int64(_ name: String) throws -> Int64? {
        guard let text = string(name) else { return nil }
        guard let number = Int64(text) else {
            throw HTTPError(.badRequest, message: "\(name) must be a whole number from \(Int64.min) to \(Int64.max), not \(TimeInput.quoted(text))")
        }
        return number
    }

    func bool(_ name: String) throws -> Bool? {
        guard let text = string(name) else { return nil }
        switch text.lowercased() {
        case "1", "true", "yes": return true
        case "0", "false", "no": return false
        default: throw HTTPError(.badRequest, message: "\(name) must be true or false, not \(TimeInput.quoted(text))")
        }
    }

    /// A time as milliseconds since 1970, within ``TimeInput``'s range: `2026-11-27` (Beijing midnight),
    /// `2026-11-27T10:00:00+08:00`, or milliseconds.
    func time(_ name: String) throws -> Int64? {
        guard let text = string(name) else { return nil }
        do {
            return try TimeInput.milliseconds(text)
        } catch {
            throw HTTPError(.badRequest, message: "\(name) must be \(TimeInput.accepted), not \(TimeInput.quoted(text))")
        }
    }

    /// ``time(_:)`` as a date.
    func date(_ name: String) throws -> Date? {
        try time(name).map { Date(timeIntervalSince1970: Double($0) / 1000) }
    }
}

extension ConsoleContext {
    /// A path parameter, percent-decoded (conversation ids hold `:` and `|`, which links encode).
    func pathParameter(_ name: String) throws -> String {
        let raw = try parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }
}
