import ArchiveModel
import Foundation
import Decisions
import Ledger

/// How an engine checks a message's search-index entry during `verify`.
package struct DerivedCheck: Sendable {
    /// Given the leaf row, the message re-read from its verified raw JSON and the searchable text derived from it.
    package var index: @Sendable (_ row: LedgerLeafRow, _ message: ChatMessage, _ text: String) -> IndexOutcome

    package init(index: @escaping @Sendable (_ row: LedgerLeafRow, _ message: ChatMessage, _ text: String) -> IndexOutcome) {
        self.index = index
    }
}

/// What an engine found about one message's index entry.
package enum IndexOutcome: Sendable {
    /// The entry was read with the row and matches.
    case matches
    /// The entry was read with the row and differs, as described.
    case differs(String)
    /// The entry lives apart from the row (an FTS5 index): the expected keyed digest of its tokens, which the engine
    /// compares with a scan of the index after the walk.
    case digest(UInt64)
}

/// One leaf re-derived: its hash, and for a message what its columns should say.
struct LeafCheck: Sendable {
    var hash: Result<MerkleHash, VerifyFailure>
    var problems: [VerifyProblem] = []
    var message: ChatMessage?
    var indexDigest: UInt64?
    /// A verified audit event about a case (`case.create`, `case.add`, `case.hold`, `case.release`).
    var caseEvent: AuditEvent?
}

/// A case as its audit events say it must be.
struct CaseFacts {
    var held = false
    var members = Set<String>()
    /// False when an addition was recorded without its msgids: membership cannot be checked then.
    var membersKnown = true
}

/// Facts gathered from every message during the walk, compared with what the archive stores once the walk is done:
/// recall links, conversation counters and people, index digests.
struct DerivedFacts {
    static let problemLimit = 1000
    var problems: [VerifyProblem] = []
    var problemCount = 0
    /// target msgid → the first revoke (in ledger order) that names it.
    var recallTargets: [String: String] = [:]
    /// msgid → stored `recalled_by`, for the messages that have one.
    var storedRecalls: [String: String] = [:]
    var conversations: [String: ConversationDelta] = [:]
    var people: [String: Set<String>] = [:]
    /// message row id → expected digest of its index entry.
    var indexDigests: [Int64: UInt64] = [:]
    /// case id → what its audit events say.
    var cases: [String: CaseFacts] = [:]

    mutating func report(_ problem: VerifyProblem) {
        problemCount += 1
        if problems.count < Self.problemLimit { problems.append(problem) }
    }

    mutating func add(_ check: LeafCheck, row: LedgerLeafRow) {
        for problem in check.problems { report(problem) }
        if let recalledBy = row.recalledBy, let msgid = row.msgid { storedRecalls[msgid] = recalledBy }
        guard let message = check.message else { return }
        if let target = RecallLinking.target(of: message), recallTargets[target.rawValue] == nil {
            recallTargets[target.rawValue] = message.id.rawValue
        }
        if let conversation = message.conversation {
            conversations[conversation.rawValue, default: ConversationDelta(message)].add(message)
            people[conversation.rawValue, default: []].formUnion(message.participants.map(\.rawValue))
        }
        if let digest = check.indexDigest, let rowID = row.rowID { indexDigests[rowID] = digest }
    }
}

extension DerivedFacts {
    /// Replays one case event, in ledger order.
    mutating func apply(_ event: AuditEvent) {
        let id = event.target
        switch event.action {
        case "case.create": cases[id] = cases[id] ?? CaseFacts()
        case "case.add":
            if let list = event.detail["msgids"], let ids = try? JSONDecoder().decode([String].self, from: Data(list.utf8)) {
                cases[id, default: CaseFacts()].members.formUnion(ids)
            } else {
                cases[id, default: CaseFacts()].membersKnown = false
            }
        case "case.hold": cases[id, default: CaseFacts()].held = true
        case "case.release": cases[id, default: CaseFacts()].held = false
        default: break
        }
    }
}

/// A conversation's stored counters, as `verify` reads them back.
package struct StoredConversationCounters: Sendable {
    package var id: String
    package var room: String?
    package var partyA: String?
    package var partyB: String?
    package var first: Int64
    package var last: Int64
    package var count: Int64

    package init(id: String, room: String?, partyA: String?, partyB: String?, first: Int64, last: Int64, count: Int64) {
        self.id = id
        self.room = room
        self.partyA = partyA
        self.partyB = partyB
        self.first = first
        self.last = last
        self.count = count
    }
}

