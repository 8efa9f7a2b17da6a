import Crypto
import Foundation
import Ledger

/// Verifies an evidence package offline: the seven checks of `docs/evidence.md`, in order, stopping at the first
/// failure.
///
/// This is `verify.py` (`Sources/Evidence/Resources/verify.py`) in Swift: the same checks in the same order, the
/// same reading of the ZIP (``PackageZIP``) and of every value (``StrictJSON``, ``StrictValues``) and the same
/// failure sentences, so `chatledger verify-package` and `verify.py` give the same verdict on the same package.
/// Each check reads what it needs as it runs (``EvidencePackageContents``): entries are hashed as they are inflated,
/// and only the control files, each proof's fields and the transcript's message elements are kept.
///
/// ## Topics
/// - ``verify(package:publicKey:)``
public enum EvidencePackageVerifier {
    /// Checks a package.
    /// - Parameters:
    ///   - url: The package ZIP.
    ///   - publicKey: A key obtained independently of the package (`--public-key`); `nil` uses the key in
    ///     `checkpoint.json`, which shows only that the package is self-consistent.
    /// - Returns: The verdict; never throws. A file that is not a readable ZIP gives `ok == false` with
    ///   ``EvidenceVerdict/failedCheck`` `nil` (the CLI's exit status 2).
    public static func verify(package url: URL, publicKey: Curve25519.Signing.PublicKey?) -> EvidenceVerdict {
        var verdict = EvidenceVerdict(ok: false, failure: nil, messages: nil, media: nil, treeSize: nil, root: nil,
                                      checkpointTimeMs: nil, keyId: publicKey.map(SigningKeyFormat.keyID),
                                      keySource: publicKey == nil ? .package : .given)
        guard FileManager.default.fileExists(atPath: url.path) else {
            verdict.failure = "There is no file at \(url.path)."
            return verdict
        }
        let contents: EvidencePackageContents
        do {
            contents = try EvidencePackageContents.open(url)
        } catch {
            verdict.failure = "\(url.path) is not a readable ZIP file (\(error))."
            return verdict
        }
        var verification = Verification(contents: contents, givenKey: publicKey)
        for check in EvidenceVerdict.Check.allCases {
            do {
                try verification.run(check, into: &verdict)
            } catch {
                let sentence = (error as? CheckFailure)?.sentence ?? "the check could not run (\(error))"
                verdict.failure = "check \(check.rawValue) (\(check)): \(sentence)"
                verdict.failedCheck = check
                return verdict
            }
        }
        verdict.ok = true
        return verdict
    }
}

/// A failed check's sentence, naming the file or leaf.
private struct CheckFailure: Error {
    var sentence: String
    init(_ sentence: String) { self.sentence = sentence }
}

/// One run of the checks over what the streaming pass kept. Each check relies on the ones before it, as the
/// methods of `verify.py`'s `Package` do.
private struct Verification {
    typealias PublicKey = Curve25519.Signing.PublicKey
    typealias Fields = [String: StrictJSON]

    private var contents: EvidencePackageContents
    let givenKey: PublicKey?
    private var key: PublicKey?
    private var checkpoint: Fields = [:]
    private var manifest: Fields = [:]
    /// The manifest's files: path → (SHA-256, size as listed).
    private var listed: [String: (sha256: [UInt8], size: StrictJSON.WholeNumber, sizeText: String)] = [:]
    private var size: UInt64 = 0
    private var root = MerkleHash.empty
    /// Check 5's leaves: index → (leaf hash, fields).
    private var leaves: [UInt64: (hash: MerkleHash, decoded: EvidencePackageContents.DecodedLeaf)] = [:]
    /// Check 6's message leaves: index → msgid.
    private var msgids: [UInt64: String] = [:]

    init(contents: EvidencePackageContents, givenKey: PublicKey?) {
        self.contents = contents
        self.givenKey = givenKey
    }

    mutating func run(_ check: EvidenceVerdict.Check, into verdict: inout EvidenceVerdict) throws {
        switch check {
        case .key:
            try checkKey()
            verdict.keyId = key.map(SigningKeyFormat.keyID)
        case .manifestSignature: try checkManifestSignature()
        case .files: try checkFiles()
        case .checkpoint:
            let time = try checkCheckpoints()
            verdict.treeSize = size
            verdict.root = root.hex
            verdict.checkpointTimeMs = Int64(clamping: time)
        case .inclusion: try checkInclusion()
        case .leaves:
            let media = try checkLeaves()
            verdict.messages = msgids.count
            verdict.media = media
        case .transcript: try checkTranscript()
        }
    }

