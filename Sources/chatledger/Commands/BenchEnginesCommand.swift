import ArchiveModel
import ArchiveStore
import ArgumentParser
import Crypto
import Foundation
import Ingest
import PostgresStore
import SQLiteStore
import Search
import Simulator
import WeCom

extension BenchCommand {
    struct Engines: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "engines",
            abstract: "The same archive on SQLite (baseline) and PostgreSQL in one run: import, search, console, reports and verify, with ratios.",
            discussion: """
                Creates a scratch database on the server --postgres points at and drops it afterwards. Import is plaintext \
                message JSON (sealing, tokenizing, ledger and commit: the store's work; RSA is the same on both engines).
                """)

        @Option(help: "A PostgreSQL server URL whose user may create databases.") var postgres: String
        @Option(help: "Messages in each archive.") var messages = 200_000
        @Option(help: "Queries per class.") var queries = 100
        @Option(help: "Messages per commit.") var batch = 5000
        @Flag(help: "Keep the PostgreSQL database afterwards (its URL is printed) to inspect plans.") var keep = false
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chatledger-bench-engines-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let masterKey = MasterKey.generate()
            let database = "chatledger_bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(10)
            let url = try await PostgresAdmin.createDatabase(database, serverURL: postgres)
            do {
                let report = try await measure(folder: folder, url: url, masterKey: masterKey)
                if keep { BenchLog.write("kept \(url)") } else { try await PostgresAdmin.dropDatabase(database, serverURL: postgres) }
                if json {
                    try JSONOutput.print(report)
                } else {
                    print(String(format: "PostgreSQL / SQLite: import %.2f, search p50 %.2f (p95 %.2f), verify %.2f, console p50 %.2f, reply-wait recompute %.2f",
                                 report.importRatio, report.searchP50Ratio, report.searchP95Ratio, report.verifyRatio,
                                 report.consoleP50Ratio, report.recomputeRatio))
                }
            } catch {
                try? await PostgresAdmin.dropDatabase(database, serverURL: postgres)
                throw error
            }
        }

        func measure(folder: URL, url: String, masterKey: MasterKey) async throws -> BenchEnginesReport {
            let sqlite = try SQLiteArchiveStore(path: folder.appendingPathComponent("archive.sqlite").path, masterKey: masterKey)
            let postgres = try await PostgresArchiveStore.open(url: url, masterKey: masterKey)
            defer { postgres.close() }
            let stores: [(String, any AnyArchive)] = [("sqlite", sqlite), ("postgres", postgres)]

            BenchLog.write("generating \(messages) messages…")
            var generator = ChatGenerator(seed: 7, expectedMessages: messages)
            var lines: [[UInt8]] = []
            var generating = ProgressLine("generating", total: messages)
            while lines.count < messages {
                lines += generator.next(min(50_000, messages - lines.count)).map(\.json)
                generating.update(lines.count)
            }
            generating.finish()
            var imports: [String: Double] = [:]
            for (name, store) in stores {
                let pipeline = IngestPipeline(store: store, opener: EnvelopeOpener(keyRing: PrivateKeyRing()))
                let started = Date()
                let progress = ProgressBox(ProgressLine("\(name) import", total: lines.count))
                let summary = try await pipeline.importMessages(lines, batchSize: batch) { progress.update($0) }
                progress.finish()
                imports[name] = Double(lines.count) / Date().timeIntervalSince(started)
                guard summary.inserted + summary.quarantined == lines.count else { throw CLIError("\(name) stored \(summary)") }
                BenchLog.write("\(name) import: \(Int(imports[name]!)) messages/s")
            }
            // What autovacuum does within a minute of a bulk load: the planner needs token statistics.
            try await postgres.analyze()

            let texts = lines.prefix(5000).compactMap { try? MessageDecoder().decode($0, seq: 0).searchableText }.filter { $0.count >= 4 }
            let employees = generator.corp.employees.map(\.userID)
            var terms = TermSampler(texts: texts, seed: 5)
            func term(_ length: Int) -> String { terms.term(length) }
            var rng = SeededRandom(seed: 6)
            var requests: [(String, SearchRequest)] = []
            for _ in 0..<queries {
                requests.append(("1-char", .with(term(1))))
                requests.append(("2-char", .with(term(2))))
                requests.append(("4-char", .with(term(4))))
                requests.append(("2 terms", .with(term(2) + " " + term(2))))
                requests.append(("2-char + employee", .with(term(2), employee: rng.pick(employees))))
            }
            var classes: [String: [String: QueryClass]] = [:]
            var all: [String: [Double]] = [:]
            for (name, store) in stores {
                let service = SearchService(store: store)
                var latencies: [String: [Double]] = [:]
                for (kind, request) in requests {
                    let started = Date()
                    _ = try await service.search(request)
                    latencies[kind, default: []].append(Date().timeIntervalSince(started) * 1000)
                }
                classes[name] = latencies.mapValues { QueryClass($0, []) }
                all[name] = latencies.values.flatMap { $0 }
                for (kind, figures) in classes[name]!.sorted(by: { $0.key < $1.key }) {
                    BenchLog.write("\(name) \(kind): p50 \(String(format: "%.1f", figures.p50)) ms, p95 \(String(format: "%.1f", figures.p95)) ms")
                }
            }

            var console: [String: ConsoleWorkload.Figures] = [:]
            for (name, store) in stores {
                console[name] = try await ConsoleWorkload(employees: employees, pages: 20).measure(name, store)
            }

            let key = Curve25519.Signing.PrivateKey()
            var verify: [String: Double] = [:]
            for (name, store) in stores {
                try await store.writeCheckpoint(signingKey: key)
                let report = try await store.verify(publicKey: key.publicKey, blobs: nil)
                guard report.ok else { throw CLIError("\(name) does not verify: \(String(describing: report.failure))") }
                verify[name] = report.recordsPerSecond
                BenchLog.write("\(name) verify: \(Int(report.recordsPerSecond)) records/s")
            }
            let overall = all.mapValues { QueryClass($0, []) }
            let sqliteFiles = ["archive.sqlite", "archive.sqlite-wal"].map { folder.appendingPathComponent($0).path }
            let sqliteBytes = sqliteFiles.compactMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int64 }.reduce(0, +)
            let bytes = ["sqlite": sqliteBytes, "postgres": try await postgres.databaseBytes()]
            BenchLog.write("bytes per message: sqlite \(bytes["sqlite"]! / Int64(messages)), postgres \(bytes["postgres"]! / Int64(messages))")
            return BenchEnginesReport(
                messages: messages, batch: batch, importPerSecond: imports, searchClasses: classes, verifyRecordsPerSecond: verify,
                databaseBytes: bytes, console: console,
                importRatio: imports["postgres"]! / imports["sqlite"]!,
                searchP50Ratio: overall["postgres"]!.p50 / overall["sqlite"]!.p50,
                searchP95Ratio: overall["postgres"]!.p95 / overall["sqlite"]!.p95,
                verifyRatio: verify["postgres"]! / verify["sqlite"]!,
                consoleP50Ratio: console.mapValues { $0.requests.values.map(\.p50).reduce(0, +) }.ratio,
                recomputeRatio: console.mapValues(\.recomputeSeconds).ratio)
        }
    }
}

/// `bench engines --json`: per-engine figures and PostgreSQL / SQLite ratios (> 1 means PostgreSQL takes longer for
/// latencies, and is faster for throughputs).
struct BenchEnginesReport: Codable {
    var messages: Int
    var batch: Int
    var importPerSecond: [String: Double]
    var searchClasses: [String: [String: QueryClass]]
    var verifyRecordsPerSecond: [String: Double]
    /// On-disk size of each archive (SQLite file and WAL; the whole PostgreSQL database).
    var databaseBytes: [String: Int64]
    /// Conversation pages, a report and the first reply-wait recomputation on each engine.
    var console: [String: ConsoleWorkload.Figures]
    var importRatio: Double
    var searchP50Ratio: Double
    var searchP95Ratio: Double
    var verifyRatio: Double
    /// Summed p50 of the console requests, PostgreSQL / SQLite.
    var consoleP50Ratio: Double
    /// Seconds to recompute every conversation's waits, PostgreSQL / SQLite.
    var recomputeRatio: Double
}

extension Dictionary where Key == String, Value == Double {
    /// PostgreSQL's figure over SQLite's.
    var ratio: Double { (self["postgres"] ?? 0) / Swift.max(self["sqlite"] ?? 1, 1e-9) }
}
