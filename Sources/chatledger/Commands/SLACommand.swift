import ArchiveStore
import ArgumentParser
import Console
import Foundation
import Ingest
import Quality

/// `chatledger sla overdue|stats|settings`: reply timeouts from the command line.
struct SLACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sla", abstract: "Reply timeouts (超时提醒): overdue conversations, response statistics, settings.",
        subcommands: [Overdue.self, Stats.self, Settings.self])

    struct Overdue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Customers waiting past their reply deadline right now.")
        @OptionGroup var archive: ArchiveOptions
        @Flag(help: "Count every hour, ignoring the business calendar.") var allHours = false
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let store = try await archive.openAnyArchive()
            try await ReplyTimeoutTracker(store: store, channels: []).recomputeDirty()
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let overdue = try await store.overdueWaits(allHours: allHours)
            if json {
                try JSONOutput.print(OverdueReport(now: now, all_hours: allHours, overdue: overdue.map { QualityRoutes.OverdueItem($0, now: now) }))
                return
            }
            if overdue.isEmpty { print("no customer is waiting past a deadline") }
            for wait in overdue {
                let minutes = (now - wait.waitingSince) / 60_000
                print("\(wait.conversation)  customer \(wait.customer)  employee \(wait.employee)  waiting \(minutes) min\(wait.escalationSentAt != nil ? "  escalated" : wait.reminderSentAt != nil ? "  reminded" : "")")
            }
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "First-response and average response times, reply rate within the target.")
        @OptionGroup var archive: ArchiveOptions
        @Option(help: "Start (ISO 8601 or yyyy-MM-dd); default 30 days ago.") var since: String?
        @Option(help: "End, exclusive; default now.") var until: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let store = try await archive.openAnyArchive()
            try await ReplyTimeoutTracker(store: store, channels: []).recomputeDirty()
            let end = try until.map { try ISO8601Input.parse($0, option: "--until") } ?? Date()
            let start = try since.map { try ISO8601Input.parse($0, option: "--since") } ?? end.addingTimeInterval(-30 * 86_400)
            let range = (Int64(start.timeIntervalSince1970 * 1000), Int64(end.timeIntervalSince1970 * 1000))
            let overdue = Set(try await store.overdueWaits(allHours: false).map(\.customerMsgid))
            let stats = ReplyStatistics.compute(try await store.waits(since: range.0, until: range.1), overdue: overdue,
                                                since: range.0, until: range.1)
            if json {
                try JSONOutput.print(stats)
                return
            }
            for row in stats.employees {
                print("\(row.key)\twaits \(row.waits)\tanswered in time \(row.answeredWithinTarget) (\(Int(row.replyRate * 100))%)\tavg \(row.averageResponseMinutes.map { "\($0) min" } ?? "–")\tfirst \(row.averageFirstResponseMinutes.map { "\($0) min" } ?? "–")\toverdue \(row.overdueNow)")
            }
        }
    }

    struct Settings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the reply-timeout and review settings (JSON), or import new ones.")
        @OptionGroup var archive: ArchiveOptions
        @Option(help: "A settings file to import as the next version.") var importFile: String?
        @Option(help: "Who makes the change (recorded with the version).") var by: String?

        func run() async throws {
            let store = try await archive.openAnyArchive(create: true)
            if let importFile {
                let data = try Data(contentsOf: URL(fileURLWithPath: importFile))
                let settings: SLASettings
                do {
                    settings = try JSONDecoder().decode(SLASettings.self, from: data)
                    try settings.validate()
                } catch {
                    throw ValidationError("\(importFile) is not valid settings: \(error)")
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                let version = try await store.saveSLASettings(document: Array(try encoder.encode(settings)), by: by ?? UserCommand.actor)
                print("settings version \(version) saved; every conversation's waits are recomputed under it")
                return
            }
            try JSONOutput.print(try await ReplyTimeoutTracker.settings(store))
        }
    }
}

struct OverdueReport: Encodable {
    var now: Int64
    var all_hours: Bool
    var overdue: [QualityRoutes.OverdueItem]
}