extension LedgerWalk {
    /// Whether the walk re-derives messages' columns (not in quick mode).
    package var checksDerived: Bool { derivedCheck != nil }

    /// Messages named by a revoke: the engine reports, for those it stores, their `recalled_by`.
    package var recallTargets: [String] { derived.recallTargets.keys.sorted() }

    /// - Parameter stored: for each of ``recallTargets`` the archive holds, its stored `recalled_by` (nil when none).
    package mutating func checkRecalls(stored: [String: String?]) {
        for (target, revoke) in derived.recallTargets.sorted(by: { $0.key < $1.key }) {
            guard let value = stored[target] else { continue }
            if value != revoke {
                derived.report(VerifyProblem(record: target, field: "recalled_by",
                                             detail: "stored \"\(value ?? "")\" but the first archived recall of it is \(revoke)"))
            }
        }
        for (msgid, value) in derived.storedRecalls.sorted(by: { $0.key < $1.key }) where derived.recallTargets[msgid] == nil {
            derived.report(VerifyProblem(record: msgid, field: "recalled_by",
                                         detail: "marked recalled by \(value), but no archived recall names it"))
        }
    }

    /// Compares every conversation's stored counters and people with those the messages give.
    package mutating func checkConversations(_ stored: [StoredConversationCounters], people storedPeople: [String: Set<String>]) {
        var seen = Set<String>()
        for row in stored {
            seen.insert(row.id)
            let record = "conversation:\(row.id)"
            guard let expected = derived.conversations[row.id] else {
                derived.report(VerifyProblem(record: record, field: "conversation", detail: "no archived message belongs to it"))
                continue
            }
            func compare(_ field: String, _ value: String, _ derivedValue: String) {
                if value != derivedValue {
                    derived.report(VerifyProblem(record: record, VerifyProblem.Difference(field: field, stored: value, derived: derivedValue)))
                }
            }
            compare("roomid", row.room ?? "", expected.room ?? "")
            compare("party_a", row.partyA ?? "", expected.partyA ?? "")
            compare("party_b", row.partyB ?? "", expected.partyB ?? "")
            compare("first_msgtime", String(row.first), String(expected.first))
            compare("last_msgtime", String(row.last), String(expected.last))
            compare("message_count", String(row.count), String(expected.count))
        }
        for id in derived.conversations.keys.sorted() where !seen.contains(id) {
            derived.report(VerifyProblem(record: "conversation:\(id)", field: "conversation", detail: "missing: its messages are archived"))
        }
        for id in Set(derived.people.keys).union(storedPeople.keys).sorted() {
            let expected = derived.people[id] ?? []
            let found = storedPeople[id] ?? []
            guard expected != found else { continue }
            let missing = expected.subtracting(found).sorted()
            let extra = found.subtracting(expected).sorted()
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing \(missing.joined(separator: ", "))") }
            if !extra.isEmpty { parts.append("not in any of its messages: \(extra.joined(separator: ", "))") }
            derived.report(VerifyProblem(record: "conversation:\(id)", field: "conversation_party", detail: parts.joined(separator: "; ")))
        }
    }

    /// Compares each message's expected index digest with the digest of the entries the index holds for it.
    /// - Parameters:
    ///   - actual: row id → digest of the index entries found under it.
    ///   - msgid: the msgid of a row id, to name a problem.
    package mutating func checkIndex(actual: [Int64: UInt64], msgid: (Int64) throws -> String?) rethrows {
        for rowID in Set(derived.indexDigests.keys).union(actual.keys).sorted() {
            let expected = derived.indexDigests[rowID]
            let found = actual[rowID]
            guard expected != found else { continue }
            let record = try msgid(rowID) ?? "row \(rowID)"
            let detail = switch (expected, found) {
            case (_, nil): "the message is missing from the search index"
            case (nil, _): "the search index holds entries for a row that is no archived message"
            default: "the search index entry does not match the message's text and participants"
            }
            derived.report(VerifyProblem(record: record, field: "index", detail: detail))
        }
    }

