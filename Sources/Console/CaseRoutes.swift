import ArchiveModel
import ArchiveStore
import Crypto
import Evidence
import Foundation
import Hummingbird
import NIOCore

/// How the console signs evidence packages: the ledger key, and the checkpoints' time-stamp authority if any.
public struct EvidenceSigning: Sendable {
    public var signingKey: Curve25519.Signing.PrivateKey
    public var timestamp: (@Sendable ([UInt8]) async throws -> [UInt8]?)?

    public init(signingKey: Curve25519.Signing.PrivateKey, timestamp: (@Sendable ([UInt8]) async throws -> [UInt8]?)?) {
        self.signingKey = signingKey
        self.timestamp = timestamp
    }
}

/// Cases, legal holds and evidence exports (`/api/v1/cases…`), for users who may export evidence.
///
/// A user adds only messages they may read, and exports only a case whose every message they may read: an export
/// carries raw, unmasked JSON, so it also needs the right to unmask. Lifting a hold takes a second user (four-eyes);
/// every change is an audit event (``CaseDesk``).
enum CaseRoutes {
    struct CaseJSON: ResponseEncodable, Sendable {
        var id: String
        var name: String
        var description: String
        var created_by: String
        var created_at: Int64
        var messages: Int
        var held: Bool
        var held_since: Int64?
        var held_by: String?
        var release_requested_by: String?
        var msgids: [String]?
        var exports: [CaseExport]?

        init(_ found: EvidenceCase) {
            id = found.id
            name = found.name
            description = found.description
            created_by = found.createdBy
            created_at = found.createdAt
            messages = found.messages
            held = found.held
            held_since = found.heldSince
            held_by = found.heldBy
            release_requested_by = found.releaseRequestedBy
        }
    }

    struct CreateBody: Decodable {
        var name: String
        var description: String?
    }

    struct AddBody: Decodable {
        var msgids: [String]?
        var conversation: String?
    }

    struct AddedJSON: ResponseEncodable, Sendable {
        var id: String
        var added: Int
        var messages: Int
    }

    struct ReleaseJSON: ResponseEncodable, Sendable {
        var id: String
        var status: String
        var requested_by: String?
    }

    /// At most this many msgids in one request.
    static let maximumMessagesPerAdd = 10_000

    static func add(to router: Router<ConsoleContext>, services: ConsoleServices) {
        router.get("api/v1/cases") { _, context -> Page<CaseJSON> in
            _ = try await services.authorize(context, .exportEvidence)
            let cases = try await services.store.cases().map(CaseJSON.init)
            return Page(total: cases.count, items: cases)
        }
        router.post("api/v1/cases") { request, context -> Response in
            let policy = try await services.authorize(context, .exportEvidence)
            let body = try await AdminRoutes.decode(CreateBody.self, request, context, hint: "{\"name\": \"…\", \"description\": \"…\"}")
            guard (1...200).contains(body.name.trimmingCharacters(in: .whitespacesAndNewlines).count), (body.description ?? "").count <= 4000 else {
                throw HTTPError(.badRequest, message: "a case needs a name of 1 to 200 characters and a description of at most 4,000")
            }
            let created = try await mapped { try await CaseDesk(store: services.store).create(name: body.name, description: body.description ?? "",
                                                                                           by: policy.principal.username) }
            return try CaseJSON(created).response(from: request, context: context).withStatus(.created)
        }
        router.get("api/v1/cases/:id") { _, context -> CaseJSON in
            let policy = try await services.authorize(context, .exportEvidence)
            return try await details(try caseID(context), policy: policy, services: services)
        }
        router.post("api/v1/cases/:id/messages") { request, context -> AddedJSON in
            let policy = try await services.authorize(context, .exportEvidence)
            let id = try caseID(context)
            let body = try await AdminRoutes.decode(AddBody.self, request, context, hint: "{\"msgids\": [\"…\"]} or {\"conversation\": \"…\"}")
            let ids = try await readableSelection(body, policy: policy, services: services)
            var selection = ["via": "console"]
            if let conversation = body.conversation { selection["conversation"] = conversation }
            let added = try await mapped { try await CaseDesk(store: services.store).add(id, messages: ids, selection: selection,
                                                                                      by: policy.principal.username) }
            return AddedJSON(id: id, added: added, messages: try await services.store.evidenceCase(id: id)?.messages ?? 0)
        }
        router.post("api/v1/cases/:id/hold") { _, context -> CaseJSON in
            let policy = try await services.authorize(context, .exportEvidence)
            return CaseJSON(try await mapped { try await CaseDesk(store: services.store).hold(try caseID(context), by: policy.principal.username) })
        }
        router.post("api/v1/cases/:id/release") { _, context -> ReleaseJSON in
            let policy = try await services.authorize(context, .exportEvidence)
            let id = try caseID(context)
            _ = try await readableCase(id, policy: policy, services: services, doing: "lift its hold")
            switch try await mapped({ try await CaseDesk(store: services.store).release(id, by: policy.principal.username) }) {
            case .requested: return ReleaseJSON(id: id, status: "release-requested", requested_by: policy.principal.username)
            case .released(let requestedBy): return ReleaseJSON(id: id, status: "released", requested_by: requestedBy)
            }
        }
        router.post("api/v1/cases/:id/export") { _, context -> Response in
            let policy = try await services.authorize(context, .exportEvidence)
            return try await export(try caseID(context), policy: policy, services: services)
        }
    }

