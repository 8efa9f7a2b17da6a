import ArchiveModel
import ArchiveStore
import Crypto
import Foundation
import WeCom

/// Downloads due attachments chunk by chunk into the blob store, checking md5 when WeCom sends one.
///
/// A failure is recorded with ``retry``: the store schedules the next attempt with exponential backoff (capped at an
/// hour) for as long as WeCom may still serve the file, then gives it up with a reason. Media past WeCom's retention
/// (10010) is given up at once. The chunk loop is bounded: by the size the message announced (plus a margin), by
/// ``maximumBytes``, and by refusing an index buffer it has already asked for.
public struct MediaFetcher: Sendable {
    public var source: any MediaSource
    public var store: any ArchiveStore
    public var blobs: any BlobStore
    /// Refuse attachments larger than this, whatever their message announced (a defence against a runaway chunk loop).
    public var maximumBytes: Int
    /// How failures are retried; the store applies it with its clock.
    public var retry: MediaRetryPolicy

    /// Bytes an attachment may exceed its announced size by before the download is abandoned, for a size WeCom got
    /// slightly wrong: two chunks (1 MiB), or the announced size itself when that is larger. Still far below what a
    /// looping chunk sequence would collect (up to ``maximumBytes``).
    public static func announcedSizeMargin(_ announced: Int) -> Int { max(2 * MediaChunk.size, announced) }

    public init(source: any MediaSource, store: any ArchiveStore, blobs: any BlobStore, maximumBytes: Int = 2 << 30,
                retry: MediaRetryPolicy = .wecom) {
        self.source = source
        self.store = store
        self.blobs = blobs
        self.maximumBytes = maximumBytes
        self.retry = retry
    }

    /// Fetches up to `limit` attachments whose attempt is due. - Returns: (stored, failed).
    public func fetchPending(limit: Int = 500) async throws -> (stored: Int, failed: Int) {
        var stored = 0
        var failed = 0
        for pending in try await store.pendingMedia(limit: limit) {
            let outcome = await fetch(pending)
            try await store.recordMedia(outcome)
            if outcome.status == .stored { stored += 1 } else { failed += 1 }
        }
        return (stored, failed)
    }

    /// The most bytes `reference` may take: its announced size plus ``announcedSizeMargin(_:)`` when it announced one
    /// (0 counts as unknown), and never more than ``maximumBytes``.
    func byteLimit(for reference: MediaReference) -> Int {
        guard let announced = reference.size, announced > 0, announced < Int64(maximumBytes) else { return maximumBytes }
        let size = Int(announced)
        return min(maximumBytes, size + Self.announcedSizeMargin(size))
    }

    func fetch(_ pending: PendingMedia) async -> MediaOutcome {
        let reference = pending.reference
        let retry = self.retry
        func failure(_ status: MediaOutcome.Status, _ error: String) -> MediaOutcome {
            MediaOutcome(messageID: pending.messageID, sdkFileID: reference.sdkFileID, status: status, sha256: nil,
                         size: nil, error: error, retry: retry)
        }
        let limit = byteLimit(for: reference)
        var bytes: [UInt8] = []
        var indexBuffer = ""
        // Every index buffer asked for so far: one that comes back again means the chunk sequence loops.
        var requested: Set<String> = [indexBuffer]
        do {
            while true {
                let chunk = try await source.mediaChunk(sdkFileID: reference.sdkFileID, indexBuffer: indexBuffer)
                guard chunk.data.count <= limit - bytes.count else {
                    if limit == maximumBytes { return failure(.gone, "larger than \(maximumBytes) bytes") }
                    // WeCom sends what the message announced; far more is a looping or confused download. Tried again later.
                    return failure(.failed, "GetMediaData sent more than \(limit) bytes for an announced \(reference.size ?? 0)")
                }
                bytes += chunk.data
                if chunk.isFinished { break }
                guard !chunk.data.isEmpty else {
                    return failure(.failed, "GetMediaData made no progress at \(indexBuffer.prefix(80)) after \(bytes.count) bytes")
                }
                guard !requested.contains(chunk.nextIndexBuffer) else {
                    return failure(.failed, "GetMediaData index buffer \(chunk.nextIndexBuffer.prefix(80)) came back after \(bytes.count) bytes (a loop)")
                }
                indexBuffer = chunk.nextIndexBuffer
                requested.insert(indexBuffer)
            }
        } catch {
            return failure(error.sdkCode == 10010 ? .gone : .failed, error.description)
        }
        if let md5 = reference.md5, !md5.isEmpty {
            let actual = Insecure.MD5.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            // WeCom's md5 occasionally disagrees with a good download; retrying is the documented remedy.
            guard actual == md5.lowercased() else { return failure(.failed, "md5 mismatch after \(bytes.count) bytes") }
        }
        do {
            let sha = try await blobs.put(bytes)
            return MediaOutcome(messageID: pending.messageID, sdkFileID: reference.sdkFileID, status: .stored,
                                sha256: sha, size: Int64(bytes.count), error: nil, retry: retry)
        } catch {
            return MediaOutcome(messageID: pending.messageID, sdkFileID: reference.sdkFileID, status: .failed, sha256: nil, size: nil,
                                error: "blob store: \(error)", retry: retry, local: true)
        }
    }
}
