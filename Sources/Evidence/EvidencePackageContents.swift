import Crypto
import Foundation
import Ledger

/// What the checks read of a package's ZIP (``PackageZIP``), each part when the check that needs it runs: the
/// three small control files for checks 1 and 2, every listed entry's SHA-256 and size and each proof reduced to its
/// fields in check 3, and the transcript's message elements in check 7, as `verify.py` reads them.
///
/// Message files and attachments are only hashed (a message file equals its leaf's JSON exactly when their SHA-256
/// and size match), and the transcript is scanned as it is inflated, so memory stays small however large the
/// package. Reading nothing before the checks that need it also means a package whose signature fails is refused
/// without inflating its attachments or scanning its transcript. When a name occurs twice, the last entry is the one
/// read (check 3 refuses the package anyway).
struct EvidencePackageContents {
    /// An entry's content as read.
    struct Digest {
        var sha256: [UInt8]
        var size: UInt64
    }

    /// A proof file reduced to what checks 5 and 6 read, field by field; the leaf bytes themselves are dropped.
    struct ProofSummary {
        /// "repeats a key", "is not valid JSON", "is not a JSON object": nothing else is read then.
        var jsonProblem: StrictJSON.Problem?
        /// `nil` when missing or not a whole number.
        var leafIndex: StrictJSON.WholeNumber?
        var treeSize: StrictJSON.WholeNumber?
        var leaf = LeafField.missingOrNotText
        var inclusionProof = HashListField.notAList
    }

    /// The proof's `leaf` field.
    enum LeafField {
        case missingOrNotText
        case notBase64
        case value(hash: MerkleHash, decoded: DecodedLeaf)
    }

    /// The proof's `inclusion_proof` field.
    enum HashListField {
        case notAList
        /// The element at this position is not 64 hex digits.
        case badHash(Int)
        case value([MerkleHash])
    }

    /// A leaf's fields, as check 6 compares them with the package's files.
    enum DecodedLeaf {
        case message(msgid: String, rawSHA256: [UInt8], rawSize: UInt64)
        case media(msgid: String, sha256: [UInt8], size: UInt64)
        /// `verify.py`'s words after "proofs/N.json: ".
        case problem(String)
    }

    /// What was read of `index.html`.
    struct Transcript {
        var isUTF8: Bool
        var repeatedAttributeLine: Int?
        var messages: [TranscriptScanner.MessageElement]
    }

    /// An entry read whole, or why not (`verify.py`'s `Package.read`).
    enum Read<Value> {
        case missing
        /// Why it cannot be read: the words in "cannot be read from the ZIP (...)".
        case unreadable(String)
        case value(Value)
    }

    /// The package's ZIP.
    let zip: PackageZIP
    /// Each listed entry's content, as check 3 read it.
    private(set) var digests: [String: Digest] = [:]
    /// Every listed entry under `proofs/`, as check 3 read it.
    private(set) var proofs: [String: ProofSummary] = [:]

    /// The largest entry kept in memory (control files and proofs, ``isKept(_:)``); anything bigger is a malformed
    /// package, and refusing it keeps a hostile ZIP from exhausting memory. `verify.py` has the same limit.
    static let keptEntryLimit: UInt64 = 64 << 20
    private static let controlPaths: Set<String> = [
        EvidenceFormat.manifestPath, EvidenceFormat.manifestSignaturePath, EvidenceFormat.checkpointPath,
    ]

    /// Reads the ZIP's central directory.
    /// - Throws: ``PackageZIP/Unreadable`` or a file error when `url` cannot be read as a ZIP at all.
    static func open(_ url: URL) throws -> EvidencePackageContents {
        EvidencePackageContents(zip: try PackageZIP(url: url))
    }

    /// Whether an entry is read into memory whole (`verify.py`'s `kept_in_memory`).
    static func isKept(_ name: String) -> Bool {
        controlPaths.contains(name) || name.hasPrefix(EvidenceFormat.proofsFolder)
    }

    /// A control file's bytes.
    func read(_ name: String) -> Read<[UInt8]> {
        guard let entry = zip.entry(named: name) else { return .missing }
        if Self.isKept(name) && entry.uncompressedSize > Self.keptEntryLimit {
            return .unreadable("larger than \(Self.keptEntryLimit >> 20) MiB")
        }
        var bytes: [UInt8] = []
        if let problem = zip.read(entry, { bytes.append(contentsOf: $0) }) { return .unreadable(problem) }
        return .value(bytes)
    }