    /// Compares every stored case, its legal hold and its messages with what the ledgered audit events say: a hold lifted
    /// or messages removed behind ChatLedger's back are named.
    /// - Parameters:
    ///   - stored: each case id and whether it is held.
    ///   - members: each case's msgids.
    package mutating func checkCases(stored: [(id: String, held: Bool)], members: [String: Set<String>]) {
        var seen = Set<String>()
        for (id, held) in stored {
            seen.insert(id)
            let record = "case:\(id)"
            guard let expected = derived.cases[id] else {
                derived.report(VerifyProblem(record: record, field: "case", detail: "no audit event records its creation"))
                continue
            }
            if held != expected.held {
                derived.report(VerifyProblem(record: record, field: "held",
                                             detail: "stored \(held ? "held" : "not held") but its audit events leave it \(expected.held ? "held" : "not held")"))
            }
            let found = members[id] ?? []
            if expected.membersKnown, found != expected.members {
                let missing = expected.members.subtracting(found).count
                let extra = found.subtracting(expected.members).count
                derived.report(VerifyProblem(record: record, field: "case_message",
                                             detail: "\(missing) recorded messages missing, \(extra) not recorded as added"))
            }
        }
        for id in derived.cases.keys.sorted() where !seen.contains(id) {
            derived.report(VerifyProblem(record: "case:\(id)", field: "case", detail: "missing: its creation is in the audit trail"))
        }
    }

    /// The audit event of a leaf that is about a case, opened (the walk verified it already).
    static func caseEvent(_ row: LedgerLeafRow, sealer: Sealer) -> AuditEvent? {
        guard row.kind == "audit", let action = row.auditColumns?[2], action.hasPrefix("case."), let sealed = row.auditEvent,
              let json = try? sealer.open(sealed, context: SealContext.audit(row.index)) else { return nil }
        return try? JSONDecoder().decode(AuditEvent.self, from: Data(json))
    }

    static func messageRaw(_ row: LedgerLeafRow, sealer: Sealer) -> Result<[UInt8], VerifyFailure> {
        guard let msgid = row.msgid, let body = row.body else {
            return .failure(VerifyFailure(kind: "message", ref: row.ref, leafIndex: row.index,
                                          reason: "the message this leaf records is missing or was moved"))
        }
        do {
            return .success(try sealer.open(body, context: SealContext.body(msgid)))
        } catch {
            return .failure(VerifyFailure(kind: "message", ref: msgid, leafIndex: row.index, reason: "body \(error)"))
        }
    }

    /// A message leaf's hash and, unless in quick mode, every derived column compared with the raw JSON's reading.
    static func messageCheck(_ row: LedgerLeafRow, sealer: Sealer, derivedCheck: DerivedCheck?) -> LeafCheck {
        guard let msgid = row.msgid, msgid == row.ref, let seq = row.seq, row.body != nil else {
            return LeafCheck(hash: leafHash(row, sealer: sealer))
        }
        let raw: [UInt8]
        switch messageRaw(row, sealer: sealer) {
        case .failure(let failure): return LeafCheck(hash: .failure(failure))
        case .success(let opened): raw = opened
        }
        var check = LeafCheck(hash: .success(MerkleHash.leaf(LeafEncoding.message(seq: UInt64(seq), msgid: msgid, raw: raw))))
        guard let derivedCheck else { return check }
        let message: ChatMessage
        do {
            message = try ChatMessage.decode(raw, seq: UInt64(seq))
        } catch {
            check.problems.append(VerifyProblem(record: msgid, field: "body", detail: "the archived JSON no longer reads as a message: \(error)"))
            return check
        }
        let columns = MessageColumns(message)
        if var stored = row.columns, let sealedText = row.sealedText {
            do {
                stored.searchableText = String(decoding: try sealer.open(sealedText, context: SealContext.text(msgid)), as: UTF8.self)
            } catch {
                check.problems.append(VerifyProblem(record: msgid, field: "text", detail: "the sealed searchable text does not open: \(error)"))
                stored.searchableText = columns.searchableText
            }
            check.problems += columns.differences(stored: stored).map { VerifyProblem(record: msgid, $0) }
        } else {
            check.problems.append(VerifyProblem(record: msgid, field: "message", detail: "the message's columns could not be read"))
        }
        switch derivedCheck.index(row, message, columns.searchableText) {
        case .matches: break
        case .differs(let detail): check.problems.append(VerifyProblem(record: msgid, field: "index", detail: detail))
        case .digest(let digest): check.indexDigest = digest
        }
        check.message = message
        return check
    }
}
