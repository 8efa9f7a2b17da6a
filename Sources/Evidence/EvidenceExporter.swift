import ArchiveModel
import ArchiveStore
import Crypto
import Foundation
import Ledger
import Presentation

/// What to export and who asks.
public struct EvidenceExportRequest: Sendable {
    public enum Scope: Sendable {
        /// A case's messages; with `only`, just those of them (the ones a reader's scope was checked against).
        case evidenceCase(String, only: [MessageID]? = nil)
        /// A conversation, optionally within [since, until) (milliseconds).
        case conversation(String, since: Int64?, until: Int64?)
    }

    public var scope: Scope
    public var exportedBy: String
    public var destination: URL

    public init(scope: Scope, exportedBy: String, destination: URL) {
        self.scope = scope
        self.exportedBy = exportedBy
        self.destination = destination
    }
}

/// What an export wrote (`export --json`).
public struct EvidenceExportResult: Sendable, Codable {
    public var path: String
    public var caseID: String?
    public var messages: Int
    public var media: Int
    public var bytes: UInt64
    public var manifestSHA256: String
    /// The package checkpoint's tree size (the proofs' tree).
    public var treeSize: UInt64
    public var latestTreeSize: UInt64
    public var timestamped: Bool
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case path, messages, media, bytes, seconds, timestamped
        case caseID = "case_id"
        case manifestSHA256 = "manifest_sha256"
        case treeSize = "tree_size"
        case latestTreeSize = "latest_tree_size"
    }
}

/// Writes an evidence package (docs/evidence.md): every selected message byte for byte, its attachments, an inclusion
/// proof of each against a signed checkpoint, that checkpoint's consistency with the newest, a readable transcript,
/// a standalone verifier, and a manifest signed with the ledger key. The export is an audit event on the ledger and,
/// for a case, listed on it.
public struct EvidenceExporter: Sendable {
    let store: any ConsoleArchive
    let blobs: (any BlobStore)?
    let signingKey: Curve25519.Signing.PrivateKey
    let timestamp: (@Sendable ([UInt8]) async throws -> [UInt8]?)?

    public init(store: any ConsoleArchive, blobs: (any BlobStore)?, signingKey: Curve25519.Signing.PrivateKey,
                timestamp: (@Sendable ([UInt8]) async throws -> [UInt8]?)? = nil) {
        self.store = store
        self.blobs = blobs
        self.signingKey = signingKey
        self.timestamp = timestamp
    }

