/// What kind of violation a hit is. The five names are fixed; policies may add more.
public struct RiskCategory: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// Pulling a customer onto private WeChat, QQ or a personal phone.
    public static let privateDiversion = RiskCategory(rawValue: "private-diversion")
    /// Deals outside the company: personal transfers, kickbacks, 飞单/私单.
    public static let sideDeal = RiskCategory(rawValue: "side-deal")
    /// Guaranteed returns, passes or admissions.
    public static let falsePromise = RiskCategory(rawValue: "false-promise")
    /// Insults and threats.
    public static let abuse = RiskCategory(rawValue: "abuse")
    /// Customer data sent out: ID cards, bank cards, lists of phone numbers.
    public static let dataLeak = RiskCategory(rawValue: "data-leak")

    public static let builtIn: [RiskCategory] = [.privateDiversion, .sideDeal, .falsePromise, .abuse, .dataLeak]
}

public enum Severity: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
    case low, medium, high, critical

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Who a rule watches.
public enum Direction: String, Sendable, Hashable, Codable {
    /// Only what staff send to customers (or into customer groups).
    case staffToCustomer = "staff-to-customer"
    /// Anything anyone sends.
    case any
}

/// One match of a rule, with its span in the original text (character offsets, end exclusive).
public struct RiskHit: Sendable, Hashable, Codable {
    public var category: RiskCategory
    public var rule: String
    public var severity: Severity
    public var match: String
    public var start: Int
    public var end: Int

    public init(category: RiskCategory, rule: String, severity: Severity, match: String, start: Int, end: Int) {
        self.category = category
        self.rule = rule
        self.severity = severity
        self.match = match
        self.start = start
        self.end = end
    }
}