    static func details(_ id: String, policy: AccessPolicy, services: ConsoleServices) async throws -> CaseJSON {
        guard let found = try await services.store.evidenceCase(id: id) else { throw HTTPError(.notFound, message: "no case \(id)") }
        var shown = CaseJSON(found)
        // Only the msgids this reader may read: a case's list is no way around the reader's scope.
        var readable: [String] = []
        for msgid in try await services.store.caseMessageIDs(id) where try await services.readableMessage(msgid.rawValue, policy: policy) != nil {
            readable.append(msgid.rawValue)
        }
        shown.msgids = readable
        shown.exports = try await services.store.caseExports(id)
        return shown
    }

    /// The messages a request names, each one the user may read; anything else is a 404 that reveals nothing.
    static func readableSelection(_ body: AddBody, policy: AccessPolicy, services: ConsoleServices) async throws -> [MessageID] {
        if let conversation = body.conversation {
            let (grant, summary) = try await services.requireReadable(conversation: conversation, policy: policy)
            guard summary.messageCount <= maximumMessagesPerAdd * 10 else {
                throw HTTPError(.badRequest, message: "the conversation holds more than \(maximumMessagesPerAdd * 10) messages; add them by msgid")
            }
            var ids: [MessageID] = []
            var offset = 0
            while true {
                let page = try await services.messages(in: grant, limit: 1000, offset: offset)
                ids += page.map(\.id)
                if page.count < 1000 { break }
                offset += page.count
            }
            return ids
        }
        let msgids = Array(Set(body.msgids ?? []))
        guard !msgids.isEmpty, msgids.count <= maximumMessagesPerAdd else {
            throw HTTPError(.badRequest, message: "send 1 to \(maximumMessagesPerAdd) msgids, or a conversation")
        }
        for msgid in msgids where try await services.readableMessage(msgid, policy: policy) == nil {
            throw HTTPError(.notFound, message: "no message \(msgid) that you may read")
        }
        return msgids.map { MessageID($0) }
    }

    /// The case's messages, when the reader may read every one of them (to export the case or lift its hold); else 403.
    static func readableCase(_ id: String, policy: AccessPolicy, services: ConsoleServices, doing action: String) async throws -> [MessageID] {
        guard try await services.store.evidenceCase(id: id) != nil else { throw HTTPError(.notFound, message: "no case \(id)") }
        let ids = try await services.store.caseMessageIDs(id)
        for msgid in ids where try await services.readableMessage(msgid.rawValue, policy: policy) == nil {
            throw HTTPError(.forbidden, message: "case \(id) holds messages outside what you may read; someone whose scope covers them must \(action)")
        }
        return ids
    }

    /// Streams a fresh evidence package of the case; the file is removed once sent.
    static func export(_ id: String, policy: AccessPolicy, services: ConsoleServices) async throws -> Response {
        guard let signing = services.evidence else {
            throw HTTPError(.serviceUnavailable, message: "this console was started without the ledger signing key; export with `chatledger export`")
        }
        guard !policy.masksPII else {
            throw HTTPError(.forbidden, message: "an evidence package holds messages unmasked; exporting needs the right to unmask")
        }
        // Exactly the messages checked here are exported, whatever is added to the case meanwhile.
        let ids = try await readableCase(id, policy: policy, services: services, doing: "export it")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chatledger-export-\(UUID().uuidString)")
        try PrivateFiles.createFolder(folder)
        let file = folder.appendingPathComponent("\(id).zip")
        let size: Int
        do {
            _ = try await mapped {
                try await EvidenceExporter(store: services.store, blobs: services.blobs, signingKey: signing.signingKey, timestamp: signing.timestamp)
                    .export(EvidenceExportRequest(scope: .evidenceCase(id, only: ids), exportedBy: policy.principal.username, destination: file))
            }
            size = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        // Streamed in chunks: a package can be far larger than memory should hold.
        let body = ResponseBody(contentLength: size) { writer in
            defer { try? FileManager.default.removeItem(at: folder) }
            let handle = try FileHandle(forReadingFrom: file)
            defer { try? handle.close() }
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/zip", .contentDisposition: "attachment; filename=\"\(id).zip\""],
                        body: body)
    }

    /// The `:id` path parameter, or 400.
    static func caseID(_ context: ConsoleContext) throws -> String {
        let id = try context.pathParameter("id")
        guard id.range(of: "^case-[0-9a-f]{12}$", options: .regularExpression) != nil else {
            throw HTTPError(.notFound, message: "no case \(id)")
        }
        return id
    }

    /// Store refusals as HTTP: an unknown case is 404, a rule (a second person must release a hold) 409.
    static func mapped<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StorageError where !error.unavailable {
            throw HTTPError(error.notFound ? .notFound : .conflict, message: error.description)
        } catch let error as EvidenceError {
            throw HTTPError(.conflict, message: error.message)
        }
    }
}
