import ArchiveStore
import Console
import Foundation
import Logging
import Metrics
import Prometheus

/// Builds the console's services for `serve` and `demo`: metrics, accounts, and the first administrator.
enum ConsoleBootstrap {
    /// One registry per process: swift-metrics can be bootstrapped only once.
    static let metrics: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    static func services(store: any ConsoleArchive, blobs: (any BlobStore)?, config: ConsoleConfig, logger: Logger,
                         serviceStatus: @escaping @Sendable () async -> [String: String] = { [:] }) -> ConsoleServices {
        ConsoleServices(store: store, blobs: blobs, accounts: AccountService(store: store, config: config), config: config,
                        metrics: metrics, logger: logger, serviceStatus: serviceStatus)
    }

    /// Makes sure the user `admin` exists: with `password` when given (also resetting an existing one),
    /// otherwise with a random password that is printed once.
    /// - Parameter roles: `serve` gives only `admin` (separation of duties); the demo adds `auditor` so one
    ///   login shows the whole console.
    static func ensureAdmin(_ accounts: AccountService, password: String?, roles: [String]) async throws {
        if let existing = try await accounts.store.user(named: "admin") {
            if let password {
                try await accounts.store.updateUser(named: existing.username, ConsoleUserChange(passwordHash: accounts.hashPassword(password)))
            }
            return
        }
        let chosen = password ?? String(SecretToken.generate().prefix(16))
        do {
            try await accounts.store.addUser(ConsoleUser(username: "admin", displayName: "管理员", passwordHash: accounts.hashPassword(chosen),
                                                         roles: roles, departments: [1], mayUnmask: false))
        } catch {
            // Another serve process on the same PostgreSQL archive created it a moment ago.
            if try await accounts.store.user(named: "admin") != nil { return }
            throw error
        }
        try await accounts.store.appendAudit(AuditEvent(actor: "cli", action: "user.add", target: "admin",
                                                        detail: ["roles": roles.joined(separator: ","), "departments": "1"]))
        if password == nil { print("Console user: admin  password: \(chosen)  (set your own with --admin-password)") }
    }
}
