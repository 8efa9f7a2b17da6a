import ArchiveStore
import ArgumentParser
import Console
import Foundation

/// `chatledger user add|list|disable|enable|passwd|grant|token|totp`: console accounts from the command line.
/// Every change is an audit event, with the operating-system user as the actor.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Console accounts: add, list, disable, passwd, grant, token, totp.",
        subcommands: [Add.self, List.self, Disable.self, Enable.self, Passwd.self, Grant.self, Token.self, TOTPCommand.self])

    static var actor: String { "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? "unknown") }

    static func setDisabled(_ disabled: Bool, _ username: String, _ archive: ArchiveOptions) async throws {
        let store = try await archive.openAnyArchive()
        try await store.updateUser(named: username, ConsoleUserChange(disabled: disabled))
        try await store.appendAudit(AuditEvent(actor: actor, action: "user.update", target: username, detail: ["disabled": "\(disabled)"]))
        print("\(disabled ? "disabled" : "enabled") \(username)")
    }

    struct Scope: ParsableArguments {
        @Option(name: .customLong("role"), help: "admin, auditor, manager, qa or viewer (repeat for several).") var roles: [String] = []
        @Option(name: .customLong("department"), help: "A department in scope, with its sub-departments; 1 is the whole corp (repeat).")
        var departments: [Int64] = []

        func validate() throws {
            let unknown = roles.filter { Role(rawValue: $0) == nil }
            if !unknown.isEmpty {
                throw ValidationError("unknown role \(unknown.joined(separator: ", ")); roles are \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
    }

    struct PasswordSource: ParsableArguments {
        @Option(help: "The password (visible in the process list; prefer --password-stdin).") var password: String?
        @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false

        /// The chosen password, or a random one that is printed once.
        func resolve() throws -> String {
            if passwordStdin {
                guard let line = readLine(strippingNewline: true), !line.isEmpty else { throw ValidationError("no password on standard input") }
                return try checked(line)
            }
            if let password { return try checked(password) }
            let generated = String(SecretToken.generate().prefix(16))
            print("password: \(generated)")
            return generated
        }

        func checked(_ password: String) throws -> String {
            guard password.count >= 10 else { throw ValidationError("the password needs at least 10 characters") }
            return password
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a console user.")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The login name.") var username: String
        @Option(help: "The name shown in the console.") var name: String?
        @OptionGroup var scope: Scope
        @OptionGroup var passwordSource: PasswordSource
        @Flag(help: "Show phone, ID-card and bank-card numbers unmasked.") var mayUnmask = false

        func run() async throws {
            guard !scope.roles.isEmpty else { throw ValidationError("give at least one --role") }
            let store = try await archive.openAnyArchive(create: true)
            let accounts = AccountService(store: store, config: ConsoleConfig())
            let user = try await store.addUser(ConsoleUser(username: username, displayName: name ?? username,
                                                           passwordHash: accounts.hashPassword(try passwordSource.resolve()),
                                                           roles: scope.roles, departments: scope.departments, mayUnmask: mayUnmask))
            try await store.appendAudit(AuditEvent(actor: UserCommand.actor, action: "user.add", target: user.username,
                                                   detail: ["roles": user.roles.joined(separator: ","),
                                                            "departments": user.departments.map(String.init).joined(separator: ",")]))
            print("added \(user.username) (\(user.roles.joined(separator: ", ")))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List console users.")
        @OptionGroup var archive: ArchiveOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let users = try await archive.openAnyArchive().users()
            if json {
                try JSONOutput.print(users.map { UserJSON($0) })
                return
            }
            for user in users {
                let flags = [user.disabled ? "disabled" : nil, (user.lockedUntil ?? 0) > Int64(Date().timeIntervalSince1970 * 1000) ? "locked" : nil,
                             user.hasTOTP ? "totp" : nil, user.mayUnmask ? "unmask" : nil].compactMap { $0 }
                print("\(user.username)\t\(user.displayName)\troles: \(user.roles.joined(separator: ","))\tdepartments: \(user.departments.map(String.init).joined(separator: ","))\t\(flags.joined(separator: " "))")
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user (their sessions end at once).")
        @OptionGroup var archive: ArchiveOptions
        @Argument var username: String

        func run() async throws {
            try await UserCommand.setDisabled(true, username, archive)
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled user.")
        @OptionGroup var archive: ArchiveOptions
        @Argument var username: String

        func run() async throws {
            try await UserCommand.setDisabled(false, username, archive)
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a user's password (also ends a lockout and their sessions).")
        @OptionGroup var archive: ArchiveOptions
        @Argument var username: String
        @OptionGroup var passwordSource: PasswordSource

        func run() async throws {
            let store = try await archive.openAnyArchive()
            let accounts = AccountService(store: store, config: ConsoleConfig())
            try await store.updateUser(named: username, ConsoleUserChange(passwordHash: accounts.hashPassword(try passwordSource.resolve())))
            try await store.appendAudit(AuditEvent(actor: UserCommand.actor, action: "user.update", target: username, detail: ["password": "changed"]))
            print("password of \(username) changed")
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a user's roles and departments (what is given replaces what was).")
        @OptionGroup var archive: ArchiveOptions
        @Argument var username: String
        @OptionGroup var scope: Scope
        @Option(help: "true: show PII unmasked; false: masked.") var mayUnmask: Bool?

        func run() async throws {
            guard !scope.roles.isEmpty || !scope.departments.isEmpty || mayUnmask != nil else {
                throw ValidationError("give --role, --department or --may-unmask")
            }
            let store = try await archive.openAnyArchive()
            let user = try await store.updateUser(named: username, ConsoleUserChange(
                roles: scope.roles.isEmpty ? nil : scope.roles, departments: scope.departments.isEmpty ? nil : scope.departments, mayUnmask: mayUnmask))
            try await store.appendAudit(AuditEvent(actor: UserCommand.actor, action: "user.update", target: username, detail: [
                "roles": user.roles.joined(separator: ","), "departments": user.departments.map(String.init).joined(separator: ","),
                "mayUnmask": "\(user.mayUnmask)",
            ]))
            print("\(username): roles \(user.roles.joined(separator: ", ")); departments \(user.departments.map(String.init).joined(separator: ", "))")
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue an API token for an integration (shown once), list or revoke them.")
        @OptionGroup var archive: ArchiveOptions
        @Argument var username: String
        @Option(help: "What the token is for.") var name: String?
        @Option(help: "Revoke the token with this id.") var revoke: Int64?

        func run() async throws {
            let store = try await archive.openAnyArchive()
            if let revoke {
                try await store.revokeAPIToken(id: revoke, of: username)
                try await store.appendAudit(AuditEvent(actor: UserCommand.actor, action: "token.revoke", target: username, detail: ["id": "\(revoke)"]))
                print("revoked token \(revoke) of \(username)")
            } else if let name {
                let (token, record) = try await AccountService(store: store, config: ConsoleConfig()).issueAPIToken(for: username, name: name)
                try await store.appendAudit(AuditEvent(actor: UserCommand.actor, action: "token.issue", target: username, detail: ["name": name, "id": "\(record.id)"]))
                print(token)
            } else {
                for token in try await store.apiTokens(of: username) {
                    print("\(token.id)\t\(token.name)\t\(token.revokedAt == nil ? "live" : "revoked")")
                }
            }
        }
    }

    struct TOTPCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "totp", abstract: "Require a one-time code (TOTP) at login, or remove it.")
        @OptionGroup var archive: ArchiveOptions
        @Argument var username: String
        @Flag(help: "Remove the second factor.") var remove = false

        func run() async throws {
            let store = try await archive.openAnyArchive()
            if remove {
                try await store.updateUser(named: username, ConsoleUserChange(totpSecret: .some(nil)))
                try await store.appendAudit(AuditEvent(actor: UserCommand.actor, action: "user.update", target: username, detail: ["totp": "removed"]))
                print("\(username) signs in with a password only")
                return
            }
            let (secret, url) = AccountService.newTOTP(for: username)
            try await store.updateUser(named: username, ConsoleUserChange(totpSecret: .some(secret)))
            try await store.appendAudit(AuditEvent(actor: UserCommand.actor, action: "user.update", target: username, detail: ["totp": "enabled"]))
            print("Add to an authenticator app (or render as a QR code):\n\(url)")
        }
    }
}
