import Crypto
import Foundation
import Ledger
import ZIPFoundation

/// What one streaming pass over a package's ZIP keeps for the checks: every entry's name, SHA-256 and size, the
/// three small control files, each proof reduced to its fields, and the transcript's message elements.
///
/// Nothing else is kept: message files and attachments are only hashed (a message file equals its leaf's JSON
/// exactly when their SHA-256 and size match), and the transcript is scanned as it is inflated. The pass judges
/// nothing; ``EvidencePackageVerifier`` runs the checks in order afterwards, over what was kept. When a name
/// occurs twice, the last entry is the one read, as Python's `zipfile` does (check 3 refuses the package anyway).
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

    /// Every entry name, in ZIP order (repeats included).
    var names: [String] = []
    /// Each name's content (the last entry of the name).
    var digests: [String: Digest] = [:]
    /// Why a name's content could not be read (bad compressed data, CRC mismatch, too large to keep).
    var problems: [String: String] = [:]
    /// Bytes of `manifest.json`, `manifest.sig` and `checkpoint.json`.
    var controlFiles: [String: [UInt8]] = [:]
    /// Every entry under `proofs/`, by name.
    var proofs: [String: ProofSummary] = [:]
    /// `index.html`, when the package has one that could be read.
    var transcript: Transcript?

    /// The largest entry kept in memory (control files and proofs); anything bigger is a malformed package, and
    /// refusing it keeps a hostile ZIP from exhausting memory.
    static let keptEntryLimit: UInt64 = 64 << 20
    private static let chunkSize = 1 << 16
    private static let controlPaths: Set<String> = [
        EvidenceFormat.manifestPath, EvidenceFormat.manifestSignaturePath, EvidenceFormat.checkpointPath,
    ]

    /// Reads every entry once.
    /// - Throws: Only when `url` cannot be opened as a ZIP at all; a damaged entry is recorded, not thrown.
    static func read(_ url: URL) throws -> EvidencePackageContents {
        let archive = try Archive(url: url, accessMode: .read, pathEncoding: nil)
        var contents = EvidencePackageContents()
        for entry in archive {
            contents.names.append(entry.path)
            contents.read(entry, in: archive)
        }
        return contents
    }

    /// Inflates one entry, hashing it and keeping or scanning what the checks need.
    private mutating func read(_ entry: Entry, in archive: Archive) {
        let path = entry.path
        digests[path] = nil
        problems[path] = nil
        controlFiles[path] = nil
        proofs[path] = nil
        if path == EvidenceFormat.transcriptPath { transcript = nil }
        let isProof = path.hasPrefix(EvidenceFormat.proofsFolder)
        let keeps = isProof || Self.controlPaths.contains(path)
        var scanner: TranscriptScanner? = path == EvidenceFormat.transcriptPath ? TranscriptScanner() : nil
        var kept: [UInt8] = []
        var hasher = SHA256()
        var size: UInt64 = 0
        do {
            let checksum = try archive.extract(entry, bufferSize: Self.chunkSize, skipCRC32: false) { chunk in
                hasher.update(data: chunk)
                size += UInt64(chunk.count)
                if keeps {
                    guard size <= Self.keptEntryLimit else { throw EvidenceError("larger than \(Self.keptEntryLimit >> 20) MiB") }
                    kept.append(contentsOf: chunk)
                }
                scanner?.feed(chunk)
            }
            // ZIPFoundation computes the CRC but leaves the comparison to the caller; Python's zipfile refuses a
            // mismatch, so both verifiers treat it as an unreadable entry.
            guard checksum == entry.checksum else {
                problems[path] = "Bad CRC-32"
                return
            }
        } catch let error as EvidenceError {
            problems[path] = error.message
            return
        } catch {
            problems[path] = "damaged data: \(error)"
            return
        }
        digests[path] = Digest(sha256: Array(hasher.finalize()), size: size)
        if isProof {
            proofs[path] = Self.summarize(proof: kept)
        } else if keeps {
            controlFiles[path] = kept
        } else if var scanner {
            scanner.finish()
            transcript = Transcript(isUTF8: scanner.isUTF8, repeatedAttributeLine: scanner.repeatedAttributeLine,
                                    messages: scanner.messages)
        }
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
