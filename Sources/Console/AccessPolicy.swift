/// Every decision about who may see what, in one place, for the API and the pages alike.
///
/// Pure: it is built from the reader, the directory (each employee's departments with their ancestors)
/// and the protected-staff list, and answers without I/O, so it can be tested as a matrix.
public struct AccessPolicy: Sendable {
    public let principal: Principal
    /// Employees whose conversations this reader may see; nil: every employee.
    public let visibleStaff: Set<String>?
    /// Protected staff this reader is not named for: their conversations stay hidden whatever the scope.
    public let hiddenStaff: Set<String>
    /// Every employee the directory knows (to tell staff from customers without reading the directory again).
    public let employees: Set<String>

    /// WeCom's root department: a scope holding it covers the whole corp.
    public static let rootDepartment: Int64 = 1

    /// - Parameters:
    ///   - employeeDepartments: each employee's departments with all their ancestors.
    ///   - protectedStaff: employee → the console users named for them.
    public init(principal: Principal, employeeDepartments: [String: Set<Int64>], protectedStaff: [String: Set<String>]) {
        self.principal = principal
        employees = Set(employeeDepartments.keys)
        let named = Set(protectedStaff.filter { $0.value.contains(principal.username) }.keys)
        hiddenStaff = Set(protectedStaff.keys).subtracting(named)
        if principal.departments.contains(Self.rootDepartment) {
            visibleStaff = nil
        } else {
            let inScope = employeeDepartments.filter { !$0.value.isDisjoint(with: principal.departments) }.keys
            // Being named for a protected employee is a grant of its own, whatever the departments.
            visibleStaff = Set(inScope).union(named)
        }
    }

    public func may(_ permission: Permission) -> Bool { principal.may(permission) }

    /// Whether the reader may read a conversation with these participants.
    public func mayRead(participants: Set<String>) -> Bool {
        guard may(.readContent), participants.isDisjoint(with: hiddenStaff) else { return false }
        guard let visibleStaff else { return true }
        return !participants.isDisjoint(with: visibleStaff)
    }

    /// Whether the reader may work an alert raised in a conversation with these participants.
    public func mayWorkAlert(participants: Set<String>) -> Bool {
        may(.workAlerts) && mayReadIgnoringRole(participants)
    }

    private func mayReadIgnoringRole(_ participants: Set<String>) -> Bool {
        guard participants.isDisjoint(with: hiddenStaff) else { return false }
        guard let visibleStaff else { return true }
        return !participants.isDisjoint(with: visibleStaff)
    }

    /// Why a reader opens a conversation; each purpose is its own permission.
    public enum Purpose: Sendable, Hashable {
        /// Reading content (auditors, managers).
        case read
        /// Working an alert raised in it (the alert's hits and their messages).
        case workAlert
        /// Scoring a review sample — that conversation, of an employee in scope (the `qa` role reads nothing else).
        case review(conversation: String, employee: String)
    }

    /// The grant every page and API needs to show a conversation's messages, or nil when this reader may not.
    ///
    /// ``ReadableConversation`` can be made only here, so no route can render content without this one decision
    /// (protected staff among the participants hide the conversation whatever the purpose).
    public func grant(_ conversation: String, participants: Set<String>, for purpose: Purpose) -> ReadableConversation? {
        let allowed = switch purpose {
        case .read: mayRead(participants: participants)
        case .workAlert: mayWorkAlert(participants: participants)
        case .review(let sampled, let employee):
            sampled == conversation && may(.reviewQuality) && covers(employee: employee) && participants.contains(employee)
                && mayReadIgnoringRole(participants)
        }
        return allowed ? ReadableConversation(id: conversation, purpose: purpose) : nil
    }

    /// Whether an employee's figures (reply times, reviews) are in the reader's scope.
    public func covers(employee: String) -> Bool {
        guard !hiddenStaff.contains(employee) else { return false }
        return visibleStaff?.contains(employee) ?? true
    }

    /// Whether phone, ID-card and bank-card numbers are masked for this reader.
    public var masksPII: Bool { !principal.mayUnmask }
}

/// A conversation the reader's ``AccessPolicy`` allowed them to open, and why. Only ``AccessPolicy/grant(_:participants:for:)``
/// makes one; every read of messages for display takes one.
public struct ReadableConversation: Sendable, Hashable {
    public let id: String
    public let purpose: AccessPolicy.Purpose

    fileprivate init(id: String, purpose: AccessPolicy.Purpose) {
        self.id = id
        self.purpose = purpose
    }
}
