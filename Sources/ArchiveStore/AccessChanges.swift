import Foundation

/// A change that widens someone's access to chat content, held until a second administrator approves it (four-eyes).
///
/// The console decides what widens access (the Console module's `AccessChangeRule`); the store keeps the change,
/// and applies it only on ``AccessChangeStore/decideAccessChange(id:_:by:note:)`` with ``AccessChangeDecision/approve``
/// by an administrator who neither requested it nor gains from it.
///
/// ## Topics
/// - ``Kind``
/// - ``Status``
/// - ``AccessChangePayload``
/// - ``AccessChangeDecision``
public struct AccessChange: Sendable, Hashable {
    /// What the change is about.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A console user's roles, scope, unmasking, re-enabling or password (``target`` is the username).
        case user
        /// A protected employee's viewers (``target`` is the employee's userid); no viewers lifts the protection.
        case protectedStaff = "protected-staff"
    }

    /// Where the change stands.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// Waiting for a second administrator.
        case pending
        /// Approved and applied.
        case approved
        /// Refused by another administrator; nothing was applied.
        case refused
        /// Not decided within ``AccessChange/lifetime``; nothing was applied.
        case expired
        /// Withdrawn by whoever requested it; nothing was applied.
        case cancelled
    }

    public var id: Int64
    public var kind: Kind
    /// The username (``Kind/user``) or the employee's userid (``Kind/protectedStaff``).
    public var target: String
    /// The administrator who asked for the change.
    public var requestedBy: String
    public var payload: AccessChangePayload
    /// As it stands when read: a pending change past its ``lifetime`` reads as ``Status/expired``.
    public var status: Status
    public var decidedBy: String?
    /// Milliseconds.
    public var decidedAt: Int64?
    /// Milliseconds.
    public var createdAt: Int64
    /// The decider's note (a reason for refusing, say).
    public var note: String?

    /// How long a change waits for a decision before it expires: 7 days, in milliseconds.
    public static let lifetime: Int64 = 7 * 86_400_000

    public init(id: Int64, kind: Kind, target: String, requestedBy: String, payload: AccessChangePayload, status: Status,
                decidedBy: String? = nil, decidedAt: Int64? = nil, createdAt: Int64, note: String? = nil) {
        self.id = id
        self.kind = kind
        self.target = target
        self.requestedBy = requestedBy
        self.payload = payload
        self.status = status
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.createdAt = createdAt
        self.note = note
    }

    /// The status stored in the database read at `now`: a pending change created at or before `now - lifetime` is expired.
    public static func status(stored: Status, createdAt: Int64, now: Int64) -> Status {
        stored == .pending && createdAt <= now - lifetime ? .expired : stored
    }

    /// Who would gain access from the change: the user itself, or the protected employee's named viewers. They may not
    /// approve it.
    public var beneficiaries: Set<String> {
        switch kind {
        case .user: [target]
        case .protectedStaff: Set(payload.viewers ?? [])
        }
    }

    /// Why `decider` may not take `decision` on this pending change, or nil when they may.
    ///
    /// Approving and refusing are for another administrator than the requester (and approving, for one who does not gain
    /// from the change); cancelling is for the requester alone.
    public func refusal(of decision: AccessChangeDecision, by decider: String) -> String? {
        switch decision {
        case .approve, .refuse:
            if decider == requestedBy {
                return "\(decider) requested access change #\(id) and cannot \(decision.rawValue) it; another administrator must (cancel withdraws it)"
            }
            if decision == .approve, beneficiaries.contains(decider) {
                return "access change #\(id) widens \(decider)'s own access; another administrator must approve it"
            }
            return nil
        case .cancel:
            return decider == requestedBy ? nil : "only \(requestedBy), who requested access change #\(id), can cancel it"
        }
    }
}

extension AccessChangePayload {
    /// The payload kept once a change is decided: a password reset's bcrypt hash is no use any more and is dropped
    /// (an empty string still says there was a reset).
    public var scrubbed: AccessChangePayload {
        var payload = self
        if payload.passwordHash != nil { payload.passwordHash = "" }
        return payload
    }
}

/// What an ``AccessChange`` sets when approved; `nil` leaves a field as it is. Stored as JSON.
///
/// A password reset holds the new password's bcrypt hash, never the password.
public struct AccessChangePayload: Sendable, Hashable, Codable {
    public var roles: [String]?
    public var departments: [Int64]?
    public var mayUnmask: Bool?
    public var disabled: Bool?
    /// A new password's bcrypt hash.
    public var passwordHash: String?
    /// The protected employee's viewers (``AccessChange/Kind/protectedStaff``); empty lifts the protection.
    public var viewers: [String]?

    public init(roles: [String]? = nil, departments: [Int64]? = nil, mayUnmask: Bool? = nil, disabled: Bool? = nil,
                passwordHash: String? = nil, viewers: [String]? = nil) {
        self.roles = roles
        self.departments = departments
        self.mayUnmask = mayUnmask
        self.disabled = disabled
        self.passwordHash = passwordHash
        self.viewers = viewers
    }

    /// Whether it sets nothing.
    public var isEmpty: Bool { self == AccessChangePayload() }

    /// The user fields as a ``ConsoleUserChange``.
    public var userChange: ConsoleUserChange {
        ConsoleUserChange(passwordHash: passwordHash, roles: roles, departments: departments, mayUnmask: mayUnmask, disabled: disabled)
    }

    /// The column's JSON text (keys sorted, so both engines store the same text).
    package var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding optionals, strings, booleans and integers cannot fail.
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// Reads the column's JSON text.
    /// - Throws: ``StorageError`` when it is not a payload (the database was edited by hand).
    package init(json: String) throws {
        do {
            self = try JSONDecoder().decode(Self.self, from: Data(json.utf8))
        } catch {
            throw StorageError("an access change's payload is not valid JSON; was the database edited by hand?")
        }
    }
}

/// What an administrator does with a pending ``AccessChange``.
public enum AccessChangeDecision: String, Sendable, Hashable, CaseIterable {
    /// Applies the change (another administrator, who does not gain from it).
    case approve
    /// Drops it (another administrator).
    case refuse
    /// Withdraws it (its requester).
    case cancel

    /// The status a change takes on this decision.
    public var status: AccessChange.Status {
        switch self {
        case .approve: .approved
        case .refuse: .refused
        case .cancel: .cancelled
        }
    }
}
