/// Reply-timeout rules: how long a customer may wait, who is reminded, who is told next, and when the
/// clock runs. One default, overridable per department (a department's setting covers its sub-departments).
public struct SLASettings: Sendable, Hashable, Codable {
    public struct Rule: Sendable, Hashable, Codable {
        /// Working minutes a customer may wait before the responsible employee is reminded.
        public var reminderMinutes: Int
        /// Working minutes after the reminder before it escalates.
        public var escalationMinutes: Int
        /// Escalate to the department's leaders (from the directory) …
        public var escalateToLeaders: Bool
        /// … and/or to these userids.
        public var escalateTo: [String]
        /// Whether customer groups are watched at all.
        public var watchGroups: Bool
        /// In a group, whether any staff member's reply counts (otherwise only the group owner's).
        public var anyStaffAnswersInGroups: Bool
        public var calendar: BusinessCalendar

        public init(reminderMinutes: Int = 30, escalationMinutes: Int = 30, escalateToLeaders: Bool = true, escalateTo: [String] = [],
                    watchGroups: Bool = true, anyStaffAnswersInGroups: Bool = true, calendar: BusinessCalendar = .standard) {
            self.reminderMinutes = reminderMinutes
            self.escalationMinutes = escalationMinutes
            self.escalateToLeaders = escalateToLeaders
            self.escalateTo = escalateTo
            self.watchGroups = watchGroups
            self.anyStaffAnswersInGroups = anyStaffAnswersInGroups
            self.calendar = calendar
        }

        enum CodingKeys: String, CodingKey {
            case reminderMinutes, escalationMinutes, escalateToLeaders, escalateTo, watchGroups, anyStaffAnswersInGroups, calendar
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Rule()
            self.init(reminderMinutes: try container.decodeIfPresent(Int.self, forKey: .reminderMinutes) ?? defaults.reminderMinutes,
                      escalationMinutes: try container.decodeIfPresent(Int.self, forKey: .escalationMinutes) ?? defaults.escalationMinutes,
                      escalateToLeaders: try container.decodeIfPresent(Bool.self, forKey: .escalateToLeaders) ?? defaults.escalateToLeaders,
                      escalateTo: try container.decodeIfPresent([String].self, forKey: .escalateTo) ?? defaults.escalateTo,
                      watchGroups: try container.decodeIfPresent(Bool.self, forKey: .watchGroups) ?? defaults.watchGroups,
                      anyStaffAnswersInGroups: try container.decodeIfPresent(Bool.self, forKey: .anyStaffAnswersInGroups)
                          ?? defaults.anyStaffAnswersInGroups,
                      calendar: try container.decodeIfPresent(BusinessCalendar.self, forKey: .calendar) ?? defaults.calendar)
        }
    }

    public var defaultRule: Rule
    /// Department id (as text, JSON keys are strings) → its rule.
    public var departments: [String: Rule]
    /// Groups that are internal (no customer is ever waiting there).
    public var excludedRooms: [String]
    /// Test accounts: their conversations are not watched.
    public var excludedEmployees: [String]
    /// Customers tagged to ignore.
    public var excludedCustomers: [String]
    /// Quality review sampling and rubric.
    public var review: ReviewSettings

    public init(defaultRule: Rule = Rule(), departments: [String: Rule] = [:], excludedRooms: [String] = [], excludedEmployees: [String] = [],
                excludedCustomers: [String] = [], review: ReviewSettings = ReviewSettings()) {
        self.defaultRule = defaultRule
        self.departments = departments
        self.excludedRooms = excludedRooms
        self.excludedEmployees = excludedEmployees
        self.excludedCustomers = excludedCustomers
        self.review = review
    }

    enum CodingKeys: String, CodingKey { case defaultRule, departments, excludedRooms, excludedEmployees, excludedCustomers, review }

    /// Every key is optional in a hand-written file; what is missing takes the default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(defaultRule: try container.decodeIfPresent(Rule.self, forKey: .defaultRule) ?? Rule(),
                  departments: try container.decodeIfPresent([String: Rule].self, forKey: .departments) ?? [:],
                  excludedRooms: try container.decodeIfPresent([String].self, forKey: .excludedRooms) ?? [],
                  excludedEmployees: try container.decodeIfPresent([String].self, forKey: .excludedEmployees) ?? [],
                  excludedCustomers: try container.decodeIfPresent([String].self, forKey: .excludedCustomers) ?? [],
                  review: try container.decodeIfPresent(ReviewSettings.self, forKey: .review) ?? ReviewSettings())
    }

    /// The rule of the nearest department (the employee's own, then its ancestors, nearest first) that has one.
    public func rule(forDepartments chain: [Int64]) -> Rule {
        for department in chain { if let rule = departments[String(department)] { return rule } }
        return defaultRule
    }

    public func validate() throws(CalendarError) {
        for (key, rule) in [("default", defaultRule)] + departments.map({ ($0.key, $0.value) }) {
            guard rule.reminderMinutes >= 1, rule.escalationMinutes >= 1 else {
                throw CalendarError("\(key): reminderMinutes and escalationMinutes must be at least 1")
            }
            if key != "default", Int64(key) == nil { throw CalendarError("department \(key) must be a department id") }
            try rule.calendar.validate()
        }
        guard (0...1).contains(review.sampleRate) else { throw CalendarError("review.sampleRate must be between 0 and 1") }
    }
}
