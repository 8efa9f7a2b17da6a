import ArchiveStore
import ArgumentParser
import Console
import Foundation
import Ingest
import Quality

/// `chatledger qa sample|list|score`: quality review (质检) from the command line.
struct QACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qa", abstract: "Quality review: sample conversations per employee and period, list the queue, score.",
        subcommands: [Sample.self, List.self, Score.self])

    static func range(ofPeriod period: String) throws -> (Int64, Int64) {
        do { return try ReviewPeriod.range(period) } catch { throw ValidationError(error.description) }
    }

    struct Sample: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Draw each employee's sample for a month (stable: drawing again adds nothing).")
        @OptionGroup var archive: ArchiveOptions
        @Option(help: "The month, yyyy-MM.") var period: String
        @Option(help: "Share of each employee's conversations (default: the settings' review.sampleRate).") var rate: Double?

        func run() async throws {
            let store = try await archive.openAnyArchive()
            var review = try await ReplyTimeoutTracker.settings(store).review
            if let rate {
                guard (0...1).contains(rate) else { throw ValidationError("--rate must be between 0 and 1") }
                review.sampleRate = rate
            }
            let (since, until) = try QACommand.range(ofPeriod: period)
            let picked = review.sample(try await store.activeConversations(since: since, until: until), period: period)
            let added = try await store.addReviewSamples(picked, period: period)
            print("\(picked.count) conversations sampled for \(period) (\(added) new)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The review queue.")
        @OptionGroup var archive: ArchiveOptions
        @Option(help: "Only this month.") var period: String?
        @Flag(help: "Only samples not reviewed yet.") var pending = false
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let samples = try await archive.openAnyArchive().reviewSamples(period: period, reviewed: pending ? false : nil)
            if json {
                try JSONOutput.print(samples.map(QualityRoutes.SampleItem.init))
                return
            }
            for sample in samples {
                print("#\(sample.id)\t\(sample.period)\t\(sample.employee)\t\(sample.conversation)\t\(sample.score.map { String(format: "%.1f by %@", $0.total, $0.reviewer) } ?? "pending")")
            }
        }
    }

    struct Score: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Score a sample against the rubric: --item greeting=90 --item accuracy=80 …")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The sample id.") var id: Int64
        @Option(name: .customLong("item"), help: "ITEM=SCORE (0–100), for each rubric item.") var items: [String] = []
        @Option(help: "A comment.") var comment: String?
        @Option(help: "The reviewer (default: the operating-system user).") var reviewer: String?

        func run() async throws {
            let store = try await archive.openAnyArchive()
            var scores: [String: Double] = [:]
            for item in items {
                let parts = item.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, let value = Double(parts[1]) else { throw ValidationError("--item must be ITEM=SCORE, not \(item)") }
                scores[String(parts[0])] = value
            }
            let review = try await ReplyTimeoutTracker.settings(store).review
            let total: Double
            do { total = try review.total(scores) } catch { throw ValidationError(error.description) }
            try await store.scoreReviewSample(id: id, reviewer: reviewer ?? UserCommand.actor, items: scores, total: total, comment: comment)
            print(String(format: "sample #%lld scored %.1f", id, total))
        }
    }
}
