import ArchiveModel

/// Directory facts learned from WeCom's HTTP API (or the simulator).
public struct DirectorySnapshot: Sendable, Hashable, Codable {
    public var departments: [Department]
    public var parties: [Party]
    public var rooms: [Room]
    public var consents: [ConsentState]

    public init(departments: [Department] = [], parties: [Party] = [], rooms: [Room] = [], consents: [ConsentState] = []) {
        self.departments = departments
        self.parties = parties
        self.rooms = rooms
        self.consents = consents
    }

    public struct Department: Sendable, Hashable, Codable {
        public var id: Int64
        public var name: String
        public var parentID: Int64?
        public var leaders: [String]
        public init(id: Int64, name: String, parentID: Int64?, leaders: [String]) {
            self.id = id
            self.name = name
            self.parentID = parentID
            self.leaders = leaders
        }
    }

    public struct Party: Sendable, Hashable, Codable {
        public var id: String
        public var kind: PartyKind
        public var name: String
        public var departmentIDs: [Int64]
        public var corpName: String?
        /// Employees: 1 active, 5 resigned (WeCom's user status); contacts: nil.
        public var status: Int?
        public init(id: String, kind: PartyKind, name: String, departmentIDs: [Int64], corpName: String?, status: Int?) {
            self.id = id
            self.kind = kind
            self.name = name
            self.departmentIDs = departmentIDs
            self.corpName = corpName
            self.status = status
        }
    }

    public struct Room: Sendable, Hashable, Codable {
        public var id: String
        public var name: String
        public var creator: String
        public var members: [String]
        public init(id: String, name: String, creator: String, members: [String]) {
            self.id = id
            self.name = name
            self.creator = creator
            self.members = members
        }
    }

    public struct ConsentState: Sendable, Hashable, Codable {
        public var userID: String
        public var externalUserID: String
        public var agreed: Bool
        public var changedAt: WeComTime?
        public init(userID: String, externalUserID: String, agreed: Bool, changedAt: WeComTime?) {
            self.userID = userID
            self.externalUserID = externalUserID
            self.agreed = agreed
            self.changedAt = changedAt
        }
    }
}
