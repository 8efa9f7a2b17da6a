import ArchiveModel
import ArgumentParser
import Foundation
import Storage

struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Counts of what the archive holds.")

    @OptionGroup var archive: ArchiveOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let stats = try await archive.openExistingStore().stats()
        if json {
            try JSONOutput.print(StatsJSON(stats))
        } else {
            print("messages \(stats.messages), conversations \(stats.conversations), media \(stats.media) (pending \(stats.mediaPending)), quarantined \(stats.quarantined), seq gaps \(stats.seqGaps), recalled \(stats.recalled)")
            for (type, count) in stats.byMsgtype.sorted(by: { $0.value > $1.value }) { print("  \(type): \(count)") }
        }
    }
}

/// The `stats --json` object.
struct StatsJSON: Encodable {
    var messages: Int
    var quarantined: Int
    var conversations: Int
    var media: Int
    var media_pending: Int
    var media_failed: Int
    var seq_gaps: Int
    var recalled: Int
    var first_msgtime: Int64?
    var last_msgtime: Int64?
    var by_msgtype: [String: Int]
    var cursors: [String: UInt64]

    init(_ stats: ArchiveStats) {
        messages = stats.messages
        quarantined = stats.quarantined
        conversations = stats.conversations
        media = stats.media
        media_pending = stats.mediaPending
        media_failed = stats.mediaFailed
        seq_gaps = stats.seqGaps
        recalled = stats.recalled
        first_msgtime = stats.firstMessageTime?.milliseconds
        last_msgtime = stats.lastMessageTime?.milliseconds
        by_msgtype = stats.byMsgtype
        cursors = stats.cursors
    }
}
