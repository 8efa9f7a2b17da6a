import ArchiveStore

/// Who is asking: a signed-in user, by session cookie or API token.
public struct Principal: Sendable, Hashable {
    public enum Credential: Sendable, Hashable {
        /// A browser session; unsafe requests must carry its CSRF token.
        case session(csrf: String, tokenHash: String)
        case apiToken
    }

    public var username: String
    public var displayName: String
    public var roles: Set<Role>
    /// Departments in scope (each with its sub-departments).
    public var departments: Set<Int64>
    public var mayUnmask: Bool
    public var credential: Credential

    public init(user: ConsoleUser, credential: Credential) {
        username = user.username
        displayName = user.displayName
        roles = Set(user.roles.compactMap(Role.init(rawValue:)))
        departments = Set(user.departments)
        mayUnmask = user.mayUnmask
        self.credential = credential
    }

    public var permissions: Set<Permission> { roles.reduce(into: []) { $0.formUnion($1.permissions) } }

    public func may(_ permission: Permission) -> Bool { permissions.contains(permission) }

    public var csrfToken: String? {
        if case .session(let csrf, _) = credential { csrf } else { nil }
    }
}
