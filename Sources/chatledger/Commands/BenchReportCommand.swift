import ArchiveModel
import ArchiveStore
import ArgumentParser
import Foundation
import Ingest
import Insights
import SQLiteStore
import Simulator
import WeCom

extension BenchCommand {
    struct ReportSpeed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "The report from ingest's aggregates vs the same figures computed by scanning every message, in one run.")

        @Option(help: "Simulated messages in the archive.") var messages = 200_000
        @Option(help: "Keep the archive in this folder (reused when it already holds enough messages).") var keep: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let archiveFolder = try BenchArchiveFolder(keep: keep, name: "report")
            defer { archiveFolder.removeUnlessKept() }
            let store = try archiveFolder.openStore()
            let existing = try await store.stats().messages
            if existing < messages {
                var generator = ChatGenerator(seed: 77, expectedMessages: messages, firstSeq: UInt64(existing + 1))
                _ = generator.next(existing)
                let pipeline = IngestPipeline(store: store, opener: EnvelopeOpener(keyRing: PrivateKeyRing()))
                var done = existing
                var progress = ProgressLine("building", total: messages)
                while done < messages {
                    let batch = generator.next(min(20_000, messages - done))
                    _ = try await pipeline.importMessages(batch.map(\.json), batchSize: 5000)
                    done += batch.count
                    progress.update(done)
                }
                progress.finish()
            }
            let stats = try await store.stats()
            let since = stats.firstMessageTime?.milliseconds ?? 0, until = (stats.lastMessageTime?.milliseconds ?? 0) + 1

            var aggregateTimes: [Double] = []
            var report: InsightReport?
            for _ in 0..<5 {
                let started = Date()
                report = try await InsightReport.build(store: store, since: since, until: until)
                aggregateTimes.append(Date().timeIntervalSince(started))
            }
            let started = Date()
            let scanned = try await Self.scan(store, since: since, until: until)
            let scanSeconds = Date().timeIntervalSince(started)
            let aggregate = aggregateTimes.sorted()[2]
            let agrees = scanned.matrix == report!.peakHours.matrix && scanned.topics == report!.topics.reduce(0) { $0 + $1.count }
            let result = BenchReportResult(messages: stats.messages, aggregateMilliseconds: aggregate * 1000, scanMilliseconds: scanSeconds * 1000,
                                           speedup: scanSeconds / aggregate, sameFigures: agrees)
            if json {
                try JSONOutput.print(result)
            } else {
                print(String(format: "%d messages: report from aggregates %.0f ms (median of 5) vs full scan %.0f ms — %.0f× faster; same figures: %@",
                             result.messages, result.aggregateMilliseconds, result.scanMilliseconds, result.speedup, agrees ? "yes" : "NO"))
            }
        }

        /// The peak-hour matrix and topic count, computed the way a report without aggregates must: every message
        /// read, unsealed, decoded and classified.
        static func scan(_ store: SQLiteArchiveStore, since: Int64, until: Int64) async throws -> (matrix: [[Int]], topics: Int) {
            var matrix = Array(repeating: Array(repeating: 0, count: 24), count: 7)
            var topics = 0
            var labels = 0
            let analysis = InsightAnalysis.standard
            var after: Int64 = 0
            while true {
                let page = try await store.messages(since: since, after: after, limit: 5000)
                guard let last = page.last else { break }
                after = last.rowID
                for (_, stored) in page where stored.time.milliseconds < until {
                    guard let message = try? MessageDecoder().decode(stored.raw, seq: stored.seq), message.action == .send,
                          message.from.inferredKind == .externalContact else { continue }
                    let hour = Int(CivilTime(milliseconds: message.time.milliseconds, utcOffsetSeconds: 8 * 3600).hour)
                    let days = (message.time.milliseconds + 8 * 3_600_000) / 86_400_000
                    matrix[Int((days + 3) % 7)][hour] += 1
                    if let insight = analysis.insight(for: message) {
                        topics += insight.topics.count
                        if insight.sentiment != nil { labels += 1 }
                    }
                }
            }
            _ = labels
            return (matrix, topics)
        }
    }
}

struct BenchReportResult: Codable {
    var messages: Int
    var aggregateMilliseconds: Double
    var scanMilliseconds: Double
    var speedup: Double
    var sameFigures: Bool
}
