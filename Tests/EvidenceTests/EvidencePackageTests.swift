import Crypto
@testable import Evidence
import Foundation
import Ledger
import Presentation
import Testing
import ZIPFoundation

// `@testable import Evidence` only for the chunk-boundary test of the transcript scanner; everything else is
// public or package API.

/// A tree held in memory: every perfect-subtree node, as a store would keep them, so roots and proofs come
/// from the Ledger's own `MerkleProofs`.
private struct MemoryTree {
    var range = CompactRange()
    var nodes: [String: MerkleHash] = [:]

    /// Appends a leaf and returns its index.
    @discardableResult
    mutating func append(_ data: [UInt8]) -> UInt64 {
        let index = range.size
        let leaf = MerkleHash.leaf(data)
        nodes["0/\(index)"] = leaf
        for node in range.append(leaf) { nodes["\(node.level)/\(node.index)"] = node.hash }
        return index
    }

    func node(_ level: Int, _ index: UInt64) throws -> MerkleHash {
        guard let hash = nodes["\(level)/\(index)"] else { throw LedgerError("missing node \(level)/\(index)") }
        return hash
    }
}

/// One ZIP entry held in memory, for rewriting a package entry by entry.
private struct ZIPItem {
    var path: String
    var bytes: [UInt8]
}

