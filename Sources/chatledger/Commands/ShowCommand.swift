import ArchiveModel
import ArchiveStore
import ArgumentParser
import Foundation
import WeCom

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one archived message.")

    @OptionGroup var archive: ArchiveOptions
    @Argument(help: "The msgid.") var msgid: String
    @Flag(help: "Print JSON (raw = the original message JSON, unchanged).") var json = false

    func run() async throws {
        let store = try await archive.openAnyArchive()
        guard let message = try await store.message(id: MessageID(msgid)) else {
            throw CLIError("no message \(msgid) in \(archive.data); `chatledger quarantine list` shows what could not be archived")
        }
        let media = try await store.mediaHashes(of: message.id)
        if json {
            FileHandle.standardOutput.write(Data(try MessageJSON.render(message, media: media)))
            FileHandle.standardOutput.write(Data("\n".utf8))
        } else {
            print("\(message.id)  seq \(message.seq)  \(message.time.iso8601)  \(message.msgtype)\(message.recalledBy != nil ? "  (recalled)" : "")")
            print("from \(message.from) to \(message.toList.map(\.rawValue).joined(separator: ", "))\(message.room.map { " in \($0)" } ?? "")")
            print(message.searchableText)
        }
    }
}

/// The `show --json` object: the stored fields plus `raw`, the original JSON spliced in unchanged.
enum MessageJSON {
    struct Fields: Encodable {
        var msgid: String
        var seq: UInt64
        var action: String
        var from: String
        var tolist: [String]
        var roomid: String
        var msgtime: Int64
        var time: String
        var msgtype: String
        var text: String
        var conversation: String?
        var recalled_by: String?
        var media: [String]
    }

    static func render(_ message: StoredMessage, media: [String]) throws -> [UInt8] {
        let fields = Fields(
            msgid: message.id.rawValue, seq: message.seq, action: message.action.rawValue, from: message.from.rawValue,
            tolist: message.toList.map(\.rawValue), roomid: message.room?.rawValue ?? "", msgtime: message.time.milliseconds,
            time: message.time.iso8601, msgtype: message.msgtype, text: message.searchableText,
            conversation: message.conversation?.rawValue, recalled_by: message.recalledBy?.rawValue, media: media)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes = Array(try encoder.encode(fields))
        bytes.removeLast()  // the closing brace
        // Raw control characters are legal in what WeCom sends but not in JSON output; escaping them keeps the value.
        return bytes + Array(",\"raw\":".utf8) + LenientJSON.escapingControlCharactersInStrings(message.raw) + [UInt8(ascii: "}")]
    }
}
