import ArchiveModel
import ArchiveStore
import Foundation
import Ingest
import SQLiteStore
import Search
import Simulator
import Testing
import TextKit
import WeCom

/// A seeded simulated archive, and the same messages decoded in memory for brute-force answers.
struct SearchFixture: Sendable {
    struct Truth: Sendable {
        var msgid: String
        var text: String
        var from: String
        var parties: Set<String>
        var room: String
        var conversation: String?
        var time: Int64
        var msgtype: String
        var fileExtension: String?
        var hasMedia: Bool
        var recalled: Bool
    }

    let store: SQLiteArchiveStore
    let truth: [Truth]
    let participants: [String: Set<String>]
    let corp: SimulatedCorp

    static func make(messages: Int = 2500, seed: UInt64 = 404) async throws -> SearchFixture {
        let archive = try SimulatedArchive(seed: seed, expectedMessages: messages)
        try archive.produce(messages)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("search-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try SQLiteArchiveStore(path: folder.appendingPathComponent("a.sqlite").path, masterKey: .generate())
        var ring = PrivateKeyRing()
        for (version, pem) in archive.privateKeyPEMs { ring.add(try RSABackend.openssl.privateKey(pem: pem), version: version) }
        _ = try await IngestPipeline(store: store, opener: EnvelopeOpener(keyRing: ring)).ingest(archive.envelopes)
        let decoded = try archive.messages.map { try MessageDecoder().decode($0.json, seq: $0.seq) }
        let recalledIDs = Set(decoded.compactMap { message -> String? in
            if case .revoke(let target) = message.content { return target.rawValue }
            return nil
        })
        var participants: [String: Set<String>] = [:]
        for message in decoded {
            guard let conversation = message.conversation?.rawValue else { continue }
            participants[conversation, default: []].insert(message.from.rawValue)
            for party in message.toList { participants[conversation, default: []].insert(party.rawValue) }
        }
        let truth = decoded.map {
            Truth(msgid: $0.id.rawValue, text: $0.searchableText, from: $0.from.rawValue,
                  parties: Set([$0.from.rawValue] + $0.toList.map(\.rawValue)), room: $0.room?.rawValue ?? "",
                  conversation: $0.conversation?.rawValue, time: $0.time.milliseconds, msgtype: $0.msgtype,
                  fileExtension: $0.content.fileExtension, hasMedia: !$0.content.mediaReferences.isEmpty,
                  recalled: recalledIDs.contains($0.id.rawValue))
        }
        let snapshotCorp = archive.corp
        try await store.saveDirectory(DirectorySnapshot(
            departments: snapshotCorp.departments.map { .init(id: $0.id, name: $0.name, parentID: $0.parentID, leaders: []) },
            parties: snapshotCorp.employees.map { .init(id: $0.userID, kind: .employee, name: $0.name, departmentIDs: [$0.departmentID], corpName: nil, status: $0.status) }
                + snapshotCorp.customers.map { .init(id: $0.externalUserID, kind: .externalContact, name: $0.name, departmentIDs: [], corpName: nil, status: nil) }))
        return SearchFixture(store: store, truth: truth, participants: participants, corp: snapshotCorp)
    }
}

@Suite(.serialized) struct SearchOracleTests {
    /// Built once for the suite (the tests run serialized).
    static let cache = FixtureCache()

    /// A random substring of a real message, dressed in the variants search must see through.
    static func randomTerm(_ rng: inout SeededRandom, from truth: [SearchFixture.Truth]) -> String {
        let candidates = truth.filter { $0.text.count >= 2 }
        let text = Array(rng.pick(candidates).text.filter { $0 != "\n" })
        let length = Int.random(in: 1...min(6, text.count), using: &rng)
        let start = Int.random(in: 0...(text.count - length), using: &rng)
        var term = String(text[start..<start + length]).trimmingCharacters(in: .whitespaces)
        if term.isEmpty { term = "的" }
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: // full-width Latin and digits
            term = String(term.unicodeScalars.map { scalar -> Character in
                (0x21...0x7E).contains(scalar.value) ? Character(Unicode.Scalar(scalar.value + 0xFEE0)!) : Character(scalar)
            })
        case 1: // traditional characters where there are some
            term = Self.traditional(term)
        case 2: term = term.uppercased()
        default: break
        }
        return term
    }

