/// A versioned set of rules: lexicons, proximity rules, number patterns and message-type rules.
///
/// Policies are JSON documents (`chatledger policy export`), so a compliance team can review and
/// version them; the built-in packs are ``Policy/builtIn``.
public struct Policy: Sendable, Hashable, Codable {
    public var name: String
    public var version: Int
    public var lexicons: [LexiconRule]
    public var proximity: [ProximityRule]
    public var patterns: [PatternRule]
    /// Link domains staff may send (others fire ``RiskCategory/privateDiversion``).
    public var allowedLinkDomains: [String]
    /// Phrases that never fire anything (an approved script, a product name that contains a term).
    public var exceptions: [String]

    public init(name: String, version: Int, lexicons: [LexiconRule], proximity: [ProximityRule] = [], patterns: [PatternRule] = [],
                allowedLinkDomains: [String] = [], exceptions: [String] = []) {
        self.name = name
        self.version = version
        self.lexicons = lexicons
        self.proximity = proximity
        self.patterns = patterns
        self.allowedLinkDomains = allowedLinkDomains
        self.exceptions = exceptions
    }
}

/// Terms of one category; a hit is any term found in the evasion-normalized text.
public struct LexiconRule: Sendable, Hashable, Codable {
    public var id: String
    public var category: RiskCategory
    public var severity: Severity
    public var terms: [String]
    public var direction: Direction
    /// A preceding negation (不, 非, 无法…) or a disclosure in the same clause (…是违规的, 有亏损风险) cancels the hit.
    public var negationAware: Bool
    /// Latin-letter terms match whole words only (so `sb` does not fire inside `usb`).
    public var wholeLatinWords: Bool
    /// Only these senders (`nil`: everyone).
    public var scope: RuleScope?

    public init(id: String, category: RiskCategory, severity: Severity, terms: [String], direction: Direction = .staffToCustomer,
                negationAware: Bool = false, wholeLatinWords: Bool = true, scope: RuleScope? = nil) {
        self.scope = scope
        self.id = id
        self.category = category
        self.severity = severity
        self.terms = terms
        self.direction = direction
        self.negationAware = negationAware
        self.wholeLatinWords = wholeLatinWords
    }
}

/// A term of `first` with a term of `second` within `within` characters (either order).
public struct ProximityRule: Sendable, Hashable, Codable {
    public var id: String
    public var category: RiskCategory
    public var severity: Severity
    public var first: [String]
    public var second: [String]
    public var within: Int
    public var direction: Direction
    public var scope: RuleScope?

    public init(id: String, category: RiskCategory, severity: Severity, first: [String], second: [String], within: Int,
                direction: Direction = .staffToCustomer) {
        self.id = id
        self.category = category
        self.severity = severity
        self.first = first
        self.second = second
        self.within = within
        self.direction = direction
    }
}

/// A number or id pattern that a lexicon cannot express.
public struct PatternRule: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A mainland mobile number (1[3-9] + 9 digits), not a 400/800 hotline or a landline.
        case mobileNumber = "mobile-number"
        /// Two or more different mobile numbers in one message (a contact list).
        case mobileNumberList = "mobile-number-list"
        /// A WeChat id after a cue (微信, vx, wx, 加我 …).
        case wechatID = "wechat-id"
        /// A QQ number after a cue (qq, 扣扣, 企鹅).
        case qqNumber = "qq-number"
        /// An 18-digit resident ID number with a valid check digit.
        case idCard = "id-card"
        /// A 16–19 digit bank card number passing the Luhn check.
        case bankCard = "bank-card"
    }

    public var id: String
    public var kind: Kind
    public var category: RiskCategory
    public var severity: Severity
    public var direction: Direction
    public var scope: RuleScope?

    public init(id: String, kind: Kind, category: RiskCategory, severity: Severity, direction: Direction = .staffToCustomer) {
        self.id = id
        self.kind = kind
        self.category = category
        self.severity = severity
        self.direction = direction
    }
}

/// Which senders a rule watches: named employees and departments (with their sub-departments).
public struct RuleScope: Sendable, Hashable, Codable {
    public var employees: [String]?
    public var departments: [Int64]?

    public init(employees: [String]? = nil, departments: [Int64]? = nil) {
        self.employees = employees
        self.departments = departments
    }

    /// Whether `sender` is in scope; an unknown sender is in scope only of rules without one.
    public func contains(_ sender: SenderContext?) -> Bool {
        guard let sender else { return false }
        if let employees, employees.contains(sender.userID) { return true }
        if let departments, !Set(departments).isDisjoint(with: sender.departmentIDs) { return true }
        return false
    }
}

/// Who sent a message, as scoped rules need it: the userid and every department above them.
public struct SenderContext: Sendable, Hashable {
    public var userID: String
    /// The sender's departments and all their ancestors.
    public var departmentIDs: Set<Int64>

    public init(userID: String, departmentIDs: Set<Int64>) {
        self.userID = userID
        self.departmentIDs = departmentIDs
    }
}
