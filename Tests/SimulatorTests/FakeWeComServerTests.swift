import ArchiveModel
import ArchiveStore
import Foundation
import Ingest
import SQLiteStore
import Simulator
import Testing
import WeCom

/// Starts the fake WeCom API on a free port for the duration of `body`.
func withFakeWeCom<T: Sendable>(_ archive: SimulatedArchive,
                                _ body: @Sendable (FakeWeComServer, URL) async throws -> T) async throws -> T {
    let server = FakeWeComServer(archive: archive)
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await server.run(port: 0) { continuation.yield($0) }
            return nil
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        let result = try await body(server, URL(string: "http://127.0.0.1:\(port)/cgi-bin/")!)
        group.cancelAll()
        return result
    }
}

@Suite struct FakeWeComServerTests {
    static let archive: SimulatedArchive = {
        let archive = try! SimulatedArchive(seed: 21, expectedMessages: 400)
        try! archive.produce(400)
        return archive
    }()

    @Test func theTokenIsCachedAndRefreshedWhenWeComSaysItExpired() async throws {
        try await withFakeWeCom(Self.archive) { server, url in
            let api = WeComAPIClient(baseURL: url, corpID: server.corpID, secret: server.secret)
            let users = try await api.permittedUsers()
            #expect(users.count == Self.archive.corp.employees.filter { $0.status == 1 }.count)
            _ = try await api.departments()
            #expect(await api.tokenFetches == 1)
            server.expireTokens()
            _ = try await api.user(users[0])
            #expect(await api.tokenFetches == 2)
        }
    }

    @Test func aWrongSecretSaysWhatToCheck() async throws {
        try await withFakeWeCom(Self.archive) { server, url in
            let api = WeComAPIClient(baseURL: url, corpID: server.corpID, secret: "an-app-secret")
            do {
                _ = try await api.departments()
                Issue.record("expected 40001")
            } catch let error as WeComError {
                #expect(error.sdkCode == 40001 && error.message.contains("archive secret"))
            }
        }
    }

    @Test func directorySyncStoresPeopleGroupsAndConsent() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try SQLiteArchiveStore(path: folder.appendingPathComponent("a.sqlite").path, masterKey: .generate())
        var ring = PrivateKeyRing()
        for (version, pem) in Self.archive.privateKeyPEMs { ring.add(try RSABackend.openssl.privateKey(pem: pem), version: version) }
        _ = try await IngestPipeline(store: store, opener: EnvelopeOpener(keyRing: ring)).ingest(Self.archive.envelopes)

        let snapshot = try await withFakeWeCom(Self.archive) { server, url in
            try await DirectorySync(api: WeComAPIClient(baseURL: url, corpID: server.corpID, secret: server.secret), store: store).run()
        }
        let corp = Self.archive.corp
        #expect(snapshot.departments.count == corp.departments.count)
        #expect(snapshot.parties.filter { $0.kind == .employee }.count == corp.employees.filter { $0.status == 1 }.count)
        #expect(snapshot.parties.filter { $0.kind == .externalContact }.count
                == corp.customers.filter { corp.employee($0.ownerUserID)?.status == 1 }.count)
        let roomsInArchive = try await store.roomIDs()
        #expect(!roomsInArchive.isEmpty && snapshot.rooms.count == roomsInArchive.count)
        #expect(snapshot.rooms.allSatisfy { !$0.name.isEmpty && !$0.members.isEmpty })
        #expect(snapshot.consents.contains { !$0.agreed } && snapshot.consents.contains { $0.agreed })
        let someone = try #require(corp.employees.first { $0.status == 1 })
        #expect(try await store.partyName(PartyID(someone.userID)) == someone.name)
    }
}