    // MARK: - 1. The key

    /// `--public-key` when given (it must be the package's key), else the one inside the package.
    private mutating func checkKey() throws {
        checkpoint = try loadJSON(read(EvidenceFormat.checkpointPath), EvidenceFormat.checkpointPath)
        let pem = try text(checkpoint, "public_key_pem", "checkpoint.json")
        let packageKey: PublicKey
        switch StrictValues.publicKey(pem: pem) {
        case .success(let key): packageKey = key
        case .failure(let problem): throw CheckFailure("checkpoint.json public_key_pem \(problem.sentence)")
        }
        if let givenKey, givenKey.rawRepresentation != packageKey.rawRepresentation {
            throw CheckFailure("checkpoint.json carries key \(SigningKeyFormat.keyID(packageKey)), not the given key \(SigningKeyFormat.keyID(givenKey))")
        }
        guard checkpoint["key_id"]?.text == SigningKeyFormat.keyID(packageKey) else {
            throw CheckFailure("checkpoint.json: key_id does not belong to public_key_pem")
        }
        key = givenKey ?? packageKey
    }

    // MARK: - 2. The manifest signature

    /// manifest.sig is the key holder's Ed25519 signature over the exact bytes of manifest.json.
    private mutating func checkManifestSignature() throws {
        guard let key else { throw CheckFailure("no key was established") }
        let manifestBytes = try read(EvidenceFormat.manifestPath)
        var signatureText = try read(EvidenceFormat.manifestSignaturePath)
        if signatureText.last == UInt8(ascii: "\n") { signatureText.removeLast() }  // one line, "\n" allowed
        guard let signature = StrictValues.base64(signatureText) else { throw CheckFailure("manifest.sig is not valid base64") }
        guard key.isValidSignature(signature, for: manifestBytes) else {
            throw CheckFailure("manifest.sig is not this key's signature over manifest.json: manifest.json was changed after signing, or was signed by another key")
        }
        manifest = try loadJSON(manifestBytes, EvidenceFormat.manifestPath)
        guard manifest["format"]?.text == EvidenceFormat.identifier else {
            throw CheckFailure("manifest.json: format is not \(EvidenceFormat.identifier)")
        }
    }

    // MARK: - 3. The files

    /// The ZIP, laid out as ChatLedger writes it, holds exactly the files manifest.json lists (plus the manifest and
    /// its signature), unchanged.
    private mutating func checkFiles() throws {
        if let problem = contents.zip.layoutProblem() { throw CheckFailure(problem) }
        var names: Set<String> = []
        for name in contents.zip.entries.map(\.name) {
            if names.contains(name) { throw CheckFailure("the ZIP holds two entries named \(name)") }
            if EvidenceFormat.isUnsafe(name) {
                throw CheckFailure("the ZIP entry name \(StrictValues.repr(name)) is unsafe (empty, '..', leading '/' or backslash)")
            }
            names.insert(name)
        }
        guard case .array(let files)? = manifest["files"] else { throw CheckFailure("manifest.json: \"files\" is not a list") }
        for (position, file) in files.enumerated() {
            guard case .object(let fields) = file else { throw CheckFailure("manifest.json: files[\(position)] is not an object") }
            let path = try text(fields, "path", "manifest.json files[\(position)]")
            if listed[path] != nil || path == EvidenceFormat.manifestPath || path == EvidenceFormat.manifestSignaturePath {
                throw CheckFailure("manifest.json lists \(path) twice, or lists the manifest itself")
            }
            guard let sha256 = StrictValues.hash(fields["sha256"]) else {
                throw CheckFailure("manifest.json sha256 of \(path) is not a 64-digit hex SHA-256 value")
            }
            guard let size = fields["size"], let whole = size.wholeNumber else {
                throw CheckFailure("manifest.json files[\(position)]: \"size\" is missing or not a whole number")
            }
            listed[path] = (sha256.bytes, whole, size.pythonText)
        }
        let expected = Set(listed.keys).union([EvidenceFormat.manifestPath, EvidenceFormat.manifestSignaturePath])
        if let name = Self.sorted(names.subtracting(expected)).first {
            throw CheckFailure("\(name) is in the ZIP but not listed in manifest.json")
        }
        if let name = Self.sorted(expected.subtracting(names)).first {
            throw CheckFailure("\(name) is listed in manifest.json but missing from the ZIP")
        }
        if let name = Self.sorted(names).first(where: { !EvidenceFormat.isAllowedName($0) }) {
            throw CheckFailure("\(name) is not a file an evidence package v1 contains")
        }
        for path in Self.sorted(listed.keys) {
            guard let file = listed[path], let entry = contents.zip.entry(named: path) else {
                throw CheckFailure("\(path) is listed in manifest.json but missing from the ZIP")
            }
            // Reading the entry checks that it has the size its record gives.
            guard file.size == .value(entry.uncompressedSize) else {
                throw CheckFailure("\(path) has \(entry.uncompressedSize) bytes, manifest.json says \(file.sizeText): it was changed")
            }
            if EvidencePackageContents.isKept(path) && entry.uncompressedSize > EvidencePackageContents.keptEntryLimit {
                throw CheckFailure("\(path) cannot be read from the ZIP (larger than \(EvidencePackageContents.keptEntryLimit >> 20) MiB)")
            }
            if let problem = contents.hash(entry) { throw CheckFailure("\(path) cannot be read from the ZIP (\(problem))") }
            guard contents.digests[path]?.sha256 == file.sha256 else {
                throw CheckFailure("\(path) does not have the SHA-256 that manifest.json lists: it was changed")
            }
        }
    }