private func hex(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

/// A small package built entirely here: a ledger of 6 leaves (3 messages, 1 attachment, 2 audit events) with a
/// checkpoint at 6 and a later one at 9, written with ``EvidencePackageWriter``.
private struct PackageFixture {
    static let origin = "chatledger.test/corp-1"
    static let checkpointTime: Int64 = 1_764_000_000_000

    let directory: URL
    let url: URL
    let key: Curve25519.Signing.PrivateKey
    let root: MerkleHash
    /// leaf index → (msgid, leaf hash)
    let messages: [UInt64: (msgid: String, hash: MerkleHash)]
    let mediaPath: String
    let manifest: EvidenceManifest

    static func make() throws -> PackageFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("evidence-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key = Curve25519.Signing.PrivateKey()

        // An attachment larger than one read chunk (64 KiB), so streaming is exercised on both sides.
        let attachment = (0..<200_000).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }
        let attachmentURL = directory.appendingPathComponent("attachment.bin")
        try Data(attachment).write(to: attachmentURL)
        let attachmentSHA = Array(SHA256.hash(data: attachment))

        let raws: [(msgid: String, raw: String)] = [
            ("msg-1", #"{"msgid":"msg-1","msgtype":"text","text":{"content":"你好"}}"#),
            ("msg-2&\"<'>", #"{"msgid":"msg-2&\"<'>","msgtype":"image","image":{"sdkfileid":"sdk-2"}}"#),
            ("msg-3", #"{"msgid":"msg-3","msgtype":"text","text":{"content":"<script>alert(1)</script> 报价 100 元"}}"#),
        ]
        var tree = MemoryTree()
        var leaves: [UInt64: [UInt8]] = [:]
        func appendMessage(_ seq: UInt64, _ item: (msgid: String, raw: String)) -> UInt64 {
            let bytes = LeafEncoding.message(seq: seq, msgid: item.msgid, raw: Array(item.raw.utf8))
            let index = tree.append(bytes)
            leaves[index] = bytes
            return index
        }
        let first = appendMessage(1, raws[0])  // 0
        tree.append(LeafEncoding.audit(eventJSON: Array(#"{"action":"login"}"#.utf8)))  // 1
        let second = appendMessage(2, raws[1])  // 2
        let mediaLeaf = LeafEncoding.media(msgid: raws[1].msgid, sdkFileID: "sdk-2", sha256: attachmentSHA, size: UInt64(attachment.count))
        let mediaIndex = tree.append(mediaLeaf)  // 3
        leaves[mediaIndex] = mediaLeaf
        let third = appendMessage(3, raws[2])  // 4
        tree.append(LeafEncoding.audit(eventJSON: Array(#"{"action":"view"}"#.utf8)))  // 5

        let size: UInt64 = 6
        let root = try MerkleProofs.root(size: size, node: tree.node)
        let checkpoint = try Checkpoint.sign(origin: origin, treeSize: size, root: root, timeMilliseconds: checkpointTime, key: key)
        for later in 0..<3 { tree.append(Array("later-\(later)".utf8)) }
        let latestRoot = try MerkleProofs.root(size: 9, node: tree.node)
        let latest = try Checkpoint.sign(origin: origin, treeSize: 9, root: latestRoot, timeMilliseconds: checkpointTime + 60_000, key: key)
        let consistency = try MerkleProofs.consistencyProof(oldSize: size, newSize: 9, node: tree.node)

        let url = directory.appendingPathComponent("evidence.zip")
        let writer = try EvidencePackageWriter(url: url)
        for (index, item) in zip([first, second, third], raws) {
            try writer.add(path: EvidenceFormat.messagePath(index), bytes: Array(item.raw.utf8))
        }
        let mediaPath = EvidenceFormat.mediaPath(sha256: attachmentSHA)
        try writer.add(path: mediaPath, contentsOf: attachmentURL)
        for index in leaves.keys.sorted() {
            let proof = try MerkleProofs.inclusionProof(index: index, size: size, node: tree.node)
            let file = EvidenceProofFile(leafIndex: index, treeSize: size, leaf: leaves[index] ?? [], inclusionProof: proof)
            try writer.add(path: EvidenceFormat.proofPath(index), bytes: try EvidenceFormat.json(file))
        }
        let checkpointFile = EvidenceCheckpointFile(checkpoint: checkpoint, latest: latest, consistencyProof: consistency, publicKey: key.publicKey)
        try writer.add(path: EvidenceFormat.checkpointPath, bytes: try EvidenceFormat.json(checkpointFile))

        var messages: [UInt64: (msgid: String, hash: MerkleHash)] = [:]
        for (index, item) in zip([first, second, third], raws) {
            messages[index] = (item.msgid, MerkleHash.leaf(leaves[index] ?? []))
        }
        let transcript = Transcript(
            title: "测试案件 Test case", caseName: "合规抽查 <2026>", exportedAt: Date(timeIntervalSince1970: 1_764_100_000),
            exportedBy: "auditor1", origin: origin, treeSize: size, rootHex: root.hex,
            checkpointTime: Date(timeIntervalSince1970: Double(checkpointTime) / 1000),
            conversations: [
                Transcript.Conversation(title: (zh: "张三 与 客户李四", en: "Zhang San and customer Li Si"), messages: [
                    message(first, raws[0].msgid, messages, blocks: [Block(text: "你好")], type: ("文本", "Text"), staff: true),
                    message(second, raws[1].msgid, messages, blocks: [Block(image: mediaPath)], type: ("图片", "Image"), staff: false),
                    message(third, raws[2].msgid, messages, blocks: [Block(text: "<script>alert(1)</script> 报价 100 元")],
                            type: ("文本", "Text"), staff: true),
                ]),
            ])
        try writer.add(path: EvidenceFormat.transcriptPath, bytes: Array(TranscriptPage.render(transcript).utf8))
        try writer.add(path: EvidenceFormat.verifierPath, bytes: Array("# the standalone verifier\n".utf8))
        try writer.add(path: EvidenceFormat.readmePath, bytes: Array("证据包说明\n\nAbout this package\n".utf8))

        let manifest = try writer.finish(
            EvidenceManifest(origin: origin, caseReference: .init(id: "case-7", name: "合规抽查", description: "季度抽查"),
                             scope: ["kind": "case", "case": "case-7"], exportedBy: "auditor1",
                             exportedAt: EvidenceFormat.timestamp(Date(timeIntervalSince1970: 1_764_100_000)), messages: 3, media: 1),
            signingKey: key)
        return PackageFixture(directory: directory, url: url, key: key, root: root, messages: messages, mediaPath: mediaPath,
                              manifest: manifest)
    }

    private static func message(_ index: UInt64, _ msgid: String, _ messages: [UInt64: (msgid: String, hash: MerkleHash)],
                                blocks: [Block], type: (zh: String, en: String), staff: Bool) -> Transcript.Message {
        func card(_ typeLabel: String) -> MessageCard {
            MessageCard(anchor: "m-" + msgid, msgid: msgid, time: "2026-11-25 10:00:00", fromName: staff ? "张三" : "李四",
                        fromID: staff ? "zhangsan" : "wmLiSi", staff: staff, typeLabel: typeLabel, recalled: false,
                        highlighted: false, conversationLink: nil, blocks: blocks)
        }
        return Transcript.Message(leafIndex: index, leafHashHex: messages[index]?.hash.hex ?? "", msgid: msgid,
                                  zh: card(type.zh), en: card(type.en))
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    func verify(_ url: URL? = nil, key: Curve25519.Signing.PublicKey? = nil) -> EvidenceVerdict {
        EvidencePackageVerifier.verify(package: url ?? self.url, publicKey: key ?? self.key.publicKey)
    }

    // MARK: - Tampering

    /// Every entry of a ZIP, in order (test packages are small).
    static func items(of url: URL) throws -> [ZIPItem] {
        let archive = try Archive(url: url, accessMode: .read, pathEncoding: nil)
        var items: [ZIPItem] = []
        for entry in archive {
            var bytes: [UInt8] = []
            _ = try archive.extract(entry, consumer: { bytes.append(contentsOf: $0) })
            items.append(ZIPItem(path: entry.path, bytes: bytes))
        }
        return items
    }

    static func write(_ items: [ZIPItem], to url: URL) throws {
        let archive = try Archive(url: url, accessMode: .create, pathEncoding: nil)
        for item in items {
            let bytes = item.bytes
            try archive.addEntry(with: item.path, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate,
                                 provider: { position, count in Data(bytes[Int(position)..<Int(position) + count]) })
        }
    }

    /// Rewrites the package entry by entry into a new file with `change` applied. With `resignWith`, the
    /// manifest's file list and signature are rebuilt with that key, as someone holding a key would.
    func tampered(_ name: String, resignWith signer: Curve25519.Signing.PrivateKey? = nil,
                  _ change: (inout [ZIPItem]) throws -> Void) throws -> URL {
        var items = try Self.items(of: url)
        try change(&items)
        if let signer { try Self.resign(&items, with: signer) }
        let target = directory.appendingPathComponent("\(name).zip")
        try Self.write(items, to: target)
        return target
    }

    /// The package's bytes with `change` applied, in a new file.
    func rewritten(_ name: String, _ change: (inout ZIPBytes) throws -> Void) throws -> URL {
        var zip = try ZIPBytes(url)
        try change(&zip)
        let target = directory.appendingPathComponent("\(name).zip")
        try Data(zip.bytes).write(to: target)
        return target
    }

    /// ZIP layouts other than the writer's, each with the failure both verifiers must report in check 3.
    static let layoutVariants: [(name: String, failure: String, change: @Sendable (inout ZIPBytes) throws -> Void)] = [
        // A hidden index.html between the last entry and the central directory: a reader that walks the local headers
        // (Java's ZipInputStream, many streaming unzippers) shows it; the central directory does not list it.
        ("smuggled-entry", "the central directory does not begin where the last entry ends: the ZIP holds hidden or overlapping data there", { zip in
            zip.insertBeforeCentralDirectory(ZIPBytes.localEntry("index.html", Array("<!doctype html><h1>FORGED TRANSCRIPT</h1>".utf8)))
        }),
        // A one-file ZIP in front: readers disagree on which ZIP they see (Python's zipfile shifts every offset by the
        // prefix and reads the package, ZIPFoundation's reader does not).
        ("prefix-polyglot", "the ZIP does not begin with its first entry 'messages/0.json': other data comes before it", { zip in
            zip.bytes = ZIPBytes.oneFileZIP("index.html", Array("<h1>FORGED</h1>".utf8)) + zip.bytes
        }),
        // The local header names another file than the central directory (same length, so nothing moves).
        ("local-name", "the local header of 'README.txt' gives another name than the central directory", { zip in
            let header = try zip.offsets(of: "README.txt").localHeader
            zip.bytes.replaceSubrange((header + 30)..<(header + 40), with: Array("../../x.sh".utf8))
        }),
        ("zip-comment", "the ZIP does not end with its end-of-central-directory record: a comment or other data follows it", { zip in
            zip.put(5, 2, at: zip.bytes.count - 2)
            zip.bytes += Array("hello".utf8)
        }),
        ("data-descriptor-flag", "'README.txt' carries ZIP flags an evidence package does not use (encryption, a data descriptor or others)", { zip in
            let (record, header) = try zip.offsets(of: "README.txt")
            zip.bytes[record + 8] |= 8
            zip.bytes[header + 6] |= 8
        }),
        ("local-crc", "the local header of 'index.html' does not repeat the central directory's flags, compression method, CRC-32 and sizes", { zip in
            zip.bytes[try zip.offsets(of: "index.html").localHeader + 14] ^= 1
        }),
        ("symlink", "'verify.py' has fields ChatLedger's writer does not write (ZIP64 fields, an extra field, a comment, a disk number, or a file type other than a plain file)", { zip in
            zip.put(0o120777 << 16, 4, at: try zip.offsets(of: "verify.py").record + 38)
        }),
    ]

    static func resign(_ items: inout [ZIPItem], with signer: Curve25519.Signing.PrivateKey) throws {
        let manifestBytes = try #require(items.first { $0.path == EvidenceFormat.manifestPath }?.bytes)
        var manifest = try JSONDecoder().decode(EvidenceManifest.self, from: Data(manifestBytes))
        let others = items.filter { $0.path != EvidenceFormat.manifestPath && $0.path != EvidenceFormat.manifestSignaturePath }
        manifest.files = others
            .map { EvidenceManifest.File(path: $0.path, sha256: hex(SHA256.hash(data: $0.bytes)), size: UInt64($0.bytes.count)) }
            .sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        let bytes = try EvidenceFormat.json(manifest)
        let signature = try signer.signature(for: bytes)
        items = others + [
            ZIPItem(path: EvidenceFormat.manifestPath, bytes: bytes),
            ZIPItem(path: EvidenceFormat.manifestSignaturePath, bytes: Array((signature.base64EncodedString() + "\n").utf8)),
        ]
    }
}

extension [ZIPItem] {
    /// Applies `edit` to the bytes of the entry at `path`.
    fileprivate mutating func edit(_ path: String, _ edit: (inout [UInt8]) throws -> Void) throws {
        let index = try #require(firstIndex { $0.path == path }, "no entry \(path)")
        try edit(&self[index].bytes)
    }

    /// Replaces text in the entry at `path` (UTF-8).
    fileprivate mutating func replace(_ path: String, _ old: String, with new: String) throws {
        try edit(path) { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text.contains(old), "\(path) does not contain \(old)")
            bytes = [UInt8](text.replacingOccurrences(of: old, with: new).utf8)
        }
    }
}

/// A written package's bytes, edited below the level of entries: layouts ZIPFoundation never writes, as an attacker
/// would make them by hand.
private struct ZIPBytes {
    var bytes: [UInt8]

    init(_ url: URL) throws { bytes = [UInt8](try Data(contentsOf: url)) }

    private func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
    private func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }

    /// Where the end-of-central-directory record starts (the writer adds no comment) and where the central directory does.
    private var endRecord: Int { bytes.count - 22 }
    private var centralDirectory: Int { u32(endRecord + 16) }

    /// The central-directory record and local header of the entry `name`.
    func offsets(of name: String) throws -> (record: Int, localHeader: Int) {
        var at = centralDirectory
        while at < endRecord {
            let nameLength = u16(at + 28)
            if bytes[(at + 46)..<(at + 46 + nameLength)].elementsEqual(name.utf8) { return (at, u32(at + 42)) }
            at += 46 + nameLength + u16(at + 30) + u16(at + 32)
        }
        throw EvidenceError("no entry \(name)")
    }

    /// A stored entry's local header and data, as a hand-made ZIP has it.
    static func localEntry(_ name: String, _ content: [UInt8]) -> [UInt8] {
        le(0x0403_4b50, 4) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(Int(Data(content).crc32(checksum: 0)), 4)
            + le(content.count, 4) + le(content.count, 4) + le(name.utf8.count, 2) + le(0, 2) + Array(name.utf8) + content
    }

    /// A whole one-file ZIP holding `content` as `name`.
    static func oneFileZIP(_ name: String, _ content: [UInt8]) -> [UInt8] {
        let local = localEntry(name, content)
        let record = le(0x0201_4b50, 4) + le(20, 2) + le(20, 2) + Array(local[6..<28]) + le(0, 2) + le(0, 2) + le(0, 2)
            + le(0, 4) + le(0, 4) + Array(name.utf8)
        return local + record + le(0x0605_4b50, 4) + le(0, 4) + le(1, 2) + le(1, 2) + le(record.count, 4)
            + le(local.count, 4) + le(0, 2)
    }

    /// Puts bytes between the last entry and the central directory, and moves the end record's offset past them.
    mutating func insertBeforeCentralDirectory(_ inserted: [UInt8]) {
        let start = centralDirectory
        bytes.insert(contentsOf: inserted, at: start)
        put(start + inserted.count, 4, at: endRecord + 16)
    }

    mutating func put(_ value: Int, _ width: Int, at: Int) { bytes.replaceSubrange(at..<(at + width), with: Self.le(value, width)) }

    private static func le(_ value: Int, _ width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}

/// `verify.py`, the standalone verifier every package ships, run as an independent oracle: both tools must give the
/// same verdict, word for word.
private enum PythonVerifier {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/Evidence/Resources/verify.py")

    static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: script.path) && (try? run(["-c", "import cryptography"]).status) == 0
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    /// Exit status and `--json` verdict.
    static func verdict(_ package: URL, keyFile: URL?) throws -> (status: Int32, json: [String: Any]) {
        let arguments = [script.path, package.path, "--json"] + (keyFile.map { ["--public-key", $0.path] } ?? [])
        let (status, output) = try run(arguments)
        let json = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any], "verify.py printed no verdict")
        return (status, json)
    }
}

@Suite struct EvidencePackageTests {
    // MARK: - A good package

    @Test func aGoodPackageVerifiesWithTheGivenKeyAndAlone() throws {
        let fixture = try PackageFixture.make()
        defer { fixture.remove() }

        let verdict = fixture.verify()
        #expect(verdict.ok, "\(verdict.failure ?? "")")
        #expect(verdict.failure == nil)
        #expect(verdict.failedCheck == nil)
        #expect(verdict.messages == 3)
        #expect(verdict.media == 1)
        #expect(verdict.treeSize == 6)
        #expect(verdict.root == fixture.root.hex)
        #expect(verdict.checkpointTimeMs == PackageFixture.checkpointTime)
        #expect(verdict.keyId == SigningKeyFormat.keyID(fixture.key.publicKey))
        #expect(verdict.keySource == .given)
        #expect(!verdict.isSelfConsistentOnly)

        let alone = EvidencePackageVerifier.verify(package: fixture.url, publicKey: nil)
        #expect(alone.ok, "\(alone.failure ?? "")")
        #expect(alone.keySource == .package)
        #expect(alone.isSelfConsistentOnly)
    }

    @Test func theManifestListsEveryEntrySortedAndIsSignedOverItsExactBytes() throws {
        let fixture = try PackageFixture.make()
        defer { fixture.remove() }
        let items = try PackageFixture.items(of: fixture.url)
        let manifestBytes = try #require(items.first { $0.path == "manifest.json" }?.bytes)
        let signatureLine = try #require(items.first { $0.path == "manifest.sig" }?.bytes)
        let signature = try #require(Data(base64Encoded: String(decoding: signatureLine.dropLast(), as: UTF8.self)))
        #expect(signatureLine.last == UInt8(ascii: "\n"))
        #expect(fixture.key.publicKey.isValidSignature(signature, for: manifestBytes))

        let listed = fixture.manifest.files.map(\.path)
        #expect(listed == listed.sorted())
        #expect(Set(listed) == Set(items.map(\.path)).subtracting(["manifest.json", "manifest.sig"]))
        for file in fixture.manifest.files {
            let bytes = try #require(items.first { $0.path == file.path }?.bytes)
            #expect(file.sha256 == hex(SHA256.hash(data: bytes)))
            #expect(file.size == UInt64(bytes.count))
        }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(manifestBytes)) as? [String: Any])
        #expect(json["format"] as? String == "chatledger.evidence.v1")
        #expect(json["exported_at"] as? String == "2025-11-25T19:46:40Z")
        #expect((json["case"] as? [String: Any])?["id"] as? String == "case-7")
    }

    @Test func theVerdictEncodesEveryKeyWithNullsForUnknownValues() throws {
        let verdict = EvidenceVerdict(ok: false, failure: "x", messages: nil, media: nil, treeSize: nil, root: nil,
                                      checkpointTimeMs: nil, keyId: nil, keySource: .package, failedCheck: .files)
        let encoded = try EvidenceFormat.json(verdict)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(encoded)) as? [String: Any])
        #expect(Set(object.keys) == ["ok", "failure", "messages", "media", "tree_size", "root", "checkpoint_time_ms", "key_id", "key_source"])
        #expect(object["tree_size"] is NSNull)
        #expect(object["messages"] is NSNull)
        #expect(object["key_source"] as? String == "package")
    }

    // MARK: - Check 1: key

    @Test func aWrongPublicKeyFailsTheKeyCheck() throws {
        let fixture = try PackageFixture.make()
        defer { fixture.remove() }
        let verdict = fixture.verify(key: Curve25519.Signing.PrivateKey().publicKey)
        #expect(!verdict.ok)
        #expect(verdict.failedCheck == .key)
        #expect(verdict.failure?.contains("key") == true)
    }

    // MARK: - Check 2: manifest signature

    @Test func aManifestForgedAndResignedWithAnotherKeyFailsTheSignatureCheck() throws {
        let fixture = try PackageFixture.make()
        defer { fixture.remove() }
        let forged = try fixture.tampered("forged", resignWith: Curve25519.Signing.PrivateKey()) { items in
            try items.replace("messages/0.json", "你好", with: "再见")
        }
        let verdict = fixture.verify(forged)
        #expect(verdict.failedCheck == .manifestSignature)
        #expect(verdict.failure?.contains("manifest.sig") == true)
    }

    @Test func aPackageWhoseCheckpointKeyWasSwappedFailsTheKeyOrCheckpointCheck() throws {
        let fixture = try PackageFixture.make()
        defer { fixture.remove() }
        let forger = Curve25519.Signing.PrivateKey()
        let forged = try fixture.tampered("swapped-key", resignWith: forger) { items in
            try items.edit("checkpoint.json") { bytes in
                var file = try JSONDecoder().decode(EvidenceCheckpointFile.self, from: Data(bytes))
                file.publicKeyPem = SigningKeyFormat.pem(forger.publicKey)
                file.keyId = SigningKeyFormat.keyID(forger.publicKey)
                bytes = try EvidenceFormat.json(file)
            }
        }
        // With the real key given, the swap is caught at once; alone, the checkpoint's signature gives it away.
        #expect(fixture.verify(forged).failedCheck == .key)
        let alone = EvidencePackageVerifier.verify(package: forged, publicKey: nil)
        #expect(alone.failedCheck == .checkpoint)
        #expect(alone.failure?.contains("signature") == true)
    }

    // MARK: - Check 3: files

    @Test func anEditedMessageByteFailsTheFilesCheckNamingTheFile() throws {
        let fixture = try PackageFixture.make()
        defer { fixture.remove() }
        let edited = try fixture.tampered("edited-message") { items in
            try items.edit("messages/0.json") { $0[$0.count - 3] ^= 0x01 }
        }
        let verdict = fixture.verify(edited)
        #expect(verdict.failedCheck == .files)
        #expect(verdict.failure?.contains("messages/0.json") == true)
    }

    @Test func aRemovedMessageFailsTheFilesCheckAsMissing() throws {
        let fixture = try PackageFixture.make()
        defer { fixture.remove() }
        let removed = try fixture.tampered("removed-message") { items in
            items.removeAll { $0.path == "messages/2.json" }
        }
        let verdict = fixture.verify(removed)
        #expect(verdict.failedCheck == .files)
        #expect(verdict.failure?.contains("messages/2.json") == true)
        #expect(verdict.failure?.contains("missing") == true)
    }

    @Test func aSwappedAttachmentFailsTheFilesCheck() throws {
        let fixture = try PackageFixture.make()
        defer { fixture.remove() }
        let swapped = try fixture.tampered("swapped-attachment") { items in
            try items.edit(fixture.mediaPath) { $0 = Array("another picture".utf8) }
        }
        let verdict = fixture.verify(swapped)
        #expect(verdict.failedCheck == .files)
        #expect(verdict.failure?.contains(fixture.mediaPath) == true)
    }

    @Test func anEditedTranscriptLineFailsTheFilesCheck() throws {
        let fixture = try PackageFixture.make()
        defer { fixture.remove() }
        let edited = try fixture.tampered("edited-html") { items in
            try items.replace("index.html", "报价 100 元", with: "报价 10 元")
        }
        let verdict = fixture.verify(edited)
        #expect(verdict.failedCheck == .files)
        #expect(verdict.failure?.contains("index.html") == true)
    }

    @Test func extraAndDuplicateEntriesFailTheFilesCheck() throws {
        let fixture = try PackageFixture.make()
        defer { fixture.remove() }
        let extra = try fixture.tampered("extra") { $0.append(ZIPItem(path: "notes.txt", bytes: Array("hi".utf8))) }
        #expect(fixture.verify(extra).failedCheck == .files)
        #expect(fixture.verify(extra).failure?.contains("notes.txt") == true)
        let duplicate = try fixture.tampered("duplicate") { items in
            let message = try #require(items.first { $0.path == "messages/0.json" })
            items.append(message)
        }
        #expect(fixture.verify(duplicate).failedCheck == .files)
        #expect(fixture.verify(duplicate).failure?.contains("two entries named messages/0.json") == true)
        let unsafe = try fixture.tampered("unsafe") { $0.append(ZIPItem(path: "../escape.txt", bytes: [])) }
        #expect(fixture.verify(unsafe).failedCheck == .files)
    }

    @Test func aZIPLaidOutOtherwiseThanTheWriterLaysItOutFailsTheFilesCheck() throws {
        let fixture = try PackageFixture.make()
        defer { fixture.remove() }
        for variant in PackageFixture.layoutVariants {
            let verdict = fixture.verify(try fixture.rewritten(variant.name, variant.change))
            #expect(verdict.failure == "check 3 (files match the manifest): " + variant.failure, "\(variant.name)")
            #expect(verdict.failedCheck == .files, "\(variant.name)")
        }
        // Damage a control file's compressed data: it cannot be read, and the check that reads it says so.
        let damaged = try fixture.rewritten("damaged-checkpoint") { zip in
            let header = try zip.offsets(of: "checkpoint.json").localHeader
            zip.bytes[header + 30 + "checkpoint.json".utf8.count] ^= 0xFF
        }
        let verdict = fixture.verify(damaged)
        #expect(verdict.failedCheck == .key)
        #expect(verdict.failure?.hasPrefix("check 1 (signing key): checkpoint.json cannot be read from the ZIP (") == true)
    }

    // MARK: - Checks 5–7, reached only by someone holding the signing key

    @Test func aTruncatedProofFailsTheInclusionCheck() throws {
        let fixture = try PackageFixture.make()
        defer { fixture.remove() }
        func truncate(_ items: inout [ZIPItem]) throws {
            try items.edit("proofs/4.json") { bytes in
                var proof = try JSONDecoder().decode(EvidenceProofFile.self, from: Data(bytes))
                #expect(proof.inclusionProof.count > 1)
                proof.inclusionProof.removeLast()
                bytes = try EvidenceFormat.json(proof)
            }
        }
        let truncated = try fixture.tampered("truncated-proof", truncate)
        #expect(fixture.verify(truncated).failedCheck == .files)
        let truncatedResigned = try fixture.tampered("truncated-proof-resigned", resignWith: fixture.key, truncate)
        let resigned = fixture.verify(truncatedResigned)
        #expect(resigned.failedCheck == .inclusion)
        #expect(resigned.failure?.contains("leaf 4") == true)
    }

    @Test func leavesMustMatchTheirFilesEvenUnderAValidSignature() throws {
        let fixture = try PackageFixture.make()
        defer { fixture.remove() }
        let edited = try fixture.tampered("edited-resigned", resignWith: fixture.key) { items in
            try items.replace("messages/0.json", "你好", with: "再见")
        }
        #expect(fixture.verify(edited).failedCheck == .leaves)
        #expect(fixture.verify(edited).failure?.contains("messages/0.json") == true)

        let removed = try fixture.tampered("removed-resigned", resignWith: fixture.key) { items in
            items.removeAll { $0.path == "messages/2.json" }
        }
        #expect(fixture.verify(removed).failedCheck == .leaves)
        #expect(fixture.verify(removed).failure?.contains("messages/2.json") == true)

        let swapped = try fixture.tampered("swapped-resigned", resignWith: fixture.key) { items in
            try items.edit(fixture.mediaPath) { $0 = Array("another picture".utf8) }
        }
        #expect(fixture.verify(swapped).failedCheck == .leaves)
        #expect(fixture.verify(swapped).failure?.contains(fixture.mediaPath) == true)
    }

    @Test func theTranscriptMustShowEveryMessageLeafOnceWithItsHash() throws {
        let fixture = try PackageFixture.make()
        defer { fixture.remove() }
        let hash = try #require(fixture.messages[0]?.hash.hex)
        let wrongHash = try fixture.tampered("html-hash", resignWith: fixture.key) { items in
            try items.replace("index.html", "data-hash=\"\(hash)\"", with: "data-hash=\"\(String(repeating: "0", count: 64))\"")
        }
        #expect(fixture.verify(wrongHash).failedCheck == .transcript)
        #expect(fixture.verify(wrongHash).failure?.contains("leaf 0") == true)

        let hidden = try fixture.tampered("html-hidden", resignWith: fixture.key) { items in
            // Without the class token the element is no message element, so leaf 4 goes unshown.
            try items.replace("index.html", "class=\"message msg staff\" id=\"leaf-4\"", with: "class=\"msg staff\" id=\"leaf-4\"")
        }
        #expect(fixture.verify(hidden).failedCheck == .transcript)
        #expect(fixture.verify(hidden).failure?.contains("does not show message leaf 4") == true)

        // A commented-out element is no element, as for Python's html.parser.
        let commented = try fixture.tampered("html-comment", resignWith: fixture.key) { items in
            try items.replace("index.html", "<main>", with: "<main><!-- <article class=\"message\" data-leaf=\"0\"> -->")
        }
        #expect(fixture.verify(commented).ok, "\(fixture.verify(commented).failure ?? "")")
    }

    // MARK: - Unreadable input and the writer's refusals

    @Test func aFileThatIsNotAZIPIsAFailedVerdictWithoutACheck() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("evidence-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("not-a-zip.zip")
        try Data("plain text, not a package".utf8).write(to: file)
        let verdict = EvidencePackageVerifier.verify(package: file, publicKey: nil)
        #expect(!verdict.ok)
        #expect(verdict.failedCheck == nil)
        #expect(verdict.failure?.contains("ZIP") == true)
        let missing = EvidencePackageVerifier.verify(package: directory.appendingPathComponent("absent.zip"), publicKey: nil)
        #expect(!missing.ok)
        #expect(missing.failedCheck == nil)
    }

    @Test func theWriterRefusesUnsafeDuplicateAndReservedPathsAndExistingFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("evidence-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("p.zip")
        let writer = try EvidencePackageWriter(url: url)
        try writer.add(path: "messages/1.json", bytes: Array("{}".utf8))
        for path in ["messages/1.json", "../x", "/abs", "a\\b", "", "media/", "manifest.json", "manifest.sig", "notes.txt",
                     "messages/01.json", "media/" + String(repeating: "A", count: 64)] {
            #expect(throws: EvidenceError.self, "\(path)") { try writer.add(path: path, bytes: []) }
        }
        #expect(throws: EvidenceError.self) { try EvidencePackageWriter(url: url) }
        let manifest = try writer.finish(
            EvidenceManifest(origin: "o", caseReference: nil, scope: ["kind": "conversation"], exportedBy: "a",
                             exportedAt: "2026-12-03T19:00:00Z", messages: 0, media: 0),
            signingKey: Curve25519.Signing.PrivateKey())
        #expect(manifest.files.map(\.path) == ["messages/1.json"])
        #expect(throws: EvidenceError.self) { try writer.add(path: "late.txt", bytes: []) }
        let manifestJSON = try EvidenceFormat.json(manifest)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(manifestJSON)) as? [String: Any])
        #expect(json["case"] is NSNull)
    }

    // MARK: - The transcript page

    @Test func theTranscriptEscapesEveryValueAndLoadsNothingFromOutside() throws {
        let card = MessageCard(
            anchor: "m", msgid: "a\"b<c>'&", time: "2026-11-25 10:00:00", fromName: "<b>Mallory</b>", fromID: "x\"y",
            staff: false, typeLabel: "链接", recalled: true, highlighted: false, conversationLink: nil,
            blocks: [
                Block(text: "<script>alert(1)</script>"),
                Block(image: "https://tracker.example/pixel.png"),
                Block(link: LinkBlock(href: nil, title: "<i>t</i>", description: "d", url: "javascript:alert(1)")),
                Block(link: LinkBlock(href: "https://example.com/a?b=1&c=2", title: "ok", description: "", url: "https://example.com/a?b=1&c=2")),
                Block(download: Download(href: "media/" + String(repeating: "a", count: 64), label: "文件: 合同.pdf")),
            ])
        let page = TranscriptPage.render(Transcript(
            title: "T<1>", caseName: nil, exportedAt: Date(timeIntervalSince1970: 0), exportedBy: "e&f", origin: "o",
            treeSize: 3, rootHex: String(repeating: "0", count: 64), checkpointTime: Date(timeIntervalSince1970: 0),
            conversations: [Transcript.Conversation(title: (zh: "会话", en: "Chat"), messages: [
                Transcript.Message(leafIndex: 2, leafHashHex: String(repeating: "f", count: 64), msgid: card.msgid, zh: card, en: card),
            ])]))
        #expect(page.hasPrefix("<!doctype html>"))
        #expect(page.contains("<html lang=\"zh-CN\">"))
        #expect(!page.lowercased().contains("<script"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(page.contains("data-msgid=\"a&quot;b&lt;c&gt;&#39;&amp;\""))
        #expect(page.contains("data-leaf=\"2\""))
        #expect(!page.contains("src=\"https://"))
        #expect(!page.contains("href=\"javascript"))
        #expect(page.contains("href=\"https://example.com/a?b=1&amp;c=2\""))
        #expect(page.contains("href=\"media/" + String(repeating: "a", count: 64) + "\""))
        #expect(page.contains("<input type=\"checkbox\" id=\"lang-en\">"))
        #expect(page.contains("<label for=\"lang-en\">English</label>"))
        #expect(page.contains("@media print"))
        #expect(page.contains("<b>Mallory</b>") == false)
        // Exactly one message element, found the way the verifiers find it.
        var scanner = TranscriptScanner()
        scanner.feed(Data(page.utf8))
        scanner.finish()
        #expect(scanner.messages.map { [$0.leaf, $0.msgid, $0.hash] } == [["2", "a\"b<c>'&", String(repeating: "f", count: 64)]])
    }

    @Test func theScannerFindsTheSameElementsWhateverTheChunkBoundaries() {
        let page = """
            <!doctype html><html><head><style>.x::before{content:"<article class='message' data-leaf='9'>"}</style></head>
            <body><!-- <article class="message" data-leaf="8"> --><article data-leaf="1" CLASS="msg message" data-msgid='m&#39;1'
             data-hash="ab">x > y</article><p>1 < 2</p><article class=messages data-leaf=7></article>
            <ARTICLE class="message" data-leaf=3 data-msgid="q&quot;&gt;" data-hash="cd" title="a > b"></ARTICLE></body></html>
            """
        let expected: [TranscriptScanner.MessageElement] = [
            .init(line: 2, leaf: "1", msgid: "m'1", hash: "ab"),
            .init(line: 4, leaf: "3", msgid: "q\">", hash: "cd"),
        ]
        let bytes = Array(page.utf8)
        for chunk in [1, 2, 3, 7, 64, bytes.count] {
            var scanner = TranscriptScanner()
            var start = 0
            while start < bytes.count {
                scanner.feed(Data(bytes[start..<min(start + chunk, bytes.count)]))
                start += chunk
            }
            scanner.finish()
            #expect(scanner.messages == expected, "chunk \(chunk)")
        }
    }

    @Test func theScannerLooksAtEachByteAtMostTwiceAndKeepsOnlyAStartTag() {
        // An unterminated comment, declaration, end tag or raw text, 1 MiB long and fed in 64 KiB chunks: each byte
        // is looked at once or twice (a search never starts over), and nothing of them is kept, however long.
        let filler = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        let head = Array("<p class=\"message\" data-leaf=\"1\">x</p>\n".utf8)
        for opening in ["<!--", "<!doctype ", "</p ", "<style>", "<!-", "< "] {
            let page = head + Array(opening.utf8) + filler
            var scanner = TranscriptScanner()
            var start = 0
            var kept = 0
            while start < page.count {
                scanner.feed(page[start..<min(start + (1 << 16), page.count)])
                kept = max(kept, scanner.kept)
                start += 1 << 16
            }
            scanner.finish()
            #expect(scanner.examined <= 2 * page.count, "\(opening)")
            #expect(kept == 0, "\(opening)")
            #expect(scanner.messages.map(\.leaf) == ["1"], "\(opening)")
        }
        // A start tag is kept until its ">" (its attributes are read then), still looked at once per byte.
        var scanner = TranscriptScanner()
        let tag = Array("<p class=\"message\" data-leaf=\"2\" title=\"".utf8) + filler + Array("\">".utf8)
        scanner.feed(tag)
        scanner.finish()
        #expect(scanner.examined == tag.count)
        #expect(scanner.messages.map(\.leaf) == ["2"])
    }

    // MARK: - Parity with verify.py

    // scripts/test.sh installs python3's cryptography package: a missing one fails here rather than skipping the oracle.
    @Test func verifyPyGivesTheSameVerdictOnEveryPackage() throws {
        try #require(PythonVerifier.isAvailable, "needs python3 with the cryptography package (pip install cryptography)")
        let fixture = try PackageFixture.make()
        defer { fixture.remove() }
        let keyFile = fixture.directory.appendingPathComponent("key.pem")
        try Data(SigningKeyFormat.pem(fixture.key.publicKey).utf8).write(to: keyFile)
        let stranger = Curve25519.Signing.PrivateKey()
        let strangerFile = fixture.directory.appendingPathComponent("stranger.pem")
        try Data(SigningKeyFormat.pem(stranger.publicKey).utf8).write(to: strangerFile)
        let key = fixture.key
        let leaf0 = try #require(fixture.messages[0]?.hash.hex)
        func truncate(_ items: inout [ZIPItem]) throws {
            try items.edit("proofs/4.json") { bytes in
                var proof = try JSONDecoder().decode(EvidenceProofFile.self, from: Data(bytes))
                proof.inclusionProof.removeLast()
                bytes = try EvidenceFormat.json(proof)
            }
        }
        let variants: [(name: String, signer: Curve25519.Signing.PrivateKey?, change: (inout [ZIPItem]) throws -> Void)] = [
            ("untouched", nil, { _ in }),
            ("forged", stranger, { try $0.replace("messages/0.json", "你好", with: "再见") }),
            ("edited-message", nil, { try $0.edit("messages/0.json") { $0[$0.count - 3] ^= 1 } }),
            ("edited-message-resigned", key, { try $0.replace("messages/0.json", "你好", with: "再见") }),
            ("removed-message", nil, { $0.removeAll { $0.path == "messages/2.json" } }),
            ("removed-message-resigned", key, { $0.removeAll { $0.path == "messages/2.json" } }),
            ("swapped-media", nil, { try $0.edit(fixture.mediaPath) { $0 = Array("x".utf8) } }),
            ("swapped-media-resigned", key, { try $0.edit(fixture.mediaPath) { $0 = Array("x".utf8) } }),
            ("edited-html", nil, { try $0.replace("index.html", "报价 100 元", with: "报价 10 元") }),
            ("extra", nil, { $0.append(ZIPItem(path: "notes.txt", bytes: [])) }),
            ("extra-resigned", key, { $0.append(ZIPItem(path: "notes.txt", bytes: [])) }),
            ("duplicate", nil, { $0.append($0[0]) }),
            ("unsafe", nil, { $0.append(ZIPItem(path: "../escape.txt", bytes: [])) }),
            ("truncated-proof", nil, truncate),
            ("truncated-proof-resigned", key, truncate),
            ("html-hash", key, { try $0.replace("index.html", "data-hash=\"\(leaf0)\"", with: "data-hash=\"\(String(repeating: "0", count: 64))\"") }),
            ("html-hash-uppercase", key, { try $0.replace("index.html", "data-hash=\"\(leaf0)\"", with: "data-hash=\"\(leaf0.uppercased())\"") }),
            ("html-hidden", key, { try $0.replace("index.html", "class=\"message msg staff\" id=\"leaf-4\"", with: "class=\"msg staff\" id=\"leaf-4\"") }),
            ("html-twice", key, { try $0.replace("index.html", "</main>", with: "<p class=\"message\" data-leaf=\"0\"></p></main>") }),
            ("html-repeated-attribute", key, { try $0.replace("index.html", "data-leaf=\"2\"", with: "data-leaf=\"2\" data-leaf=\"2\"") }),
            ("html-comment", key, { try $0.replace("index.html", "<main>", with: "<main><!-- <article class=\"message\" data-leaf=\"0\"> -->") }),
            ("repeated-json-key", key, { try $0.replace("checkpoint.json", "\"origin\"", with: "\"origin\" : \"x\", \"origin\"") }),
            ("signature-not-base64", nil, { try $0.edit("manifest.sig") { $0 = Array("@@@@\n".utf8) } }),
            // A comment left open at the end is dropped with all it holds, whatever Python's version does in close().
            ("html-unterminated-comment", key, { try $0.replace("index.html", "</html>", with: "</html><!-- x > <p class=\"message\" data-leaf=\"0\"></p>") }),
            // A comment ends at "-->" only (Python 3.11 also took "-- >", 3.13.4 and later "--!>").
            ("html-comment-spaced-end", key, { try $0.replace("index.html", "</main>", with: "<!-- x -- > <p class=\"message\" data-leaf=\"0\"></p> --></main>") }),
            // 4 MiB of unterminated comment: scanned in one linear pass (ZIPFoundation deflates it to a few KiB).
            ("html-long-unterminated-comment", key, { items in
                try items.edit("index.html") { $0 += Array("<!--".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 4 << 20) }
            }),
            ("not-a-format-name", key, { $0.append(ZIPItem(path: "proofs/04.json", bytes: [])) }),
        ]
        // Only these may pass: the transcript's hash is compared case-insensitively, and a comment is no element.
        let passing: Set<String> = ["untouched", "html-hash-uppercase", "html-comment", "html-unterminated-comment",
                                    "html-comment-spaced-end", "html-long-unterminated-comment"]
        for variant in variants {
            let url = try fixture.tampered(variant.name, resignWith: variant.signer, variant.change)
            let ok = passing.contains(variant.name)
            try expectSameVerdict(url, key: key.publicKey, keyFile: keyFile, variant.name, ok: ok)
            try expectSameVerdict(url, key: nil, keyFile: nil, variant.name, ok: ok)
            if variant.name == "untouched" {
                try expectSameVerdict(url, key: stranger.publicKey, keyFile: strangerFile, variant.name, ok: false)
            }
        }
        // Layouts ZIPFoundation never writes: the same failure sentence from both.
        for variant in PackageFixture.layoutVariants {
            let url = try fixture.rewritten(variant.name, variant.change)
            try expectSameVerdict(url, key: key.publicKey, keyFile: keyFile, variant.name, ok: false)
            try expectSameVerdict(url, key: nil, keyFile: nil, variant.name, ok: false)
        }
    }

    private func expectSameVerdict(_ url: URL, key: Curve25519.Signing.PublicKey?, keyFile: URL?, _ name: String, ok: Bool) throws {
        let ours = EvidencePackageVerifier.verify(package: url, publicKey: key)
        #expect(ours.ok == ok, "\(name): \(ours.failure ?? "passed")")
        let oursJSON = try #require(try JSONSerialization.jsonObject(with: Data(EvidenceFormat.json(ours))) as? [String: Any])
        let theirs = try PythonVerifier.verdict(url, keyFile: keyFile)
        let label = "\(name), key \(keyFile?.lastPathComponent ?? "from the package")"
        #expect(theirs.status == (ours.ok ? 0 : 1), "\(label): exit status")
        for field in Set(oursJSON.keys).union(theirs.json.keys).sorted() {
            #expect("\(oursJSON[field] ?? "absent")" == "\(theirs.json[field] ?? "absent")", "\(label): \(field)")
        }
    }
}
