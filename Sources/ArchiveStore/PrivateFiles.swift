import Foundation

/// Files and folders only the archive's own user may open: data files `0600`, folders `0700`.
///
/// Modes are given when a file or folder is created, never loosened and tightened afterwards, so there is no moment
/// when others could open it; an explicit `chmod` follows, so an unusual `umask` cannot leave them wider or narrower.
package enum PrivateFiles {
    /// Owner read and write.
    package static let fileMode: mode_t = 0o600
    /// Owner read, write and search.
    package static let folderMode: mode_t = 0o700

    /// Creates `url` and any missing parents with mode 0700; folders that already exist keep their mode.
    /// - Throws: ``StorageError`` naming the folder that could not be made.
    package static func createFolder(_ url: URL) throws {
        let path = url.standardizedFileURL.path
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw StorageError("\(path) exists and is not a folder") }
            return
        }
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent()
        if parent.path != path { try createFolder(parent) }
        if mkdir(path, folderMode) == 0 {
            _ = chmod(path, folderMode)
        } else if errno != EEXIST {
            throw StorageError("cannot create the folder \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Creates an empty file at `path` with mode 0600 unless something is there already.
    /// - Returns: whether this call created it.
    /// - Throws: ``StorageError`` when it cannot be created.
    @discardableResult
    package static func createFileIfAbsent(atPath path: String) throws -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else {
            if errno == EEXIST { return false }
            throw StorageError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        _ = fchmod(descriptor, fileMode)
        close(descriptor)
        return true
    }

    /// Writes `bytes` to a new file at `url` (mode 0600, its folder made 0700 if missing), flushed to disk.
    /// - Throws: ``StorageError`` when the file exists already or cannot be written.
    package static func writeNewFile(_ bytes: [UInt8], to url: URL) throws {
        try createFolder(url.deletingLastPathComponent())
        let path = url.path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else {
            let reason = errno == EEXIST ? "it exists already" : String(cString: strerror(errno))
            throw StorageError("cannot write the file \(path): \(reason)")
        }
        defer { close(descriptor) }
        _ = fchmod(descriptor, fileMode)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let reason = String(cString: strerror(errno))
                unlink(path)
                throw StorageError("cannot write the file \(path): \(reason)")
            }
            written += count
        }
        guard fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(path)
            throw StorageError("cannot write the file \(path): \(reason)")
        }
    }

    /// Writes `bytes` as the file at `url`, replacing it atomically if present: a new 0600 file beside it, renamed over it.
    /// - Throws: ``StorageError`` when it cannot be written.
    package static func replaceFile(_ bytes: [UInt8], at url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        try writeNewFile(bytes, to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw StorageError("cannot write the file \(url.path): \(reason)")
        }
    }

    /// Sets `path` to mode 0600 when it exists; failures (another owner) are left for the operator.
    package static func restrict(path: String) {
        _ = chmod(path, fileMode)
    }

    /// The permission bits of `path` (`0o600` …), or nil when it cannot be read.
    package static func mode(ofPath path: String) -> mode_t? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let number = attributes[.posixPermissions] as? NSNumber else { return nil }
        return mode_t(number.uint16Value) & 0o777
    }
}