    static let simplifiedToTraditional: [Character: Character] = {
        var map: [Character: Character] = [:]
        for scalar in "產品穩賺賠單訂貨價這個們請課費時間還會員發貨應該說話購買與為對".unicodeScalars {
            let simple = TraditionalToSimplified.convert(scalar)
            if simple != scalar { map[Character(simple)] = Character(scalar) }
        }
        return map
    }()

    static func traditional(_ text: String) -> String { String(text.map { simplifiedToTraditional[$0] ?? $0 }) }

    func bruteForce(_ request: SearchRequest, _ fixture: SearchFixture) -> Set<String> {
        let parsed = SearchQueryParser.parse(request.text)
        let employees = Set(request.employees)
        let customers = Set(request.customers)
        return Set(fixture.truth.filter { message in
            guard parsed.clauses.allSatisfy({ clause in clause.contains { Highlighter.contains(message.text, $0) } }) else { return false }
            guard !parsed.excluded.contains(where: { Highlighter.contains(message.text, $0) }) else { return false }
            let parties = message.parties
            if !employees.isEmpty && parties.isDisjoint(with: employees) { return false }
            if !customers.isEmpty && parties.isDisjoint(with: customers) { return false }
            if !request.rooms.isEmpty && !request.rooms.contains(message.room) { return false }
            if let since = request.since, message.time < WeComTime(date: since).milliseconds { return false }
            if let until = request.until, message.time >= WeComTime(date: until).milliseconds { return false }
            if !request.msgtypes.isEmpty && !request.msgtypes.contains(message.msgtype) { return false }
            if !request.fileExtensions.isEmpty && !request.fileExtensions.contains(message.fileExtension ?? "") { return false }
            if let hasMedia = request.hasMedia, message.hasMedia != hasMedia { return false }
            if let recalled = request.recalled, message.recalled != recalled { return false }
            return true
        }.map(\.msgid))
    }

    @Test func hundredsOfRandomQueriesMatchABruteForceScan() async throws {
        let fixture = try await Self.cache.get()
        var rng = SeededRandom(seed: 777)
        let times = fixture.truth.map(\.time).sorted()
        var nonEmpty = 0
        for round in 0..<300 {
            var request = SearchRequest()
            request.limit = 1000
            let shape = Int.random(in: 0..<10, using: &rng)
            let first = Self.randomTerm(&rng, from: fixture.truth)
            switch shape {
            case 0: request.text = "\"\(first)\" \"\(Self.randomTerm(&rng, from: fixture.truth))\""
            case 1: request.text = "\"\(first)\" OR \"\(Self.randomTerm(&rng, from: fixture.truth))\""
            case 2: request.text = "\"\(first)\" -\"\(Self.randomTerm(&rng, from: fixture.truth))\""
            default: request.text = "\"\(first)\""
            }
            for _ in 0..<Int.random(in: 0...2, using: &rng) {
                switch Int.random(in: 0..<8, using: &rng) {
                case 0: request.employees = [rng.pick(fixture.corp.employees).userID]
                case 1: request.customers = [rng.pick(fixture.corp.customers).externalUserID]
                case 2: request.rooms = [rng.pick(fixture.corp.groups).roomID]
                case 3:
                    let a = rng.pick(times), b = rng.pick(times)
                    request.since = WeComTime(milliseconds: min(a, b)).date
                    request.until = WeComTime(milliseconds: max(a, b) + 1).date
                case 4: request.msgtypes = [rng.pick(["text", "file", "link", "image", "weapp"])]
                case 5: request.fileExtensions = [rng.pick(["pdf", "docx", "xlsx"])]
                case 6: request.hasMedia = rng.chance(0.5)
                default: request.recalled = rng.chance(0.5)
                }
            }
            let expected = bruteForce(request, fixture)
            let result = try await SearchService(store: fixture.store).search(request)
            #expect(result.total == expected.count, "round \(round): \(request.text) \(request)")
            if expected.count <= 1000 {
                #expect(Set(result.hits.map(\.message.msgid)) == expected, "round \(round): \(request.text)")
            }
            if !expected.isEmpty { nonEmpty += 1 }
        }
        #expect(nonEmpty > 150, "the random queries should mostly hit something")
    }

