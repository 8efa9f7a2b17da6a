import ArchiveStore

/// Which part of an administrator's change widens someone's access to chat content, and so waits for a second
/// administrator (four-eyes), and which part narrows it or is neutral, and so applies at once.
///
/// Pure: it compares the user (or protected employee) as they stand with what was asked for, and does no I/O, so it is
/// tested as a table.
///
/// What widens:
/// - a *guarded* role newly granted: one with ``Permission/readContent``, ``Permission/workAlerts``,
///   ``Permission/exportEvidence`` or ``Permission/reviewQuality`` — and ``Permission/administer`` too, since an
///   administrator approves the others' changes (an administrator who could make a second administrator at once could
///   approve its own requests through it);
/// - ``ConsoleUser/mayUnmask`` turned on;
/// - departments widened — a department not already covered by the current scope (itself or an ancestor in it; `1` is the
///   whole corp) — for a user who holds a content role after the change;
/// - a guarded role queued carries the user's scope and unmask right as they stand (a scope widened earlier, while the
///   user had no content role, is shown to the approver and applied as shown, never widened unseen);
/// - re-enabling a disabled user who holds a guarded role or may unmask after the change;
/// - another user's password (the requester could then sign in as them); one's own password is not;
/// - protected staff: lifting a protection, or naming a viewer who could not read the employee before (every new viewer
///   of an existing protection; for a new protection, a viewer who is not an existing content reader whose scope
///   already covers the employee).
///
/// Everything else — removing roles, narrowing scope, disabling, turning unmasking off, adding a protection named for
/// readers who already see the employee, removing a viewer — applies at once. A change that does both is split: the
/// narrowing part now, the widening part (with the values asked for) queued.
///
/// ## Topics
/// - ``UserSplit``
/// - ``ProtectionSplit``
/// - ``split(current:requested:requester:parents:)``
/// - ``split(currentViewers:requested:alreadyReading:)``
package enum AccessChangeRule {
    /// Permissions whose grant waits for approval.
    static let guardedPermissions: Set<Permission> = [.readContent, .workAlerts, .exportEvidence, .reviewQuality, .administer]
    /// Permissions a department scope limits.
    static let scopedPermissions: Set<Permission> = [.readContent, .workAlerts, .exportEvidence, .reviewQuality]

    /// A user change, split.
    package struct UserSplit: Sendable, Hashable {
        /// What applies now; nil when nothing does.
        package var immediate: ConsoleUserChange?
        /// What waits for a second administrator; nil when nothing does.
        package var pending: AccessChangePayload?

        package init(immediate: ConsoleUserChange?, pending: AccessChangePayload?) {
            self.immediate = immediate
            self.pending = pending
        }
    }

    /// A protected-staff change, split: each side is the viewer list to set (empty lifts the protection), or nil.
    package struct ProtectionSplit: Sendable, Hashable {
        package var immediate: [String]?
        package var pending: [String]?

        package init(immediate: [String]?, pending: [String]?) {
            self.immediate = immediate
            self.pending = pending
        }
    }

    static func isGuarded(_ role: String) -> Bool {
        guard let role = Role(rawValue: role) else { return false }
        return !role.permissions.isDisjoint(with: guardedPermissions)
    }

    static func isScoped(_ role: String) -> Bool {
        guard let role = Role(rawValue: role) else { return false }
        return !role.permissions.isDisjoint(with: scopedPermissions)
    }

    /// Whether `department` is inside `scope`: in it, under a department in it (following `parents`), or the scope holds
    /// the root (the whole corp).
    package static func covers(_ scope: Set<Int64>, _ department: Int64, parents: [Int64: Int64]) -> Bool {
        if scope.contains(AccessPolicy.rootDepartment) { return true }
        var current: Int64? = department
        var seen: Set<Int64> = []
        while let id = current, seen.insert(id).inserted {
            if scope.contains(id) { return true }
            current = parents[id]
        }
        return false
    }

    /// Splits a change of `current` into what applies now and what waits.
    /// - Parameters:
    ///   - requester: who asks (changing one's own password is not widening).
    ///   - parents: department → its parent, from the directory.
    package static func split(current: ConsoleUser, requested: ConsoleUserChange, requester: String, parents: [Int64: Int64]) -> UserSplit {
        var now = ConsoleUserChange(displayName: requested.displayName, totpSecret: requested.totpSecret)
        var later = AccessChangePayload()
        let currentRoles = Set(current.roles)
        let roles = requested.roles.map { Set($0) } ?? currentRoles
        let mayUnmask = requested.mayUnmask ?? current.mayUnmask

        if let asked = requested.roles {
            let granted = Set(asked).subtracting(currentRoles).filter(isGuarded)
            if granted.isEmpty {
                now.roles = asked
            } else {
                later.roles = asked
                let meanwhile = asked.filter { !granted.contains($0) }
                if Set(meanwhile) != currentRoles { now.roles = meanwhile }
            }
        }
        if let asked = requested.departments {
            let scope = Set(current.departments)
            let inside = asked.filter { covers(scope, $0, parents: parents) }
            if inside.count == asked.count || !roles.contains(where: isScoped) {
                now.departments = asked
            } else {
                later.departments = asked
                // Meanwhile, what both scopes cover: the departments asked for inside the current scope, and the current
                // ones inside the scope asked for (a manager widened from one department to the whole corp keeps it).
                let kept = current.departments.filter { !inside.contains($0) && covers(Set(asked), $0, parents: parents) }
                let meanwhile = inside + kept
                if Set(meanwhile) != scope { now.departments = meanwhile }
            }
        }
        if let asked = requested.mayUnmask {
            if asked && !current.mayUnmask { later.mayUnmask = true } else { now.mayUnmask = asked }
        }
        if let asked = requested.disabled {
            if !asked && current.disabled && (roles.contains(where: isGuarded) || mayUnmask) {
                later.disabled = false
            } else {
                now.disabled = asked
            }
        }
        if let hash = requested.passwordHash {
            if current.username == requester { now.passwordHash = hash } else { later.passwordHash = hash }
        }
        if later.roles != nil {
            // A queued role carries the scope and unmask right it will reach, as they will stand: the approver sees them,
            // and approving applies them as shown.
            later.departments = later.departments ?? now.departments ?? current.departments
            later.mayUnmask = later.mayUnmask ?? now.mayUnmask ?? current.mayUnmask
        }
        return UserSplit(immediate: now == ConsoleUserChange() ? nil : now, pending: later.isEmpty ? nil : later)
    }

    /// Splits a protected-staff change into the viewer list to set now and the one that waits.
    /// - Parameters:
    ///   - currentViewers: the employee's viewers now; nil when they are not protected.
    ///   - requested: the viewers asked for; empty lifts the protection.
    ///   - alreadyReading: for a new protection, the requested viewers who can read the employee's conversations without
    ///     being named (existing users with a content role whose scope covers the employee); naming them widens nothing.
    package static func split(currentViewers: [String]?, requested: [String], alreadyReading: Set<String>) -> ProtectionSplit {
        guard let currentViewers else {
            // Not protected: protecting narrows for everyone else; naming a viewer widens only for one who could not read before.
            if requested.isEmpty { return ProtectionSplit(immediate: requested, pending: nil) }
            let reading = requested.filter { alreadyReading.contains($0) }
            if reading.count == requested.count { return ProtectionSplit(immediate: requested, pending: nil) }
            return ProtectionSplit(immediate: reading.isEmpty ? nil : reading, pending: requested)
        }
        // Lifting a protection opens the employee to everyone in scope.
        if requested.isEmpty { return ProtectionSplit(immediate: nil, pending: []) }
        let named = Set(currentViewers)
        guard requested.contains(where: { !named.contains($0) }) else { return ProtectionSplit(immediate: requested, pending: nil) }
        let kept = requested.filter { named.contains($0) }
        return ProtectionSplit(immediate: kept.isEmpty || Set(kept) == named ? nil : kept, pending: requested)
    }
}
