import Crypto
import Foundation
import ZIPFoundation

/// Streams an evidence package to a new ZIP file, recording each entry's SHA-256 and size for the manifest.
///
/// Entries are deflated as they are written and no entry's bytes are kept, so memory stays flat however
/// large the attachments. ``finish(_:signingKey:)`` writes `manifest.json` (every entry, sorted by path) and
/// `manifest.sig`; a writer that is dropped before it leaves an incomplete file that every verifier refuses
/// (it has no manifest), which the caller should delete.
///
/// Used from one task at a time; not `Sendable`.
///
/// ## Topics
/// - ``init(url:)``
/// - ``add(path:bytes:)``
/// - ``add(path:contentsOf:)``
/// - ``finish(_:signingKey:)``
public final class EvidencePackageWriter {
    /// Where the package is written.
    public let url: URL
    /// `nil` once finished: dropping the archive closes its file.
    private var archive: Archive?
    /// Set when an entry failed half-way: the ZIP on disk may then be inconsistent, so nothing more is added.
    private var failed = false
    private var files: [String: EvidenceManifest.File] = [:]
    /// One time for every entry, so the entries of a package agree.
    private let modificationDate = Date()
    /// Read, compression and hashing chunk.
    private static let chunkSize = 1 << 16

    /// Creates the package file.
    /// - Parameter url: A path where nothing exists yet: an evidence package is never overwritten.
    /// - Throws: ``EvidenceError`` when something exists at `url` or the file cannot be created.
    public init(url: URL) throws {
        self.url = url
        guard !FileManager.default.fileExists(atPath: url.path) else {
            throw EvidenceError("\(url.path) already exists; an evidence package is never overwritten")
        }
        do {
            // `pathEncoding: nil` picks the throwing initializer, not the deprecated failable one.
            archive = try Archive(url: url, accessMode: .create, pathEncoding: nil)
        } catch {
            throw EvidenceError("cannot create \(url.path): \(error)")
        }
    }

    /// Adds an entry from memory (a message's raw JSON, a proof, the transcript).
    /// - Parameters:
    ///   - path: One of the format's names (``EvidenceFormat/isAllowedName(_:)``), not yet added, not
    ///     `manifest.json` or `manifest.sig`.
    ///   - bytes: The entry's content; not kept after the call.
    /// - Returns: The entry as the manifest will list it.
    /// - Throws: ``EvidenceError`` when the path is refused or the ZIP cannot be written.
    @discardableResult
    public func add(path: String, bytes: [UInt8]) throws -> EvidenceManifest.File {
        let archive = try claim(path)
        let digest = SHA256.hash(data: bytes)
        try write(path, bytes: bytes, into: archive)
        return record(path, sha256: EvidenceFormat.hex(digest), size: UInt64(bytes.count))
    }

    /// Adds an entry streamed from a file (an unsealed attachment), hashing it chunk by chunk as it is deflated.
    ///
    /// The recorded digest and size are those of the bytes written to the ZIP: the file's size when it was
    /// opened. A file that shrinks while it is read fails the call (and the writer).
    /// - Parameters:
    ///   - path: The entry's path, as for ``add(path:bytes:)``.
    ///   - file: A readable regular file.
    /// - Returns: The entry as the manifest will list it.
    /// - Throws: ``EvidenceError`` when the path is refused, the file cannot be read or the ZIP cannot be written.
    @discardableResult
    public func add(path: String, contentsOf file: URL) throws -> EvidenceManifest.File {
        let archive = try claim(path)
        let handle: FileHandle
        let size: UInt64
        do {
            handle = try FileHandle(forReadingFrom: file)
        } catch {
            throw EvidenceError("cannot read \(file.path) for \(path): \(error)")
        }
        defer { try? handle.close() }
        do {
            size = try handle.seekToEnd()
            try handle.seek(toOffset: 0)
        } catch {
            throw EvidenceError("cannot read \(file.path) for \(path): \(error)")
        }
        guard size <= UInt64(Int64.max) else { throw EvidenceError("\(file.path) is too large for \(path)") }
        var hasher = SHA256()
        try write(path, size: Int64(size), into: archive) { _, count in
            let chunk = try Self.read(count, from: handle)
            guard chunk.count == count else {
                throw EvidenceError("\(file.path) shrank while it was added as \(path)")
            }
            hasher.update(data: chunk)
            return chunk
        }
        return record(path, sha256: EvidenceFormat.hex(hasher.finalize()), size: size)
    }

