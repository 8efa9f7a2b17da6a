import ArchiveModel

/// Where archive envelopes come from: the Finance SDK's GetChatData, or the simulator.
public protocol ChatDataSource: Sendable {
    /// Entries with seq greater than `seq`, at most `limit` (1…1000), in seq order.
    /// - Throws: ``WeComError``; `sdk-error` with a retryable ``WeComError/sdkCode`` (10001–10003) may be retried.
    func chatData(after seq: UInt64, limit: Int) async throws(WeComError) -> [ChatDataItem]
}

/// Where attachments come from: the Finance SDK's GetMediaData, chunk by chunk.
public protocol MediaSource: Sendable {
    /// One chunk of an attachment. Start with `indexBuffer` "", then pass back ``MediaChunk/nextIndexBuffer`` until finished.
    func mediaChunk(sdkFileID: String, indexBuffer: String) async throws(WeComError) -> MediaChunk
}

/// One piece of an attachment, as GetMediaData returns it.
public struct MediaChunk: Sendable, Hashable {
    public var data: [UInt8]
    /// `outindexbuf`: pass it back verbatim for the next chunk.
    public var nextIndexBuffer: String
    public var isFinished: Bool
    public init(data: [UInt8], nextIndexBuffer: String, isFinished: Bool) {
        self.data = data
        self.nextIndexBuffer = nextIndexBuffer
        self.isFinished = isFinished
    }

    /// WeCom's chunk size: 512 KiB.
    public static let size = 524_288

    /// Serves chunk `indexBuffer` of `bytes` the way the SDK does (`Range:bytes=start-end`).
    public static func slice(of bytes: [UInt8], indexBuffer: String) throws(WeComError) -> MediaChunk {
        var start = 0
        if !indexBuffer.isEmpty {
            let prefix = "Range:bytes="
            guard indexBuffer.hasPrefix(prefix),
                  let first = indexBuffer.dropFirst(prefix.count).split(separator: "-").first,
                  let value = Int(first), value >= 0, value <= bytes.count else {
                throw WeComError(.sdkError, "index buffer \"\(indexBuffer)\" is not a range this file has (SDK 10000)", sdkCode: 10000)
            }
            start = value
        }
        let end = min(start + size, bytes.count)
        return MediaChunk(data: Array(bytes[start..<end]), nextIndexBuffer: "Range:bytes=\(end)-\(end + size - 1)",
                          isFinished: end == bytes.count)
    }
}