    /// Check 3's reading of a listed entry: records its SHA-256 and size, and a proof's fields.
    /// - Returns: Why it cannot be read, or `nil`.
    mutating func hash(_ entry: PackageZIP.Entry) -> String? {
        let isProof = entry.name.hasPrefix(EvidenceFormat.proofsFolder)
        var hasher = SHA256()
        var kept: [UInt8] = []
        let problem = zip.read(entry) { chunk in
            hasher.update(data: chunk)
            if isProof { kept.append(contentsOf: chunk) }
        }
        if let problem { return problem }
        digests[entry.name] = Digest(sha256: Array(hasher.finalize()), size: entry.uncompressedSize)
        if isProof { proofs[entry.name] = Self.summarize(proof: kept) }
        return nil
    }

    /// Check 7's reading of `index.html`: its message elements, found as the page is inflated.
    func transcript() -> Read<Transcript> {
        guard let entry = zip.entry(named: EvidenceFormat.transcriptPath) else { return .missing }
        var scanner = TranscriptScanner()
        if let problem = zip.read(entry, { scanner.feed($0) }) { return .unreadable(problem) }
        scanner.finish()
        return .value(Transcript(isUTF8: scanner.isUTF8, repeatedAttributeLine: scanner.repeatedAttributeLine,
                                 messages: scanner.messages))
    }

    /// Reads a proof file's fields the way `verify.py` reads them, keeping each field's outcome.
    static func summarize(proof bytes: [UInt8]) -> ProofSummary {
        var summary = ProofSummary()
        let fields: [String: StrictJSON]
        switch StrictJSON.object(bytes) {
        case .failure(let problem):
            summary.jsonProblem = problem
            return summary
        case .success(let object):
            fields = object
        }
        summary.leafIndex = fields["leaf_index"]?.wholeNumber
        summary.treeSize = fields["tree_size"]?.wholeNumber
        if let text = fields["leaf"]?.text {
            if let leaf = StrictValues.base64(Array(text.utf8)) {
                summary.leaf = .value(hash: MerkleHash.leaf(leaf), decoded: decode(leaf))
            } else {
                summary.leaf = .notBase64
            }
        }
        if case .array(let values)? = fields["inclusion_proof"] {
            var hashes: [MerkleHash] = []
            var bad: Int?
            for (position, value) in values.enumerated() {
                guard let hash = StrictValues.hash(value) else {
                    bad = position
                    break
                }
                hashes.append(hash)
            }
            if let bad {
                summary.inclusionProof = .badHash(bad)
            } else {
                summary.inclusionProof = .value(hashes)
            }
        }
        return summary
    }

    /// `verify.py`'s `decode_leaf`: the same fields and the same refusals, in the same order.
    static func decode(_ leaf: [UInt8]) -> DecodedLeaf {
        var position = 0
        var cutShort = false
        func take(_ count: Int) -> ArraySlice<UInt8> {
            guard !cutShort, count >= 0, position + count <= leaf.count else {
                cutShort = true
                return []
            }
            position += count
            return leaf[(position - count)..<position]
        }
        func number(_ width: Int) -> UInt64 { take(width).reduce(0) { $0 << 8 | UInt64($1) } }
        func field() -> ArraySlice<UInt8> {
            let length = number(4)
            return cutShort ? [] : take(Int(length))
        }
        let result: DecodedLeaf
        if leaf.starts(with: LeafEncoding.messagePrefix) {
            _ = take(LeafEncoding.messagePrefix.count)
            _ = number(8)
            let msgid = String(decoding: field(), as: UTF8.self)
            let raw = field()
            result = .message(msgid: msgid, rawSHA256: Array(SHA256.hash(data: raw)), rawSize: UInt64(raw.count))
        } else if leaf.starts(with: LeafEncoding.mediaPrefix) {
            _ = take(LeafEncoding.mediaPrefix.count)
            let msgid = String(decoding: field(), as: UTF8.self)
            _ = field()
            let sha256 = Array(take(32))
            let size = number(8)
            result = .media(msgid: msgid, sha256: sha256, size: size)
        } else {
            return .problem("the leaf is neither a message nor an attachment record")
        }
        if cutShort { return .problem("the leaf is cut short") }
        if position != leaf.count { return .problem("the leaf has bytes after its last field") }
        return result
    }
}