    public func export(_ request: EvidenceExportRequest) async throws -> EvidenceExportResult {
        let started = Date()
        let (ids, evidenceCase, scope) = try await selection(request.scope)
        let messages = try await store.messages(ids: ids)
        guard !messages.isEmpty else { throw EvidenceError("nothing to export: the selection holds no archived message") }
        let media = try await store.mediaLeaves(of: messages.map(\.id))
        if !media.isEmpty && blobs == nil {
            throw EvidenceError("the selection has \(media.count) attachments but no blob store is configured to read them")
        }

        // A fresh checkpoint makes `latest` cover everything archived so far; the package's own checkpoint covers every
        // exported leaf: proof the records existed by its time.
        try await store.writeCheckpoint(signingKey: signingKey, timestamp: timestamp)
        let checkpoints = try await store.checkpoints().filter { $0.isSigned(by: signingKey.publicKey) }
        let highest = max(messages.map(\.leafIndex).max() ?? 0, media.map(\.leafIndex).max() ?? 0)
        let covering = checkpoints.filter { $0.treeSize > highest }
        // The earliest time-stamped checkpoint proves the most (existence by then, on a third party's word); without
        // one, the fresh checkpoint a configured TSA just stamped; else the earliest (the operator's own time).
        guard let latest = checkpoints.last,
              let anchor = covering.first(where: { $0.timestampToken != nil }) ?? (timestamp != nil ? covering.last : covering.first) else {
            throw EvidenceError("no checkpoint signed with this key covers the selection; check the signing key")
        }
        let leaves = messages.map(\.leafIndex) + media.map(\.leafIndex)
        let proofs = try await store.inclusionProofs(leaves: leaves, treeSize: anchor.treeSize)
        let consistency = anchor.treeSize == latest.treeSize ? []
            : try await store.consistencyProof(from: anchor.treeSize, to: latest.treeSize).map { MerkleHash(bytes: $0) }

        let writer = try EvidencePackageWriter(url: request.destination)
        var leafHashes: [UInt64: String] = [:]
        for message in messages {
            let leaf = LeafEncoding.message(seq: message.seq, msgid: message.id.rawValue, raw: message.raw)
            leafHashes[message.leafIndex] = MerkleHash.leaf(leaf).hex
            try writer.add(path: EvidenceFormat.messagePath(message.leafIndex), bytes: message.raw)
            try writer.add(path: EvidenceFormat.proofPath(message.leafIndex), bytes: try proofFile(message.leafIndex, leaf, anchor, proofs))
        }
        var written = Set<String>()
        for attachment in media {
            guard let digest = MerkleHash(hex: attachment.sha256) else {
                throw EvidenceError("attachment of \(attachment.msgid) has no valid SHA-256; run `chatledger verify`")
            }
            if written.insert(attachment.sha256).inserted {
                guard let bytes = try await blobs?.get(attachment.sha256) else {
                    throw EvidenceError("attachment \(attachment.sha256) of message \(attachment.msgid) is missing from the blob store")
                }
                try writer.add(path: EvidenceFormat.mediaPath(attachment.sha256), bytes: bytes)
            }
            let leaf = LeafEncoding.media(msgid: attachment.msgid, sdkFileID: attachment.sdkFileID, sha256: digest.bytes, size: attachment.size)
            try writer.add(path: EvidenceFormat.proofPath(attachment.leafIndex), bytes: try proofFile(attachment.leafIndex, leaf, anchor, proofs))
        }
        try writer.add(path: EvidenceFormat.checkpointPath, bytes: try EvidenceFormat.json(
            EvidenceCheckpointFile(checkpoint: anchor, latest: latest, consistencyProof: consistency, publicKey: signingKey.publicKey)))
        let transcript = try await self.transcript(messages, media: media, leafHashes: leafHashes, anchor: anchor, request: request,
                                                   evidenceCase: evidenceCase, started: started)
        try writer.add(path: EvidenceFormat.transcriptPath, bytes: Array(TranscriptPage.render(transcript).utf8))
        try writer.add(path: EvidenceFormat.verifierPath, bytes: try EvidenceResources.bytes(of: "verify.py"))
        try writer.add(path: EvidenceFormat.readmePath, bytes: try EvidenceResources.bytes(of: "README.txt"))
        let manifest = try writer.finish(EvidenceManifest(
            origin: anchor.origin,
            caseReference: evidenceCase.map { .init(id: $0.id, name: $0.name, description: $0.description) },
            scope: scope, exportedBy: request.exportedBy, exportedAt: EvidenceFormat.timestamp(started),
            messages: messages.count, media: media.count, files: []), signingKey: signingKey)
        let manifestSHA = SHA256.hash(data: try EvidenceFormat.json(manifest)).map { String(format: "%02x", $0) }.joined()
        let size = (try? FileManager.default.attributesOfItem(atPath: request.destination.path)[.size] as? NSNumber)?.uint64Value ?? 0

        var detail = scope
        detail["manifest_sha256"] = manifestSHA
        detail["messages"] = String(messages.count)
        detail["media"] = String(media.count)
        try await store.appendAudit(AuditEvent(actor: request.exportedBy, action: "export", target: evidenceCase?.id ?? scope["conversation"] ?? "",
                                               detail: detail))
        if let evidenceCase {
            try await store.recordExport(CaseExport(caseID: evidenceCase.id, exportedBy: request.exportedBy,
                                                    exportedAt: Int64(started.timeIntervalSince1970 * 1000), manifestSHA256: manifestSHA,
                                                    messages: messages.count, media: media.count, held: evidenceCase.held))
        }
        return EvidenceExportResult(path: request.destination.path, caseID: evidenceCase?.id, messages: messages.count, media: media.count,
                                    bytes: size, manifestSHA256: manifestSHA, treeSize: anchor.treeSize, latestTreeSize: latest.treeSize,
                                    timestamped: anchor.timestampToken != nil, seconds: Date().timeIntervalSince(started))
    }

    private func proofFile(_ index: UInt64, _ leaf: [UInt8], _ anchor: Checkpoint, _ proofs: [UInt64: [MerkleHashBytes]]) throws -> [UInt8] {
        guard let proof = proofs[index] else { throw EvidenceError("no inclusion proof for leaf \(index); run `chatledger verify`") }
        return try EvidenceFormat.json(EvidenceProofFile(leafIndex: index, treeSize: anchor.treeSize, leaf: leaf,
                                                         inclusionProof: proof.map { MerkleHash(bytes: $0) }))
    }

