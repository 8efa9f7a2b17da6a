import ArchiveModel
import ArchiveStore
import Console
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import Logging
import Prometheus
import Risk
import SQLiteStore
import Simulator
import WeCom

/// A seeded simulated archive behind the console, with one user per role and a protected employee.
///
/// Scope facts are computed here from the simulator's ground truth, independently of the store's SQL,
/// so the authorization tests compare the console against an oracle.
struct ConsoleFixture: Sendable {
    let store: SQLiteArchiveStore
    let databasePath: String
    let services: ConsoleServices
    let corp: SimulatedCorp
    /// Conversation id → everyone who took part (from the decoded messages and the groups' members).
    let participants: [String: Set<String>]
    /// Employee → their department and every ancestor.
    let ancestry: [String: Set<Int64>]
    /// The manager's department.
    let managedDepartment: Int64
    /// An employee of the managed department whose conversations only the auditor is named for.
    let protectedEmployee: String
    static let password = "correct horse battery"
    /// The ledger key evidence exports are signed with.
    static let evidenceKey = Curve25519.Signing.PrivateKey()

    static func make(messages: Int = 900, seed: UInt64 = 77) async throws -> ConsoleFixture {
        let archive = try SimulatedArchive(seed: seed, expectedMessages: messages)
        try archive.produce(messages)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("console-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let databasePath = folder.appendingPathComponent("a.sqlite").path
        let store = try SQLiteArchiveStore(path: databasePath, masterKey: .generate())
        var ring = PrivateKeyRing()
        for (version, pem) in archive.privateKeyPEMs { ring.add(try RSABackend.openssl.privateKey(pem: pem), version: version) }
        var pipeline = IngestPipeline(store: store, opener: EnvelopeOpener(keyRing: ring))
        pipeline.risk = RiskAnalysis(scanner: RiskScanner(policy: .builtIn), policyVersion: 1, channels: [])
        _ = try await pipeline.ingest(archive.envelopes)
        let corp = archive.corp
        try await store.saveDirectory(DirectorySnapshot(
            departments: corp.departments.map { .init(id: $0.id, name: $0.name, parentID: $0.parentID, leaders: []) },
            parties: corp.employees.map { .init(id: $0.userID, kind: .employee, name: $0.name, departmentIDs: [$0.departmentID], corpName: nil, status: $0.status) }
                + corp.customers.map { .init(id: $0.externalUserID, kind: .externalContact, name: $0.name, departmentIDs: [], corpName: $0.corpName, status: nil) },
            rooms: corp.groups.map { .init(id: $0.roomID, name: $0.name, creator: $0.ownerUserID, members: $0.staff + $0.customers) }))

        var participants: [String: Set<String>] = [:]
        for envelope in archive.messages {
            let message = try MessageDecoder().decode(envelope.json, seq: envelope.seq)
            guard let conversation = message.conversation?.rawValue else { continue }
            participants[conversation, default: []].formUnion([message.from.rawValue] + message.toList.map(\.rawValue))
        }
        for group in corp.groups { participants["room:\(group.roomID)", default: []].formUnion(group.staff + group.customers + [group.ownerUserID]) }
        var parent: [Int64: Int64] = [:]
        for department in corp.departments { if let id = department.parentID { parent[department.id] = id } }
        var ancestry: [String: Set<Int64>] = [:]
        for employee in corp.employees {
            var chain: Set<Int64> = []
            var current: Int64? = employee.departmentID
            while let id = current, chain.insert(id).inserted { current = parent[id] }
            ancestry[employee.userID] = chain
        }
        // The manager runs the department of the busiest employee; another busy employee there is protected.
        let counts = Dictionary(uniqueKeysWithValues: corp.employees.map { ($0.userID, conversationCount($0.userID, participants)) })
        let busiest = corp.employees.map(\.userID).sorted { a, b in busier(a, b, counts) }
        let managed = corp.employees.first { $0.userID == busiest[0] }!.departmentID
        let departmentOf = Dictionary(uniqueKeysWithValues: corp.employees.map { ($0.userID, $0.departmentID) })
        let protected = busiest.dropFirst().first { departmentOf[$0] == managed } ?? busiest[0]

        var config = ConsoleConfig()
        config.lockoutThreshold = 3
        let accounts = AccountService(store: store, config: config, bcryptCost: 4)
        var services = ConsoleServices(store: store, blobs: nil, accounts: accounts, config: config,
                                       metrics: PrometheusCollectorRegistry(), logger: Logger(label: "test"))
        services.evidence = EvidenceSigning(signingKey: evidenceKey, timestamp: nil)
        let users: [(String, [String], [Int64], Bool)] = [
            ("admin", ["admin"], [1], false), ("auditor", ["auditor"], [1], false), ("manager", ["manager"], [managed], false),
            ("qa", ["qa"], [1], false), ("viewer", ["viewer"], [1], false), ("unmasker", ["auditor"], [1], true),
        ]
        for (name, roles, departments, unmask) in users {
            try await store.addUser(ConsoleUser(username: name, displayName: name, passwordHash: accounts.hashPassword(password),
                                                roles: roles, departments: departments, mayUnmask: unmask))
        }
        try await store.setProtectedStaff(ProtectedStaff(userid: protected, viewers: ["auditor", "unmasker"]))
        return ConsoleFixture(store: store, databasePath: databasePath, services: services, corp: corp, participants: participants, ancestry: ancestry,
                              managedDepartment: managed, protectedEmployee: protected)
    }

    static func busier(_ a: String, _ b: String, _ counts: [String: Int]) -> Bool {
        let left: Int = counts[a] ?? 0
        let right: Int = counts[b] ?? 0
        return left != right ? left > right : a < b
    }

    static func conversationCount(_ employee: String, _ participants: [String: Set<String>]) -> Int {
        participants.values.filter { $0.contains(employee) }.count
    }

    /// The oracle: may `user` (as set up above) read a conversation with these participants? (`qa` reads only
    /// its samples, never through the content routes.)
    func oracleMayRead(_ user: String, _ people: Set<String>) -> Bool {
        let namedForProtected = ["auditor", "unmasker"].contains(user)
        if people.contains(protectedEmployee) && !namedForProtected { return false }
        switch user {
        case "auditor", "unmasker": return true
        case "manager": return people.contains { ancestry[$0]?.contains(managedDepartment) == true }
        default: return false
        }
    }

    var router: Router<ConsoleContext> { ConsoleRouter.build(services: services) }

    /// Runs `body` against the console in-process.
    func withClient<Value: Sendable>(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        try await Application(router: router).test(.router) { client in try await body(client) }
    }
}

extension TestClientProtocol {
    /// Signs in through the API and returns the bearer token.
    func login(_ username: String, password: String = ConsoleFixture.password) async throws -> String {
        let body = #"{"username":"\#(username)","password":"\#(password)"}"#
        return try await execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                 body: ByteBuffer(string: body)) { response in
            guard response.status == .ok, let object = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any],
                  let token = object["token"] as? String else { throw FixtureError("login of \(username) failed: \(response.status)") }
            return token
        }
    }

    func get(_ uri: String, token: String?) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: token.map { [.authorization: "Bearer \($0)"] } ?? [:])
    }

    func json(_ uri: String, token: String?) async throws -> (HTTPResponse.Status, Any?) {
        let response = try await get(uri, token: token)
        return (response.status, try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)))
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

actor ConsoleFixtureCache {
    static let shared = ConsoleFixtureCache()
    private var fixture: ConsoleFixture?
    func get() async throws -> ConsoleFixture {
        if let fixture { return fixture }
        let made = try await ConsoleFixture.make()
        fixture = made
        return made
    }
}
