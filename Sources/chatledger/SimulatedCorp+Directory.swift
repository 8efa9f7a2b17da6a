import ArchiveModel
import ArchiveStore
import Simulator

extension SimulatedCorp {
    /// The corp's directory as ChatLedger stores it.
    var directorySnapshot: DirectorySnapshot {
        DirectorySnapshot(
            departments: departments.map { department in
                DirectorySnapshot.Department(
                    id: department.id, name: department.name, parentID: department.parentID,
                    leaders: employees.filter { $0.departmentID == department.id && $0.isLeader }.map(\.userID))
            },
            parties: employees.map {
                DirectorySnapshot.Party(id: $0.userID, kind: .employee, name: $0.name, departmentIDs: [$0.departmentID],
                                        corpName: nil, status: $0.status)
            } + customers.map {
                DirectorySnapshot.Party(id: $0.externalUserID, kind: .externalContact, name: $0.name, departmentIDs: [],
                                        corpName: $0.corpName, status: nil)
            } + [DirectorySnapshot.Party(id: robotID, kind: .robot, name: "群通知机器人", departmentIDs: [], corpName: nil, status: nil)],
            rooms: groups.map {
                DirectorySnapshot.Room(id: $0.roomID, name: $0.name, creator: $0.ownerUserID, members: $0.staff + $0.customers)
            })
    }
}