    // MARK: - 4. The checkpoints

    /// Both signed checkpoints are genuine, and the newest log at export begins with the package's log.
    /// - Returns: The package checkpoint's time.
    private mutating func checkCheckpoints() throws -> UInt64 {
        let origin = try text(checkpoint, "origin", "checkpoint.json")
        let own = try signedCheckpoint(checkpoint, origin: origin, where: "checkpoint.json")
        guard case .object(let latestFields)? = checkpoint["latest"] else { throw CheckFailure("checkpoint.json latest is missing") }
        let latest = try signedCheckpoint(latestFields, origin: origin, where: "checkpoint.json latest")
        guard latest.size >= own.size else {
            throw CheckFailure("checkpoint.json: the latest checkpoint (\(latest.size) leaves) is smaller than the package checkpoint (\(own.size) leaves)")
        }
        let proof = try hashList(checkpoint, "consistency_proof", "checkpoint.json")
        guard MerkleProofs.verifyConsistency(oldSize: own.size, newSize: latest.size, oldRoot: own.root,
                                             newRoot: latest.root, proof: proof) else {
            throw CheckFailure("checkpoint.json: the consistency proof does not show that the latest log (\(latest.size) leaves) begins with the package's log (\(own.size) leaves): the log may have been rewritten")
        }
        guard let manifestOrigin = manifest["origin"]?.text, Array(manifestOrigin.utf8) == Array(origin.utf8) else {
            throw CheckFailure("checkpoint.json and manifest.json name different origins (archives)")
        }
        if let token = checkpoint["timestamp_token"], !Self.isNull(token) {
            guard let text = token.text, StrictValues.base64(Array(text.utf8)) != nil else {
                throw CheckFailure("checkpoint.json timestamp_token is not valid base64")
            }
        }
        size = own.size
        root = own.root
        return own.time
    }

    /// Rebuilds a checkpoint's note from its fields, compares it with the stored note (as bytes), checks the signature.
    private func signedCheckpoint(_ fields: Fields, origin: String, where place: String) throws -> (size: UInt64, root: MerkleHash, time: UInt64) {
        guard let key else { throw CheckFailure("no key was established") }
        let size = try wholeNumber(fields, "tree_size", place)
        let time = try wholeNumber(fields, "time_ms", place)
        guard let root = StrictValues.hash(fields["root"]) else {
            throw CheckFailure("\(place) root is not a 64-digit hex SHA-256 value")
        }
        let note = Array("\(origin)\n\(size)\n\(Data(root.bytes).base64EncodedString())\n\(time)\n".utf8)
        guard let stored = fields["note"]?.text, Array(stored.utf8) == note else {
            throw CheckFailure("\(place): note is not the note rebuilt from origin, tree_size, root and time_ms")
        }
        let signatureText = try text(fields, "signature", place)
        guard let signature = StrictValues.base64(Array(signatureText.utf8)) else {
            throw CheckFailure("\(place) signature is not valid base64")
        }
        guard key.isValidSignature(signature, for: note) else {
            throw CheckFailure("\(place): the signature over the note is not valid for this key")
        }
        return (size, root, time)
    }

    // MARK: - 5. The inclusion proofs

