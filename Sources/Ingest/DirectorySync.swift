import ArchiveModel
import ArchiveStore
import Logging
import WeCom

/// Refreshes who is who from WeCom's API: archived members and their departments, their customers,
/// the groups seen in archived chats, and each customer's consent to archiving.
public struct DirectorySync: Sendable {
    public var api: WeComAPIClient
    public var store: any ArchiveStore
    public var logger: Logger

    public init(api: WeComAPIClient, store: any ArchiveStore, logger: Logger = Logger(label: "chatledger.directory")) {
        self.api = api
        self.store = store
        self.logger = logger
    }

    /// Fetches the directory and stores it. A group or contact that cannot be read is skipped and logged,
    /// so one stale id does not block the rest.
    @discardableResult
    public func run() async throws -> DirectorySnapshot {
        var snapshot = DirectorySnapshot()
        snapshot.departments = try await api.departments().map {
            DirectorySnapshot.Department(id: $0.id, name: $0.name, parentID: $0.parentID == 0 ? nil : $0.parentID, leaders: $0.leaders)
        }
        var pairs: [(userID: String, externalUserID: String)] = []
        var seenContacts = Set<String>()
        for userID in try await api.permittedUsers() {
            let user = try await api.user(userID)
            snapshot.parties.append(.init(id: user.userID, kind: .employee, name: user.name, departmentIDs: user.departmentIDs,
                                          corpName: nil, status: user.status))
            for external in try await api.externalContacts(of: userID) {
                pairs.append((userID, external))
                guard seenContacts.insert(external).inserted else { continue }
                do {
                    let contact = try await api.externalContact(external)
                    snapshot.parties.append(.init(id: contact.externalUserID, kind: .externalContact, name: contact.name,
                                                  departmentIDs: [], corpName: contact.corpName, status: nil))
                } catch {
                    logger.warning("chatledger.directory.contact_skipped", metadata: ["chatledger.directory.error": "\(error.code.rawValue)"])
                }
            }
        }
        for roomID in try await store.roomIDs() {
            do {
                let group = try await api.group(roomID)
                snapshot.rooms.append(.init(id: group.roomID, name: group.name, creator: group.creator, members: group.members))
            } catch {
                logger.warning("chatledger.directory.group_skipped", metadata: ["chatledger.directory.error": "\(error.code.rawValue)"])
            }
        }
        snapshot.consents = try await api.consent(pairs).map {
            .init(userID: $0.userID, externalUserID: $0.externalUserID, agreed: $0.agreed, changedAt: $0.changedAt)
        }
        try await store.saveDirectory(snapshot)
        return snapshot
    }
}
