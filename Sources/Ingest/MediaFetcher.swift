import ArchiveModel
import Crypto
import Foundation
import Storage
import WeCom

/// Downloads pending attachments chunk by chunk into the blob store, checking md5 when WeCom sends one.
///
/// A failure marks the attachment for a later retry; media past WeCom's retention (10010) is marked gone.
public struct MediaFetcher: Sendable {
    public var source: any MediaSource
    public var store: any ArchiveStore
    public var blobs: any BlobStore
    /// Refuse attachments larger than this (a defence against a runaway chunk loop).
    public var maximumBytes: Int

    public init(source: any MediaSource, store: any ArchiveStore, blobs: any BlobStore, maximumBytes: Int = 2 << 30) {
        self.source = source
        self.store = store
        self.blobs = blobs
        self.maximumBytes = maximumBytes
    }

    /// Fetches up to `limit` pending attachments. - Returns: (stored, failed).
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

    func fetch(_ pending: PendingMedia) async -> MediaOutcome {
        let reference = pending.reference
        func failure(_ status: MediaOutcome.Status, _ error: String) -> MediaOutcome {
            MediaOutcome(messageID: pending.messageID, sdkFileID: reference.sdkFileID, status: status, sha256: nil,
                         size: nil, error: error)
        }
        var bytes: [UInt8] = []
        var indexBuffer = ""
        do {
            while true {
                let chunk = try await source.mediaChunk(sdkFileID: reference.sdkFileID, indexBuffer: indexBuffer)
                bytes += chunk.data
                guard bytes.count <= maximumBytes else { return failure(.gone, "larger than \(maximumBytes) bytes") }
                if chunk.isFinished { break }
                guard !chunk.data.isEmpty, chunk.nextIndexBuffer != indexBuffer else {
                    return failure(.failed, "GetMediaData made no progress at \(indexBuffer)")
                }
                indexBuffer = chunk.nextIndexBuffer
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
                                sha256: sha, size: Int64(bytes.count), error: nil)
        } catch {
            return failure(.failed, "blob store: \(error)")
        }
    }
}
