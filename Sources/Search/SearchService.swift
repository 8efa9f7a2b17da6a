import ArchiveModel
import ArchiveStore
import Foundation
import TextKit

/// Runs searches: parses the terms, normalizes and tokenizes them (TextKit), resolves people and
/// departments to ids, asks the store, and builds snippets from the unsealed text.
public struct SearchService: Sendable {
    public var store: any SearchableArchive

    public init(store: any SearchableArchive) { self.store = store }

    public static let maximumLimit = 1000

    public func search(_ request: SearchRequest) async throws -> SearchResult {
        guard (1...Self.maximumLimit).contains(request.limit) else {
            throw SearchError("limit must be between 1 and \(Self.maximumLimit)")
        }
        guard request.offset >= 0 else { throw SearchError("offset must not be negative") }
        if let since = request.since, let until = request.until, since >= until {
            throw SearchError("since must be before until")
        }
        let parsed = SearchQueryParser.parse(request.text)
        if request.maskPII, let term = parsed.excluded.first(where: Self.touchesDigits) {
            // Excluding by digits would tell, by what disappears, which digits a masked number holds.
            throw SearchError("numbers are masked for you, so digits cannot be excluded (-\(term)); search for them instead")
        }
        guard let query = try await plan(request, parsed: parsed) else {
            return SearchResult(total: 0, totalIsLowerBound: false, hits: [])
        }
        if request.maskPII, parsed.clauses.joined().contains(where: Self.touchesDigits) {
            return try await searchMasked(query, parsed: parsed, request: request)
        }
        let page = try await store.search(query)
        let terms = parsed.highlightTerms
        let hits = page.messages.map { message in
            let text = request.maskPII ? PIIMasker.mask(message.searchableText) : message.searchableText
            return SearchHit(message: Self.summary(message), snippet: Highlighter.snippet(text, terms: terms))
        }
        return SearchResult(total: page.total, totalIsLowerBound: page.totalIsLowerBound, hits: hits)
    }

    /// How many index matches a masked reader's digit search reads to judge them on the masked text.
    public static let maskedScanLimit = 2000

    /// A search by digits for a reader whose numbers are masked: the index knows the clear digits, so which
    /// messages match — and how many — would spell a masked number out a digit at a time (`1380`, `1381` …).
    /// Matches are judged on the masked text instead, as that reader sees it; the total counts what they would
    /// see (a lower bound when the index held more than ``maskedScanLimit`` candidates).
    func searchMasked(_ query: MessageQuery, parsed: ParsedQuery, request: SearchRequest) async throws -> SearchResult {
        var wide = query
        wide.limit = Self.maskedScanLimit
        wide.offset = 0
        let page = try await store.search(wide)
        let terms = parsed.highlightTerms
        var visible: [SearchHit] = []
        for message in page.messages {
            let masked = PIIMasker.mask(message.searchableText)
            guard parsed.clauses.allSatisfy({ clause in clause.contains { Highlighter.contains(masked, $0) } }) else { continue }
            visible.append(SearchHit(message: Self.summary(message), snippet: Highlighter.snippet(masked, terms: terms)))
        }
        let truncated = page.totalIsLowerBound || page.total > page.messages.count
        let hits = Array(visible.dropFirst(request.offset).prefix(request.limit))
        return SearchResult(total: visible.count, totalIsLowerBound: truncated, hits: hits)
    }

    /// Whether a term holds a digit or a numeral, in any spelling masking reads.
    static func touchesDigits(_ term: String) -> Bool {
        TextNormalizer.normalize(term).scalars.contains {
            ("0"..."9").contains($0) || NumberReader.numeral($0) != nil || NumberReader.decimal($0) != nil
        }
    }

    /// The store query, or `nil` when a filter names nobody (nothing can match).
    func plan(_ request: SearchRequest, parsed: ParsedQuery) async throws -> MessageQuery? {
        var query = MessageQuery()
        query.clauses = parsed.clauses.map { $0.compactMap(SearchTokenizer.term) }.filter { !$0.isEmpty }
        query.excluded = parsed.excluded.compactMap(SearchTokenizer.term)
        if !request.employees.isEmpty || !request.departments.isEmpty {
            var ids: [String] = []
            for employee in request.employees { ids += try await store.parties(matching: employee, kind: .employee) + [employee] }
            for department in request.departments { ids += try await store.employees(inDepartment: department) }
            guard !ids.isEmpty else { return nil }
            query.partyGroups.append(Array(Set(ids)).sorted())
        }
        if !request.customers.isEmpty {
            var ids: [String] = []
            for customer in request.customers { ids += try await store.parties(matching: customer, kind: .externalContact) + [customer] }
            query.partyGroups.append(Array(Set(ids)).sorted())
        }
        if let visible = request.visibleStaff {
            guard !visible.isEmpty else { return nil }
            query.partyGroups.append(visible.sorted())
        }
        // Whole conversations they took part in, as opening a conversation counts them (not only messages naming them).
        query.hiddenParticipants = request.hiddenStaff.sorted()
        if !request.rooms.isEmpty { query.rooms = request.rooms }
        if !request.conversations.isEmpty { query.conversations = request.conversations }
        query.since = request.since.map { WeComTime(date: $0).milliseconds }
        query.until = request.until.map { WeComTime(date: $0).milliseconds }
        if !request.msgtypes.isEmpty { query.msgtypes = request.msgtypes }
        if !request.fileExtensions.isEmpty { query.fileExtensions = request.fileExtensions }
        query.hasMedia = request.hasMedia
        query.recalled = request.recalled
        query.newestFirst = request.newestFirst
        query.limit = request.limit
        query.offset = request.offset
        return query
    }

    public static func summary(_ message: StoredMessage) -> StoredMessageSummary {
        StoredMessageSummary(
            msgid: message.id.rawValue, seq: message.seq, msgtime: message.time.milliseconds, from: message.from.rawValue,
            toList: message.toList.map(\.rawValue), roomid: message.room?.rawValue ?? "", msgtype: message.msgtype,
            conversation: message.conversation?.rawValue, recalled: message.recalledBy != nil)
    }
}
