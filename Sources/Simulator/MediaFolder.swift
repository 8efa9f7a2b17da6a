import Crypto
import Foundation
import WeCom

/// Attachments written to a folder by `chatledger simulate`, served chunk by chunk like GetMediaData.
///
/// Layout: `index.json` maps each sdkfileid to a file name; files are named by the SHA-256 of their bytes.
public struct MediaFolder: MediaSource {
    public let root: URL
    private let index: [String: String]

    public init(root: URL) throws {
        self.root = root
        let indexURL = root.appendingPathComponent("index.json")
        if FileManager.default.fileExists(atPath: indexURL.path) {
            index = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: indexURL))
        } else {
            index = [:]
        }
    }

    /// Writes `media` (by sdkfileid) and its index under `root`.
    ///
    /// `by-fileid/<sha256 of sdkfileid>` links to each file too, so a C test double of the SDK finds it without JSON.
    public static func write(_ media: [String: [UInt8]], to root: URL) throws {
        let byFileID = root.appendingPathComponent("by-fileid", isDirectory: true)
        try FileManager.default.createDirectory(at: byFileID, withIntermediateDirectories: true)
        var index: [String: String] = [:]
        for (sdkFileID, bytes) in media {
            let name = hex(SHA256.hash(data: bytes)) + ".bin"
            try Data(bytes).write(to: root.appendingPathComponent(name))
            index[sdkFileID] = name
            let link = byFileID.appendingPathComponent(hex(SHA256.hash(data: Data(sdkFileID.utf8)))).path
            try? FileManager.default.removeItem(atPath: link)
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "../" + name)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(index).write(to: root.appendingPathComponent("index.json"))
    }

    static func hex(_ digest: SHA256.Digest) -> String { digest.map { String(format: "%02x", $0) }.joined() }

    public func mediaChunk(sdkFileID: String, indexBuffer: String) async throws(WeComError) -> MediaChunk {
        guard let name = index[sdkFileID],
              let data = FileManager.default.contents(atPath: root.appendingPathComponent(name).path) else {
            throw WeComError(.sdkError, "no such media in \(root.path) (SDK 10005)", sdkCode: 10005)
        }
        return try MediaChunk.slice(of: Array(data), indexBuffer: indexBuffer)
    }
}
