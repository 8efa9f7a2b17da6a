/// Policy files written by hand may leave out what has a sensible default: direction (staff to customer),
/// negation awareness (off), whole Latin words (on), scope (everyone).
extension LexiconRule {
    enum CodingKeys: String, CodingKey { case id, category, severity, terms, direction, negationAware, wholeLatinWords, scope }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(String.self, forKey: .id), category: try c.decode(RiskCategory.self, forKey: .category),
                  severity: try c.decode(Severity.self, forKey: .severity), terms: try c.decode([String].self, forKey: .terms),
                  direction: try c.decodeIfPresent(Direction.self, forKey: .direction) ?? .staffToCustomer,
                  negationAware: try c.decodeIfPresent(Bool.self, forKey: .negationAware) ?? false,
                  wholeLatinWords: try c.decodeIfPresent(Bool.self, forKey: .wholeLatinWords) ?? true,
                  scope: try c.decodeIfPresent(RuleScope.self, forKey: .scope))
    }
}

extension ProximityRule {
    enum CodingKeys: String, CodingKey { case id, category, severity, first, second, within, direction, scope }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(String.self, forKey: .id), category: try c.decode(RiskCategory.self, forKey: .category),
                  severity: try c.decode(Severity.self, forKey: .severity), first: try c.decode([String].self, forKey: .first),
                  second: try c.decode([String].self, forKey: .second), within: try c.decode(Int.self, forKey: .within),
                  direction: try c.decodeIfPresent(Direction.self, forKey: .direction) ?? .staffToCustomer)
        scope = try c.decodeIfPresent(RuleScope.self, forKey: .scope)
    }
}

extension PatternRule {
    enum CodingKeys: String, CodingKey { case id, kind, category, severity, direction, scope }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(String.self, forKey: .id), kind: try c.decode(Kind.self, forKey: .kind),
                  category: try c.decode(RiskCategory.self, forKey: .category), severity: try c.decode(Severity.self, forKey: .severity),
                  direction: try c.decodeIfPresent(Direction.self, forKey: .direction) ?? .staffToCustomer)
        scope = try c.decodeIfPresent(RuleScope.self, forKey: .scope)
    }
}

extension Policy {
    enum CodingKeys: String, CodingKey { case name, version, lexicons, proximity, patterns, allowedLinkDomains, exceptions }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try c.decode(String.self, forKey: .name), version: try c.decodeIfPresent(Int.self, forKey: .version) ?? 1,
                  lexicons: try c.decodeIfPresent([LexiconRule].self, forKey: .lexicons) ?? [],
                  proximity: try c.decodeIfPresent([ProximityRule].self, forKey: .proximity) ?? [],
                  patterns: try c.decodeIfPresent([PatternRule].self, forKey: .patterns) ?? [],
                  allowedLinkDomains: try c.decodeIfPresent([String].self, forKey: .allowedLinkDomains) ?? [],
                  exceptions: try c.decodeIfPresent([String].self, forKey: .exceptions) ?? [])
    }
}