    /// Writes `manifest.json` and `manifest.sig` and closes the package.
    /// - Parameters:
    ///   - manifest: Everything but ``EvidenceManifest/files``, which is filled in here (every entry added,
    ///     sorted by path); ``EvidenceManifest/format`` is set to ``EvidenceFormat/identifier``.
    ///   - signingKey: The checkpoint signing key: `manifest.sig` must verify with the key in `checkpoint.json`.
    /// - Returns: The manifest exactly as written.
    /// - Throws: ``EvidenceError`` when the writer already finished or failed, or the ZIP cannot be written.
    @discardableResult
    public func finish(_ manifest: EvidenceManifest, signingKey: Curve25519.Signing.PrivateKey) throws -> EvidenceManifest {
        let archive = try usableArchive()
        var manifest = manifest
        manifest.format = EvidenceFormat.identifier
        // Byte order, which is code-point order: what `sorted()` gives in Python, whatever the locale.
        manifest.files = files.values.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        let bytes = try EvidenceFormat.json(manifest)
        let signature = try signingKey.signature(for: bytes)
        try write(EvidenceFormat.manifestPath, bytes: bytes, into: archive)
        try write(EvidenceFormat.manifestSignaturePath, bytes: Array((signature.base64EncodedString() + "\n").utf8), into: archive)
        self.archive = nil
        return manifest
    }

    // MARK: - Private

    private func usableArchive() throws -> Archive {
        if failed { throw EvidenceError("an earlier entry failed, so \(url.path) is incomplete") }
        guard let archive else { throw EvidenceError("\(url.path) is already finished") }
        return archive
    }

    /// Refuses any name a verifier would refuse (it accepts only the format's names), or that was already added.
    private func claim(_ path: String) throws -> Archive {
        let archive = try usableArchive()
        if path == EvidenceFormat.manifestPath || path == EvidenceFormat.manifestSignaturePath {
            throw EvidenceError("refused entry path \"\(path)\": finish(_:signingKey:) writes it")
        }
        guard EvidenceFormat.isAllowedName(path) else {
            throw EvidenceError("refused entry path \"\(path)\": a v1 package holds only messages/<leaf>.json, media/<sha256 hex>, "
                                + "proofs/<leaf>.json, checkpoint.json, index.html, verify.py and README.txt")
        }
        if files[path] != nil { throw EvidenceError("refused entry path \"\(path)\": it was already added") }
        return archive
    }

    private func record(_ path: String, sha256: String, size: UInt64) -> EvidenceManifest.File {
        let file = EvidenceManifest.File(path: path, sha256: sha256, size: size)
        files[path] = file
        return file
    }

    private func write(_ path: String, bytes: [UInt8], into archive: Archive) throws {
        try write(path, size: Int64(bytes.count), into: archive) { position, count in
            let start = min(max(Int(position), 0), bytes.count)
            return Data(bytes[start..<min(start + count, bytes.count)])
        }
    }

    private func write(_ path: String, size: Int64, into archive: Archive, provider: Provider) throws {
        do {
            try archive.addEntry(with: path, type: .file, uncompressedSize: size, modificationDate: modificationDate,
                                 compressionMethod: .deflate, bufferSize: Self.chunkSize, provider: provider)
        } catch let error as EvidenceError {
            failed = true
            throw error
        } catch {
            failed = true
            throw EvidenceError("cannot write \(path) to \(url.path): \(error)")
        }
    }

    /// Reads `count` bytes, fewer only at the end of the file (a `read` may return less than asked).
    private static func read(_ count: Int, from handle: FileHandle) throws -> Data {
        var data = Data()
        while data.count < count {
            guard let chunk = try handle.read(upToCount: count - data.count), !chunk.isEmpty else { break }
            data.append(chunk)
        }
        return data
    }
}
