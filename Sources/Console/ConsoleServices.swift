import ArchiveStore
import Foundation
import Hummingbird
import Logging
import Prometheus
import Search

/// What the console's routes work with; built once by `chatledger serve` or `chatledger demo`.
public struct ConsoleServices: Sendable {
    public var store: any ConsoleArchive
    public var blobs: (any BlobStore)?
    public var accounts: AccountService
    public var config: ConsoleConfig
    public var metrics: PrometheusCollectorRegistry
    public var logger: Logger
    /// Facts about the running service for the admin status page (pull loop, WeCom connection …).
    public var serviceStatus: @Sendable () async -> [String: String]
    /// Told when a live alert stream has been authorized and starts streaming (tests wait for it before changing the
    /// reader's rights, instead of guessing how long a loaded machine takes to open it).
    package var alertStreamOpened: (@Sendable () async -> Void)?
    /// The ledger key for evidence exports; without it the console lists and holds cases but cannot export them.
    public var evidence: EvidenceSigning?

    public init(store: any ConsoleArchive, blobs: (any BlobStore)?, accounts: AccountService, config: ConsoleConfig,
                metrics: PrometheusCollectorRegistry, logger: Logger,
                serviceStatus: @escaping @Sendable () async -> [String: String] = { [:] }) {
        self.store = store
        self.blobs = blobs
        self.accounts = accounts
        self.config = config
        self.metrics = metrics
        self.logger = logger
        self.serviceStatus = serviceStatus
    }

    public var search: SearchService { SearchService(store: store) }

    /// The reader's access policy, from the current directory and protected-staff list.
    func policy(for principal: Principal) async throws -> AccessPolicy {
        let protected = try await store.protectedStaff()
        return AccessPolicy(principal: principal, employeeDepartments: try await store.employeeDepartments(),
                            protectedStaff: Dictionary(protected.map { ($0.userid, Set($0.viewers)) }, uniquingKeysWith: { $0.union($1) }))
    }

    /// The signed-in user's policy, or 401/403 when they lack `permission`.
    func authorize(_ context: ConsoleContext, _ permission: Permission) async throws -> AccessPolicy {
        let principal = try context.requirePrincipal()
        guard principal.may(permission) else {
            throw HTTPError(.forbidden, message: "your roles (\(principal.roles.map(\.rawValue).sorted().joined(separator: ", "))) do not allow \(permission.rawValue)")
        }
        return try await policy(for: principal)
    }

    /// Records a content access or an admin change in the tamper-evident log.
    func audit(_ principal: Principal, _ action: String, _ target: String, _ detail: [String: String] = [:]) async throws {
        try await store.appendAudit(AuditEvent(actor: principal.username, action: action, target: target, detail: detail))
    }
}
