import ArchiveModel
import ArchiveStore
import Foundation
import Hummingbird
import Search
import TextKit

/// Conversations, a customer's whole history, messages, search and media: content, so every call is
/// authorized by the reader's ``AccessPolicy`` and every look is audited.
enum ContentRoutes {
    static func add(to router: Router<ConsoleContext>, services: ConsoleServices) {
        router.get("api/v1/conversations") { request, context -> Page<ConversationJSON> in
            let policy = try await services.authorize(context, .readContent)
            let query = QueryParameters(request)
            let filter = ConversationFilter(party: query.string("party"), room: query.string("room"), visibleStaff: policy.visibleStaff,
                                            hiddenStaff: policy.hiddenStaff, limit: try query.int("limit", default: 50, range: 1...500),
                                            offset: try query.int("offset", default: 0, range: 0...10_000_000))
            return try await conversations(filter, services: services, policy: policy)
        }
        router.get("api/v1/conversations/:id/messages") { request, context -> Page<MessageJSON> in
            let policy = try await services.authorize(context, .readContent)
            let id = try context.pathParameter("id")
            let (grant, conversation) = try await services.requireReadable(conversation: id, policy: policy)
            let query = QueryParameters(request)
            let limit = try query.int("limit", default: 200, range: 1...1000)
            let offset = try query.int("offset", default: 0, range: 0...10_000_000)
            let messages = try await services.messages(in: grant, limit: limit, offset: offset)
            try await services.audit(policy.principal, "conversation.view", id, ["offset": "\(offset)", "count": "\(messages.count)"])
            return Page(total: conversation.messageCount, items: try await messageJSON(messages, services: services, policy: policy))
        }
        router.get("api/v1/customers/:id") { _, context -> CustomerJSON in
            let policy = try await services.authorize(context, .readContent)
            let id = try context.pathParameter("id")
            let filter = ConversationFilter(party: id, visibleStaff: policy.visibleStaff, hiddenStaff: policy.hiddenStaff, limit: 500)
            let page = try await conversations(filter, services: services, policy: policy)
            // A customer is known to a reader only through a conversation they may read — never an employee,
            // never someone the reader has no conversation with, whatever their scope.
            guard let party = try await services.store.party(id: id), party.kind == PartyKind.externalContact.rawValue, page.total > 0 else {
                throw HTTPError(.notFound, message: "no customer \(id) with conversations you may read")
            }
            try await services.audit(policy.principal, "customer.view", id)
            return CustomerJSON(id: party.id, name: policy.masksPII ? PIIMasker.mask(party.name) : party.name, corpName: party.corpName,
                                conversations: page.items)
        }
        router.get("api/v1/messages/:msgid") { _, context -> MessageJSON in
            let policy = try await services.authorize(context, .readContent)
            let msgid = try context.pathParameter("msgid")
            guard let message = try await services.readableMessage(msgid, policy: policy) else {
                throw HTTPError(.notFound, message: "no message \(msgid) that you may read")
            }
            try await services.audit(policy.principal, "message.view", msgid)
            return try await messageJSON([message], services: services, policy: policy)[0]
        }
        router.get("api/v1/search") { request, context -> SearchJSON in
            let policy = try await services.authorize(context, .readContent)
            let search = try searchRequest(QueryParameters(request), policy: policy)
            let result: SearchResult
            do {
                result = try await services.search.search(search)
            } catch let error as SearchError {
                throw HTTPError(.badRequest, message: error.description)
            }
            try await services.audit(policy.principal, "search", search.text, auditDetail(QueryParameters(request)))
            let names = try await services.partyNames(Set(result.hits.map(\.message.from)), policy: policy)
            return SearchJSON(total: result.total, totalIsLowerBound: result.totalIsLowerBound, hits: result.hits.map { hit in
                SearchHitJSON(msgid: hit.message.msgid, msgtime: hit.message.msgtime, from: hit.message.from, fromName: names[hit.message.from],
                              toList: hit.message.toList, roomid: hit.message.roomid, msgtype: hit.message.msgtype,
                              conversation: hit.message.conversation, recalled: hit.message.recalled,
                              snippet: hit.snippet)
            })
        }
        router.get("api/v1/media/:sha256") { request, context -> Response in
            // Readers of content, and reviewers for the conversations of their own samples.
            let principal = try context.requirePrincipal()
            let policy = try await services.authorize(context, principal.may(.readContent) ? .readContent : .reviewQuality)
            let sha = try context.pathParameter("sha256")
            guard let msgid = QueryParameters(request).string("msgid") else {
                throw HTTPError(.badRequest, message: "name the message the attachment belongs to: ?msgid=…")
            }
            guard let message = try await mediaMessage(msgid, policy: policy, services: services),
                  try await services.mediaHashes(of: message).contains(sha),
                  let bytes = try await services.blobs?.get(sha) else {
                throw HTTPError(.notFound, message: "no attachment \(sha) of a message you may read")
            }
            try await services.audit(policy.principal, "media.download", sha, ["msgid": msgid])
            // Shown in the page (images, audio, video) only when the bytes are plainly such media; otherwise a download.
            let type = MediaType.sniff(bytes)
            let inline = try QueryParameters(request).bool("inline") == true && type.inlineable
            return Response(status: .ok, headers: [.contentType: type.mime,
                                                   .contentDisposition: inline ? "inline" : "attachment; filename=\"\(sha.prefix(16)).\(type.fileExtension)\"",
                                                   .cacheControl: "private, no-store"],
                            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    /// What attachment bytes are, by their first bytes (WeCom gives no type for most media).
    struct MediaType {
        var mime: String
        var fileExtension: String
        var inlineable: Bool

        static func sniff(_ bytes: [UInt8]) -> MediaType {
            func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
                bytes.count >= offset + prefix.count && Array(bytes[offset..<offset + prefix.count]) == prefix
            }
            if starts([0xFF, 0xD8, 0xFF]) { return MediaType(mime: "image/jpeg", fileExtension: "jpg", inlineable: true) }
            if starts([0x89, 0x50, 0x4E, 0x47]) { return MediaType(mime: "image/png", fileExtension: "png", inlineable: true) }
            if starts(Array("GIF8".utf8)) { return MediaType(mime: "image/gif", fileExtension: "gif", inlineable: true) }
            if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return MediaType(mime: "image/webp", fileExtension: "webp", inlineable: true) }
            if starts(Array("ftyp".utf8), at: 4) { return MediaType(mime: "video/mp4", fileExtension: "mp4", inlineable: true) }
            if starts(Array("ID3".utf8)) { return MediaType(mime: "audio/mpeg", fileExtension: "mp3", inlineable: true) }
            if starts(Array("#!AMR".utf8)) { return MediaType(mime: "audio/amr", fileExtension: "amr", inlineable: true) }
            if starts(Array("%PDF".utf8)) { return MediaType(mime: "application/pdf", fileExtension: "pdf", inlineable: false) }
            return MediaType(mime: "application/octet-stream", fileExtension: "bin", inlineable: false)
        }
    }

    struct CustomerJSON: ResponseEncodable {
        var id: String
        var name: String
        var corpName: String?
        /// Every conversation with this customer, whichever employee served them.
        var conversations: [ConversationJSON]
    }

    static func conversations(_ filter: ConversationFilter, services: ConsoleServices, policy: AccessPolicy) async throws -> Page<ConversationJSON> {
        let (total, conversations) = try await services.store.conversations(filter)
        let names = try await services.partyNames(Set(conversations.flatMap { [$0.partyA, $0.partyB].compactMap { $0 } }), policy: policy)
        return Page(total: total, items: conversations.map { ConversationJSON($0, names: names, maskPII: policy.masksPII) })
    }

    /// The message an attachment is asked for through, when the reader may open it: as content, or as the
    /// conversation of one of their review samples.
    static func mediaMessage(_ msgid: String, policy: AccessPolicy, services: ConsoleServices) async throws -> StoredMessage? {
        if policy.may(.readContent) { return try await services.readableMessage(msgid, policy: policy) }
        let purposes = try await services.store.reviewSamples(period: nil, reviewed: nil).map {
            AccessPolicy.Purpose.review(conversation: $0.conversation, employee: $0.employee)
        }
        return purposes.isEmpty ? nil : try await services.readableMessage(msgid, policy: policy, for: purposes)
    }

    static func messageJSON(_ messages: [StoredMessage], services: ConsoleServices, policy: AccessPolicy) async throws -> [MessageJSON] {
        let names = try await services.partyNames(Set(messages.map(\.from.rawValue)), policy: policy)
        var result: [MessageJSON] = []
        for message in messages {
            let media = try await services.mediaHashes(of: message)
            result.append(MessageJSON(message, names: names, media: media, maskPII: policy.masksPII))
        }
        return result
    }

    /// Every filter of the search issue: `q`, `employee`, `department`, `customer`, `room`, `conversation`,
    /// `since`, `until`, `type`, `ext`, `has_media`, `recalled`, `order`, `limit`, `offset`.
    static func searchRequest(_ query: QueryParameters, policy: AccessPolicy) throws -> SearchRequest {
        var search = SearchRequest()
        search.text = try query.text("q") ?? ""
        search.employees = query.strings("employee")
        search.departments = try query.strings("department").map { text in
            guard let id = Int64(text) else { throw HTTPError(.badRequest, message: "department must be a department id, not \(text)") }
            return id
        }
        search.customers = query.strings("customer")
        search.rooms = query.strings("room")
        search.conversations = query.strings("conversation")
        search.since = try query.date("since")
        search.until = try query.date("until")
        search.msgtypes = query.strings("type")
        search.fileExtensions = query.strings("ext")
        search.hasMedia = try query.bool("has_media")
        search.recalled = try query.bool("recalled")
        if let order = query.string("order") {
            guard ["newest", "oldest"].contains(order) else { throw HTTPError(.badRequest, message: "order must be newest or oldest") }
            search.newestFirst = order == "newest"
        }
        search.limit = try query.int("limit", default: 20, range: 1...SearchService.maximumLimit)
        search.offset = try query.int("offset", default: 0, range: 0...10_000_000)
        search.visibleStaff = policy.visibleStaff
        search.hiddenStaff = policy.hiddenStaff
        search.maskPII = policy.masksPII
        return search
    }

    static func auditDetail(_ query: QueryParameters) -> [String: String] {
        var detail: [String: String] = [:]
        for name in ["employee", "department", "customer", "room", "conversation", "since", "until", "type", "ext", "has_media", "recalled"] {
            if let value = query.string(name) { detail[name] = value }
        }
        return detail
    }
}