    @Test func namesAndDepartmentsResolveToPeople() async throws {
        let fixture = try await Self.cache.get()
        let employee = fixture.corp.employees.first { $0.status == 1 && !$0.isLeader }!
        var byID = SearchRequest()
        byID.employees = [employee.userID]
        byID.limit = 1000
        var byName = byID
        byName.employees = [employee.name]
        let service = SearchService(store: fixture.store)
        let idResult = try await service.search(byID)
        #expect(idResult.total > 0)
        #expect(Set(try await service.search(byName).hits.map(\.message.msgid)).isSuperset(of: idResult.hits.map(\.message.msgid)))
        var department = SearchRequest()
        department.departments = [employee.departmentID / 10 == 0 ? employee.departmentID : employee.departmentID / 10]
        department.limit = 1000
        #expect(Set(try await service.search(department).hits.map(\.message.msgid)).isSuperset(of: idResult.hits.map(\.message.msgid)))
        var nobody = SearchRequest()
        nobody.employees = ["no-such-person"]
        #expect(try await service.search(nobody).total == 0)
    }

    @Test func resultsComeNewestFirstWithSnippetsAndContext() async throws {
        let fixture = try await Self.cache.get()
        var request = SearchRequest()
        request.text = "您好"
        request.limit = 50
        let result = try await SearchService(store: fixture.store).search(request)
        let order = fixture.truth.enumerated().reduce(into: [String: Int]()) { $0[$1.element.msgid] = $1.offset }
        let positions = result.hits.map { order[$0.message.msgid]! }
        #expect(positions == positions.sorted(by: >))
        #expect(result.hits.allSatisfy { $0.snippet.contains("【您好】") })
        let context = try await fixture.store.context(of: MessageID(result.hits[0].message.msgid), before: 3, after: 3)
        #expect(context.contains { $0.id.rawValue == result.hits[0].message.msgid })
        #expect(context.map(\.time) == context.map(\.time).sorted())
    }

    @Test func badRequestsAreRefusedWithAReason() async throws {
        var request = SearchRequest()
        request.limit = 0
        await #expect(throws: SearchError.self) { try await SearchService(store: try await Self.cache.get().store).search(request) }
        request.limit = 10
        request.since = Date(timeIntervalSince1970: 2000)
        request.until = Date(timeIntervalSince1970: 1000)
        await #expect(throws: SearchError.self) { try await SearchService(store: try await Self.cache.get().store).search(request) }
    }

    @Test func textArrivingLaterIsFound() async throws {
        let fixture = try await SearchFixture.make(messages: 60, seed: 405)
        let target = fixture.truth.first { $0.msgtype == "voice" } ?? fixture.truth[0]
        var request = SearchRequest()
        request.text = "语音转写测试词"
        #expect(try await SearchService(store: fixture.store).search(request).total == 0)
        try await fixture.store.appendSearchableText("这是语音转写测试词内容", to: MessageID(target.msgid))
        let found = try await SearchService(store: fixture.store).search(request)
        #expect(found.hits.map(\.message.msgid) == [target.msgid])
    }
}

actor FixtureCache {
    private var fixture: SearchFixture?
    func get() async throws -> SearchFixture {
        if let fixture { return fixture }
        let made = try await SearchFixture.make()
        fixture = made
        return made
    }
}

@Suite struct SearchQueryParserTests {
    @Test func termsPhrasesExclusionsAndOr() {
        let parsed = SearchQueryParser.parse(#"飞单 OR 私单 保本 "iphone 15" -退款"#)
        #expect(parsed.clauses == [["飞单", "私单"], ["保本"], ["iphone 15"]])
        #expect(parsed.excluded == ["退款"])
        #expect(SearchQueryParser.parse("  ").clauses.isEmpty)
        #expect(SearchQueryParser.parse("a OR").clauses == [["a"]])
    }
}
