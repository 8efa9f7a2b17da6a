import ArchiveModel
import ArchiveStore
import Crypto
import Foundation
import Ingest
import Ledger
import Search
import Simulator
import Testing
import TextKit

/// The same archive ingested into SQLite and PostgreSQL answers every question the same way: stats, the
/// ledger's root, message reads, context, and hundreds of random searches (SQLite's answers are checked against
/// a brute-force scan in SearchTests, so agreement carries that check over).
@Suite(.serialized, .enabled(if: Engine.available.contains(.postgres)))
struct EnginesAgreeTests {
    @Test func oneCorpusTwoEnginesSameAnswers() async throws {
        let corpus = try SimulatedCorpus(messages: 1500, seed: 2026)
        let key = Curve25519.Signing.PrivateKey()
        try await withArchive(.sqlite) { sqlite in
            try await withArchive(.postgres) { postgres in
                for opened in [sqlite, postgres] {
                    let summary = try await corpus.ingest(into: opened.archive, scanningRisk: true)
                    #expect(summary.inserted + summary.quarantined > 0)
                    try await opened.archive.saveDirectory(corpus.directory)
                    try await opened.archive.writeCheckpoint(signingKey: key)
                }
                let (a, b) = (sqlite.archive, postgres.archive)
                var left = try await a.stats()
                var right = try await b.stats()
                #expect(left.messages == corpus.decoded.count)
                left.mediaPending = 0; right.mediaPending = 0
                #expect(left == right)
                #expect(try await a.checkpoints().last?.root == (try await b.checkpoints().last?.root))
                #expect(try await a.roomIDs() == (try await b.roomIDs()))

                var rng = SeededRandom(seed: 99)
                for _ in 0..<25 {
                    let id = rng.pick(corpus.decoded).id
                    let x = try #require(try await a.message(id: id))
                    let y = try #require(try await b.message(id: id))
                    #expect(x.raw == y.raw && x.searchableText == y.searchableText && x.leafIndex == y.leafIndex)
                    #expect(x.recalledBy == y.recalledBy && x.toList == y.toList && x.conversation == y.conversation)
                    #expect(try await a.context(of: id, before: 3, after: 3).map(\.id) == (try await b.context(of: id, before: 3, after: 3).map(\.id)))
                }
                let employee = corpus.archive.corp.employees[0]
                #expect(try await a.parties(matching: employee.name, kind: .employee).sorted()
                        == (try await b.parties(matching: employee.name, kind: .employee).sorted()))
                #expect(try await a.employees(inDepartment: 1).sorted() == (try await b.employees(inDepartment: 1).sorted()))

                let (searchA, searchB) = (SearchService(store: a), SearchService(store: b))
                let times = corpus.decoded.map(\.time.milliseconds).sorted()
                var nonEmpty = 0
                for round in 0..<200 {
                    let request = Self.randomRequest(&rng, corpus: corpus, times: times)
                    let x = try await searchA.search(request)
                    let y = try await searchB.search(request)
                    #expect(x.total == y.total, "round \(round): \(request.text) \(request.employees) \(request.msgtypes)")
                    #expect(x.hits.map(\.message.msgid) == y.hits.map(\.message.msgid), "round \(round): \(request.text)")
                    if x.total > 0 { nonEmpty += 1 }
                }
                #expect(nonEmpty > 80)

                try await Self.expectSameConsoleAnswers(a, b, corpus: corpus, rng: &rng)

                let reportA = try await a.verify(publicKey: key.publicKey, blobs: nil)
                let reportB = try await b.verify(publicKey: key.publicKey, blobs: nil)
                #expect(reportA.ok && reportB.ok && reportA.root == reportB.root && reportA.records == reportB.records)
            }
        }
    }

    /// What the console, reply timeouts and reports read: conversations and their people, the directory, alerts, waits
    /// recomputed by the tracker, and the report aggregates written by the commit.
    static func expectSameConsoleAnswers(_ a: Archive, _ b: Archive, corpus: SimulatedCorpus, rng: inout SeededRandom) async throws {
        let everything = ConversationFilter(limit: 500)
        let (totalA, listA) = try await a.conversations(everything)
        let (totalB, listB) = try await b.conversations(everything)
        #expect(totalA == totalB && totalA > 20 && listA == listB)
        let staff = corpus.archive.corp.employees.map(\.userID)
        for round in 0..<12 {
            var filter = ConversationFilter(limit: 20, offset: round % 3 == 0 ? 5 : 0)
            switch round % 4 {
            case 0: filter.party = rng.pick(staff)
            case 1: filter.visibleStaff = [rng.pick(staff), rng.pick(staff)]
            case 2: filter.hiddenStaff = Set(staff.prefix(3))
            default: filter.room = listA.compactMap(\.roomID).first
            }
            let x = try await a.conversations(filter), y = try await b.conversations(filter)
            #expect(x.total == y.total && x.conversations == y.conversations, "filter \(filter)")
        }
        for conversation in listA.prefix(15) {
            #expect(try await a.participants(ofConversation: conversation.id) == (try await b.participants(ofConversation: conversation.id)))
            #expect(try await a.messages(inConversation: conversation.id, limit: 50, offset: 2).map(\.id)
                    == (try await b.messages(inConversation: conversation.id, limit: 50, offset: 2).map(\.id)))
            #expect(try await a.conversation(id: conversation.id) == (try await b.conversation(id: conversation.id)))
        }
        #expect(try await a.directory(kind: "employee", matching: "", limit: 500) == (try await b.directory(kind: "employee", matching: "", limit: 500)))
        #expect(try await a.partyNames(Set(staff)) == (try await b.partyNames(Set(staff))))
        #expect(try await a.departments() == (try await b.departments()))
        #expect(try await a.organisationFacts().employeeDepartments == (try await b.organisationFacts().employeeDepartments))
        let times = corpus.decoded.map(\.time.milliseconds)
        let (first, last) = (times.min()!, times.max()! + 1)
        let activeA = try await a.activeConversations(since: first, until: last).map { "\($0.conversation) \($0.employee)" }.sorted()
        #expect(activeA == (try await b.activeConversations(since: first, until: last).map { "\($0.conversation) \($0.employee)" }.sorted()))

        let alertsA = try await a.alerts(status: nil, category: nil, limit: 10_000)
        let alertsB = try await b.alerts(status: nil, category: nil, limit: 10_000)
        #expect(!alertsA.isEmpty && alertsA.map(\.category) == alertsB.map(\.category) && alertsA.map(\.hitCount) == alertsB.map(\.hitCount))
        for (x, y) in zip(alertsA, alertsB).prefix(10) {
            #expect(try await a.alert(id: x.id)?.1 == (try await b.alert(id: y.id)?.1))
        }

        for store in [a, b] { try await ReplyTimeoutTracker(store: store, channels: []).recomputeDirty() }
        let waitsA = try await a.waits(since: first, until: last), waitsB = try await b.waits(since: first, until: last)
        #expect(waitsA.count > 20 && Set(waitsA) == Set(waitsB))
        let (sinceDay, untilDay) = ("2000-01-01", "2100-01-01")
        let repliesA = try await a.replyTotals(sinceDay: sinceDay, untilDay: untilDay, employees: nil)
        let repliesB = try await b.replyTotals(sinceDay: sinceDay, untilDay: untilDay, employees: nil)
        #expect(!repliesA.isEmpty && Set(repliesA) == Set(repliesB))

        for scope in [nil, Set(staff.prefix(4))] as [Set<String>?] {
            let x = try await a.insightTotals(sinceDay: sinceDay, untilDay: untilDay, employees: scope)
            let y = try await b.insightTotals(sinceDay: sinceDay, untilDay: untilDay, employees: scope)
            func same<T>(_ left: [T], _ right: [T], _ name: String) {
                #expect(left.map { "\($0)" }.sorted() == right.map { "\($0)" }.sorted(), "\(name), scope \(scope?.sorted() ?? [])")
            }
            same(x.violations, y.violations, "violations")
            same(x.violationTrend, y.violationTrend, "violation trend")
            same(x.hours, y.hours, "hours")
            same(x.topics, y.topics, "topics")
            same(x.sentiment, y.sentiment, "sentiment")
            same(x.volume, y.volume, "volume")
            same(x.volumeByDay, y.volumeByDay, "volume by day")
            #expect(x.mood.map(\.negative) == y.mood.map(\.negative))
            if scope == nil { #expect(!x.violations.isEmpty && !x.hours.isEmpty && !x.sentiment.isEmpty && !x.volume.isEmpty) }
        }
    }

    static func randomRequest(_ rng: inout SeededRandom, corpus: SimulatedCorpus, times: [Int64]) -> SearchRequest {
        var request = SearchRequest()
        request.limit = 50
        func term() -> String {
            let texts = corpus.decoded.map(\.searchableText).filter { $0.count >= 2 }
            let text = Array(rng.pick(texts).filter { $0 != "\n" && $0 != "\"" })
            let length = Int.random(in: 1...min(5, text.count), using: &rng)
            let start = Int.random(in: 0...(text.count - length), using: &rng)
            let value = String(text[start..<start + length]).trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? "的" : value
        }
        switch Int.random(in: 0..<8, using: &rng) {
        case 0: request.text = "\"\(term())\" \"\(term())\""
        case 1: request.text = "\"\(term())\" OR \"\(term())\""
        case 2: request.text = "\"\(term())\" -\"\(term())\""
        case 3: request.text = ""
        default: request.text = "\"\(term())\""
        }
        switch Int.random(in: 0..<7, using: &rng) {
        case 0: request.employees = [rng.pick(corpus.archive.corp.employees).userID]
        case 1:
            let from = times[Int.random(in: 0..<times.count, using: &rng)]
            request.since = Date(timeIntervalSince1970: Double(from) / 1000)
            request.until = Date(timeIntervalSince1970: Double(from) / 1000 + 86_400 * 3)
        case 2: request.msgtypes = [rng.pick(["text", "image", "file", "voice", "link"])]
        case 3: request.recalled = Bool.random(using: &rng)
        case 4: request.hasMedia = true
        case 5: request.newestFirst = false
        // Protected staff hide every conversation they took part in, by the same people on both engines.
        case 6: request.hiddenStaff = [rng.pick(corpus.archive.corp.employees).userID]
        default: break
        }
        request.offset = Int.random(in: 0..<3, using: &rng) == 0 ? 10 : 0
        return request
    }
}
