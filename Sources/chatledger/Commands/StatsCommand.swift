import ArchiveModel
import ArchiveStore
import ArgumentParser
import Console
import Foundation

struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Counts of what the archive holds.")

    @OptionGroup var archive: ArchiveOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let stats = try await archive.openAnyArchive().stats()
        if json {
            try JSONOutput.print(StatsJSON(stats))
        } else {
            print("messages \(stats.messages), conversations \(stats.conversations), media \(stats.media) (pending \(stats.mediaPending)), quarantined \(stats.quarantined), seq gaps \(stats.seqGaps), recalled \(stats.recalled)")
            for (type, count) in stats.byMsgtype.sorted(by: { $0.value > $1.value }) { print("  \(type): \(count)") }
        }
    }
}

