import ArchiveModel
import ArchiveStore
import ArgumentParser
import Foundation

struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "Risk alerts: list, show, and work them (assign, acknowledge, resolve, false-positive).",
        subcommands: [List.self, Show.self, Assign.self, Acknowledge.self, Resolve.self, Act.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List alerts, newest first.")
        @OptionGroup var archive: ArchiveOptions
        @Option(help: "open, assigned, acknowledged, resolved or false-positive.") var status: String?
        @Option(help: "Category, e.g. private-diversion.") var category: String?
        @Option(help: "At most this many (1…10000).") var limit = 100

        func validate() throws {
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be 1…10000") }
        }
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let alerts = try await archive.openAnyArchive().alerts(status: status, category: category, limit: limit)
            if json {
                try JSONOutput.print(alerts)
            } else {
                for alert in alerts {
                    print("#\(alert.id) [\(alert.status)] \(alert.category) \(alert.severity) from \(alert.sender) ×\(alert.hitCount) at \(WeComTime(milliseconds: alert.firstMsgtime).iso8601)\(alert.assignee.map { " → \($0)" } ?? "")")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One alert with its hits and history.")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "Alert id.") var id: Int64
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            guard let (alert, hits, events) = try await archive.openAnyArchive().alert(id: id) else {
                throw CLIError("no alert \(id); `chatledger alerts list` shows them")
            }
            if json {
                try JSONOutput.print(AlertJSON(alert: alert, hits: hits, events: events))
            } else {
                print("#\(alert.id) [\(alert.status)] \(alert.category) \(alert.severity) from \(alert.sender) in \(alert.conversation ?? "-")")
                for hit in hits { print("  \(hit.msgid) \(hit.rule): 【\(hit.match)】 (policy v\(hit.policyVersion))") }
                for event in events { print("  \(WeComTime(milliseconds: event.at).iso8601) \(event.actor) \(event.action)\(event.note.map { ": \($0)" } ?? "")") }
            }
        }
    }

    struct Act: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update", abstract: "Work an alert: assign, acknowledge, resolve, false-positive, reopen or note.")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "Alert id.") var id: Int64
        @Argument(help: "assign, acknowledge, resolve, false-positive, reopen or note.") var action: String
        @Option(help: "Who takes the alert (for assign).") var to: String?
        @Option(help: "A note for the record.") var note: String?
        @Option(help: "Who acts (recorded in the history).") var actor: String = ProcessInfo.processInfo.environment["USER"] ?? "cli"

        func validate() throws {
            guard AlertAction(rawValue: action) != nil else {
                throw ValidationError("action must be one of \(AlertAction.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func run() async throws {
            try await archive.openAnyArchive().updateAlert(id: id, action: AlertAction(rawValue: action)!, actor: actor, assignee: to, note: note)
            print("alert \(id): \(action) recorded")
        }
    }
}

extension AlertsCommand {
    /// Options every lifecycle step shares.
    struct StepOptions: ParsableArguments {
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "Alert id.") var id: Int64
        @Option(help: "A note for the record.") var note: String?
        @Option(help: "Who acts (recorded in the history).") var actor: String = ProcessInfo.processInfo.environment["USER"] ?? "cli"

        func apply(_ action: AlertAction, assignee: String? = nil) async throws {
            try await archive.openAnyArchive().updateAlert(id: id, action: action, actor: actor, assignee: assignee, note: note)
            print("alert \(id): \(action.rawValue) recorded")
        }
    }

    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give an alert to someone.")
        @OptionGroup var step: StepOptions
        @Option(help: "Who takes the alert.") var to: String

        func run() async throws { try await step.apply(.assign, assignee: to) }
    }

    struct Acknowledge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Confirm an alert is being looked at.")
        @OptionGroup var step: StepOptions

        func run() async throws { try await step.apply(.acknowledge) }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close an alert, or mark it a false positive.")
        @OptionGroup var step: StepOptions
        @Flag(help: "The alert was a false positive.") var falsePositive = false

        func run() async throws { try await step.apply(falsePositive ? .falsePositive : .resolve) }
    }
}

struct AlertJSON: Encodable {
    var alert: AlertRecord
    var hits: [AlertHit]
    var events: [AlertEvent]
}