    /// Every proofs/N.json leads from its leaf, at position N, to the signed root.
    private mutating func checkInclusion() throws {
        for name in Self.sorted(listed.keys) {
            guard let index = EvidenceFormat.leafIndex(inPath: name, folder: EvidenceFormat.proofsFolder, suffix: ".json") else { continue }
            guard let proof = contents.proofs[name] else { throw CheckFailure("\(name) cannot be read from the ZIP") }
            if let problem = proof.jsonProblem { throw CheckFailure("\(name) \(problem.sentence)") }
            guard let leafIndex = proof.leafIndex else { throw CheckFailure("\(name): \"leaf_index\" is missing or not a whole number") }
            guard leafIndex == .value(index) else { throw CheckFailure("\(name): leaf_index is not \(index)") }
            guard let treeSize = proof.treeSize else { throw CheckFailure("\(name): \"tree_size\" is missing or not a whole number") }
            guard treeSize == .value(size) else { throw CheckFailure("\(name): tree_size is not the checkpoint's \(size)") }
            guard index < size else { throw CheckFailure("\(name): leaf \(index) is beyond the checkpoint's \(size) leaves") }
            let hash: MerkleHash
            let decoded: EvidencePackageContents.DecodedLeaf
            switch proof.leaf {
            case .missingOrNotText: throw CheckFailure("\(name): \"leaf\" is missing or not text")
            case .notBase64: throw CheckFailure("\(name) leaf is not valid base64")
            case .value(let leafHash, let fields):
                hash = leafHash
                decoded = fields
            }
            let path: [MerkleHash]
            switch proof.inclusionProof {
            case .notAList: throw CheckFailure("\(name): \"inclusion_proof\" is not a list of hashes")
            case .badHash(let position): throw CheckFailure("\(name) inclusion_proof[\(position)] is not a 64-digit hex SHA-256 value")
            case .value(let hashes): path = hashes
            }
            guard MerkleProofs.verifyInclusion(leaf: hash, index: index, size: size, proof: path, root: root) else {
                throw CheckFailure("\(name): the inclusion proof of leaf \(index) does not lead to the signed root")
            }
            leaves[index] = (hash, decoded)
        }
    }

    // MARK: - 6. The leaves

    /// Each leaf's content is in the package byte for byte, and every message and attachment file has a leaf.
    /// - Returns: The number of attachment leaves.
    private mutating func checkLeaves() throws -> Int {
        var coveredMedia: Set<String> = []
        var mediaCount = 0
        for index in leaves.keys.sorted() {
            guard let leaf = leaves[index] else { continue }
            switch leaf.decoded {
            case .problem(let sentence):
                throw CheckFailure("proofs/\(index).json: \(sentence)")
            case .message(let msgid, let rawSHA256, let rawSize):
                let name = EvidenceFormat.messagePath(index)
                guard listed[name] != nil, let file = contents.digests[name] else {
                    throw CheckFailure("leaf \(index) is a message but \(name) is missing")
                }
                guard file.sha256 == rawSHA256, file.size == rawSize else {
                    throw CheckFailure("\(name) is not byte for byte the message JSON in leaf \(index)")
                }
                msgids[index] = msgid
            case .media(_, let sha256, let fileSize):
                mediaCount += 1
                let name = EvidenceFormat.mediaPath(sha256: sha256)
                guard listed[name] != nil, let file = contents.digests[name] else {
                    throw CheckFailure("leaf \(index) is an attachment but \(name) is missing")
                }
                guard file.sha256 == sha256, file.size == fileSize else {
                    throw CheckFailure("\(name) does not have the SHA-256 and size recorded in leaf \(index)")
                }
                coveredMedia.insert(name)
            }
        }
        for name in Self.sorted(listed.keys) {
            let messageIndex = EvidenceFormat.leafIndex(inPath: name, folder: EvidenceFormat.messagesFolder, suffix: ".json")
            let uncoveredMessage = messageIndex.map { msgids[$0] == nil } ?? false
            let uncoveredMedia = name.hasPrefix(EvidenceFormat.mediaFolder) && !coveredMedia.contains(name)
            if uncoveredMessage || uncoveredMedia {
                throw CheckFailure("\(name) is not covered by a proof (no leaf of the log vouches for it)")
            }
        }
        let messages = manifest["messages"]
        let media = manifest["media"]
        guard messages?.equals(msgids.count) == true, media?.equals(mediaCount) == true else {
            let listedMessages = messages?.pythonText ?? "None"
            let listedMedia = media?.pythonText ?? "None"
            throw CheckFailure("manifest.json counts \(listedMessages) messages and \(listedMedia) attachments, the proofs hold \(msgids.count) and \(mediaCount)")
        }
        return mediaCount
    }

