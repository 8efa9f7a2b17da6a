import Risk

/// A hit's or an alert's severity as the store keeps it: text, normally one of ``Risk/Severity``'s four names.
///
/// Text rather than ``Risk/Severity`` because a stored alert may carry a name this build does not know (a newer
/// policy, a migration, a hand edit). Such a name ranks as `low` and is kept as written, never rewritten; both engines
/// rank it this way, so the ranking lives here once instead of as a string array in each alert writer.
package struct AlertSeverity: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    package var rawValue: String

    package init(rawValue: String) { self.rawValue = rawValue }
    package init(_ severity: Severity) { rawValue = severity.rawValue }
    package init(stringLiteral value: String) { rawValue = value }

    package var description: String { rawValue }

    /// Where the severity ranks: its ``Risk/Severity``, or `low` for a name this build does not know.
    package var rank: Severity { Severity(rawValue: rawValue) ?? .low }

    /// The most severe of `severities`; among equally ranked ones the first (so an unknown name listed before `low`
    /// stands for both). `nil` when there are none.
    package static func highest(of severities: [AlertSeverity]) -> AlertSeverity? {
        // `max(by:)` keeps the first of equal elements: the writers' behaviour, kept on purpose.
        severities.max { $0.rank < $1.rank }
    }

    /// This severity, or `other` when it ranks strictly higher: an equally ranked name never replaces the stored one.
    package func raised(to other: AlertSeverity) -> AlertSeverity {
        other.rank > rank ? other : self
    }
}