    /// The messages a scope selects, the case (if any) and the scope as the manifest states it.
    private func selection(_ scope: EvidenceExportRequest.Scope) async throws -> ([MessageID], EvidenceCase?, [String: String]) {
        switch scope {
        case .evidenceCase(let id, let only):
            guard let found = try await store.evidenceCase(id: id) else {
                throw EvidenceError("no case \(id); `chatledger case list` shows the cases")
            }
            let members = try await store.caseMessageIDs(id)
            let chosen = only.map { wanted in let allowed = Set(wanted); return members.filter(allowed.contains) } ?? members
            return (chosen, found, ["kind": "case", "case": id])
        case .conversation(let id, let since, let until):
            var ids: [MessageID] = []
            var offset = 0
            while true {
                let page = try await store.messages(inConversation: id, limit: 1000, offset: offset)
                ids += page.filter { message in
                    since.map { message.time.milliseconds >= $0 } ?? true && until.map { message.time.milliseconds < $0 } ?? true
                }.map(\.id)
                if page.count < 1000 { break }
                offset += page.count
            }
            var stated = ["kind": "conversation", "conversation": id]
            if let since { stated["since"] = WeComTime(milliseconds: since).iso8601 }
            if let until { stated["until"] = WeComTime(milliseconds: until).iso8601 }
            return (ids, nil, stated)
        }
    }

    private func transcript(_ messages: [StoredMessage], media: [MediaLeaf], leafHashes: [UInt64: String], anchor: Checkpoint,
                            request: EvidenceExportRequest, evidenceCase: EvidenceCase?, started: Date) async throws -> Transcript {
        var people = Set<String>()
        for message in messages { people.insert(message.from.rawValue); people.formUnion(message.toList.map(\.rawValue)) }
        let names = try await store.partyNames(people)
        var employees = Set<String>()
        for id in people where try await store.party(id: id)?.kind == PartyKind.employee.rawValue { employees.insert(id) }
        let rooms = try await store.roomNames()
        var attachments: [String: [String]] = [:]
        for attachment in media { attachments[attachment.msgid, default: []].append(attachment.sha256) }
        let link: @Sendable (String, String) -> String = { sha, _ in EvidenceFormat.mediaPath(sha) }
        let chinese = MessagePresenter(names: names, employees: employees, maskPII: false, t: Localization.table("zh"), mediaLink: link)
        let english = MessagePresenter(names: names, employees: employees, maskPII: false, t: Localization.table("en"), mediaLink: link)

        var order: [String] = []
        var grouped: [String: [StoredMessage]] = [:]
        for message in messages {
            let key = message.conversation?.rawValue ?? "-"
            if grouped[key] == nil { order.append(key) }
            grouped[key, default: []].append(message)
        }
        let conversations = order.map { key in
            let members = grouped[key]!.sorted { ($0.time.milliseconds, $0.leafIndex) < ($1.time.milliseconds, $1.leafIndex) }
            let title = Self.title(of: members[0], names: names, rooms: rooms)
            return Transcript.Conversation(title: title, messages: members.map { message in
                let hashes = attachments[message.id.rawValue] ?? []
                return Transcript.Message(leafIndex: message.leafIndex, leafHashHex: leafHashes[message.leafIndex] ?? "",
                                          msgid: message.id.rawValue, zh: chinese.card(message, media: hashes),
                                          en: english.card(message, media: hashes))
            })
        }
        return Transcript(title: evidenceCase?.name ?? conversations.first?.title.zh ?? "", caseName: evidenceCase?.name,
                          exportedAt: started, exportedBy: request.exportedBy, origin: anchor.origin, treeSize: anchor.treeSize,
                          rootHex: anchor.root.hex, checkpointTime: Date(timeIntervalSince1970: Double(anchor.timeMilliseconds) / 1000),
                          conversations: conversations)
    }

    static func title(of message: StoredMessage, names: [String: String], rooms: [String: String]) -> (zh: String, en: String) {
        if let room = message.room {
            let name = rooms[room.rawValue] ?? room.rawValue
            return ("群聊：\(name)", "Group: \(name)")
        }
        let people = ([message.from] + message.toList.prefix(1)).map { names[$0.rawValue] ?? $0.rawValue }.joined(separator: " ↔ ")
        return ("单聊：\(people)", "Chat: \(people)")
    }
}

/// The files every package carries verbatim (the verifier and the readme), shipped as resources of this module.
enum EvidenceResources {
    static func bytes(of name: String) throws -> [UInt8] {
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        guard let url = Bundle.module.url(forResource: parts[0], withExtension: parts.count > 1 ? parts[1] : nil),
              let data = FileManager.default.contents(atPath: url.path) else {
            throw EvidenceError("the \(name) resource is missing from this build of ChatLedger")
        }
        return Array(data)
    }
}