    // MARK: - 7. The transcript

    /// index.html shows each message exactly once, tagged with its leaf, msgid and leaf hash.
    private func checkTranscript() throws {
        let transcript: EvidencePackageContents.Transcript
        switch contents.transcript() {
        case .missing: throw CheckFailure("index.html is missing from the package")
        case .unreadable(let problem): throw CheckFailure("index.html cannot be read from the ZIP (\(problem))")
        case .value(let value): transcript = value
        }
        guard transcript.isUTF8 else { throw CheckFailure("index.html is not UTF-8 text") }
        if let line = transcript.repeatedAttributeLine {
            throw CheckFailure("index.html line \(line): a message element repeats an attribute")
        }
        var counts: [String?: Int] = [:]
        for element in transcript.messages { counts[element.leaf, default: 0] += 1 }
        for element in transcript.messages {
            let line = element.line
            let parsedIndex = element.leaf.flatMap(Self.leafIndex)
            guard let index = parsedIndex, let msgid = msgids[index], let leaf = leaves[index] else {
                throw CheckFailure("index.html line \(line): data-leaf \(StrictValues.repr(element.leaf)) is not a message leaf of this package")
            }
            let times = counts[element.leaf] ?? 0
            if times > 1 { throw CheckFailure("index.html shows leaf \(index) \(times) times") }
            guard let shownMsgid = element.msgid, Array(shownMsgid.utf8) == Array(msgid.utf8) else {
                throw CheckFailure("index.html line \(line): data-msgid of leaf \(index) is \(StrictValues.repr(element.msgid)), the leaf says \(StrictValues.repr(msgid))")
            }
            guard (element.hash ?? "").lowercased() == leaf.hash.hex else {
                throw CheckFailure("index.html line \(line): data-hash of leaf \(index) is not the leaf's hash")
            }
        }
        let shown = Set(counts.keys.compactMap { $0.flatMap(Self.leafIndex) })
        if let index = msgids.keys.sorted().first(where: { !shown.contains($0) }) {
            throw CheckFailure("index.html does not show message leaf \(index)")
        }
    }

    // MARK: - Reading, as verify.py's helpers do

    /// A control file's bytes (`Package.read`).
    private func read(_ name: String) throws -> [UInt8] {
        switch contents.read(name) {
        case .missing: throw CheckFailure("\(name) is missing from the package")
        case .unreadable(let problem): throw CheckFailure("\(name) cannot be read from the ZIP (\(problem))")
        case .value(let bytes): return bytes
        }
    }

    /// `load_json`: a JSON object without repeated keys.
    private func loadJSON(_ bytes: [UInt8], _ place: String) throws -> Fields {
        switch StrictJSON.object(bytes) {
        case .success(let fields): return fields
        case .failure(let problem): throw CheckFailure("\(place) \(problem.sentence)")
        }
    }

    /// `get(obj, str, key, where)`.
    private func text(_ fields: Fields, _ key: String, _ place: String) throws -> String {
        guard let value = fields[key]?.text else { throw CheckFailure("\(place): \"\(key)\" is missing or not text") }
        return value
    }

    /// `get(obj, int, key, where)`; a number past `UInt64` is refused here too (no checkpoint is that large).
    private func wholeNumber(_ fields: Fields, _ key: String, _ place: String) throws -> UInt64 {
        guard case .value(let value)? = fields[key]?.wholeNumber else {
            throw CheckFailure("\(place): \"\(key)\" is missing or not a whole number")
        }
        return value
    }

    /// `hash_list`.
    private func hashList(_ fields: Fields, _ key: String, _ place: String) throws -> [MerkleHash] {
        guard case .array(let values)? = fields[key] else { throw CheckFailure("\(place): \"\(key)\" is not a list of hashes") }
        return try values.enumerated().map { position, value in
            guard let hash = StrictValues.hash(value) else {
                throw CheckFailure("\(place) \(key)[\(position)] is not a 64-digit hex SHA-256 value")
            }
            return hash
        }
    }

    private static func isNull(_ value: StrictJSON) -> Bool {
        if case .null = value { return true }
        return false
    }

    /// A leaf index as written in `data-leaf`: decimal without leading zeros.
    private static func leafIndex(_ text: String) -> UInt64? {
        EvidenceFormat.leafIndex(inPath: text, folder: "", suffix: "")
    }

    /// Python's `sorted()` of strings: by code point.
    private static func sorted(_ names: some Sequence<String>) -> [String] {
        names.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    }
}
