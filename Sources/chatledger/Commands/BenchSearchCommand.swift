import ArchiveModel
import ArchiveStore
import ArgumentParser
import Foundation
import Ingest
import SQLiteStore
import Search
import Simulator
import TextKit
import WeCom

extension BenchCommand {
    struct SearchLatency: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "search",
            abstract: "Build an archive of N simulated messages and measure search latency next to a brute-force LIKE scan.")

        @Option(help: "Messages in the archive.") var messages = 1_000_000
        @Option(help: "Queries per class (indexed).") var queries = 200
        @Option(help: "Queries per class for the brute-force scan (it is slow).") var scanQueries = 10
        @Option(help: "Keep the archive in this folder (reused when it already holds enough messages).") var keep: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let archiveFolder = try BenchArchiveFolder(keep: keep, name: "search")
            defer { archiveFolder.removeUnlessKept() }
            let folder = archiveFolder.url
            let store = try archiveFolder.openStore()
            let baseline = try PlainTextScanBaseline(path: folder.appendingPathComponent("baseline.sqlite").path)

            var sample: [String] = []
            let existing = try await store.stats().messages
            var buildSeconds = 0.0
            if existing < messages {
                BenchLog.write("building \(messages - existing) messages…")
                let started = Date()
                var generator = ChatGenerator(seed: 99, expectedMessages: messages, firstSeq: UInt64(existing + 1))
                _ = generator.next(existing)
                let pipeline = IngestPipeline(store: store, opener: EnvelopeOpener(keyRing: PrivateKeyRing()))
                var done = existing
                var progress = ProgressLine("building", total: messages)
                while done < messages {
                    let batch = generator.next(min(20_000, messages - done))
                    _ = try await pipeline.importMessages(batch.map(\.json), batchSize: 5000)
                    let texts = batch.compactMap { try? MessageDecoder().decode($0.json, seq: 0).searchableText }
                    try await baseline.insert(texts.map(TextNormalizer.normalizedString))
                    if sample.count < 5000 { sample += texts.prefix(500) }
                    done += batch.count
                    progress.update(done)
                }
                progress.finish()
                buildSeconds = Date().timeIntervalSince(started)
                BenchLog.write(String(format: "built in %.0f s", buildSeconds))
            }
            if sample.isEmpty {
                sample = try await baseline.sample(3000)
            }
            let sizes = try await store.storageSizes()
            var terms = TermSampler(texts: sample, seed: 5)
            func term(_ length: Int) -> String { terms.term(length) }
            var rng = SeededRandom(seed: 6)
            let employees = SimulatedCorp(seed: 99).employees.map(\.userID)
            let service = SearchService(store: store)
            var classes: [String: QueryClass] = [:]
            for (name, make) in [
                ("1-char", { SearchRequest.with(term(1)) }), ("2-char", { SearchRequest.with(term(2)) }),
                ("4-char", { SearchRequest.with(term(4)) }), ("2 terms", { SearchRequest.with(term(2) + " " + term(2)) }),
                ("2-char + employee", { SearchRequest.with(term(2), employee: rng.pick(employees)) }),
                ("2-char + type", { SearchRequest.with(term(2), type: "text") }),
            ] as [(String, () -> SearchRequest)] {
                var latencies: [Double] = []
                var requests: [SearchRequest] = []
                for _ in 0..<queries {
                    let request = make()
                    requests.append(request)
                    let start = Date()
                    _ = try await service.search(request)
                    latencies.append(Date().timeIntervalSince(start) * 1000)
                }
                var scans: [Double] = []
                for request in requests.prefix(scanQueries) {
                    let parsed = SearchQueryParser.parse(request.text)
                    let patterns = parsed.clauses.flatMap { $0 }.map(TextNormalizer.normalizedString)
                    let start = Date()
                    try await baseline.scan(containingAll: patterns)
                    scans.append(Date().timeIntervalSince(start) * 1000)
                }
                classes[name] = QueryClass(latencies, scans)
                BenchLog.write("\(name): p50 \(f(classes[name]!.p50)) ms, p95 \(f(classes[name]!.p95)) ms, p99 \(f(classes[name]!.p99)) ms; LIKE scan p50 \(f(classes[name]!.scanP50)) ms")
            }
            let report = BenchSearchReport(
                messages: messages, buildSeconds: buildSeconds, indexBytes: sizes.index, sealedBodyBytes: sizes.bodies,
                indexToBodies: Double(sizes.index) / Double(max(1, sizes.bodies)), classes: classes)
            BenchLog.write(String(format: "index %.1f MB vs sealed bodies %.1f MB (ratio %.2f)", Double(sizes.index) / 1e6, Double(sizes.bodies) / 1e6, report.indexToBodies))
            if json { try JSONOutput.print(report) }
        }

        func f(_ value: Double) -> String { String(format: "%.1f", value) }
    }
}

/// A benchmark's archive: in the `--keep` folder (reused when it already holds enough messages), or in a temporary
/// folder removed afterwards.
struct BenchArchiveFolder {
    let url: URL
    let kept: Bool

    init(keep: String?, name: String) throws {
        kept = keep != nil
        url = keep.map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("chatledger-bench-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The archive in the folder, under the master key kept beside it (so a kept archive opens again).
    func openStore() throws -> SQLiteArchiveStore {
        try SQLiteArchiveStore(path: url.appendingPathComponent("archive.sqlite").path,
                               masterKey: try MasterKey.load(file: url.appendingPathComponent("master.key"), environment: [:]))
    }

    func removeUnlessKept() {
        if !kept { try? FileManager.default.removeItem(at: url) }
    }
}

/// Search terms cut from real message texts (letters only), with a fixed seed.
struct TermSampler {
    var texts: [String]
    var rng: SeededRandom

    init(texts: [String], seed: UInt64) {
        self.texts = texts.map { String($0.filter { !$0.isWhitespace && !$0.isPunctuation }) }
        rng = SeededRandom(seed: seed)
    }

    mutating func term(_ length: Int) -> String {
        while true {
            let text = Array(rng.pick(texts))
            guard text.count >= length else { continue }
            let start = Int.random(in: 0...(text.count - length), using: &rng)
            return String(text[start..<start + length])
        }
    }
}

struct QueryClass: Codable {
    var p50: Double
    var p95: Double
    var p99: Double
    var scanP50: Double
    var scanP95: Double

    init(_ latencies: [Double], _ scans: [Double]) {
        func percentile(_ values: [Double], _ p: Double) -> Double {
            guard !values.isEmpty else { return 0 }
            let sorted = values.sorted()
            return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
        }
        p50 = percentile(latencies, 0.5)
        p95 = percentile(latencies, 0.95)
        p99 = percentile(latencies, 0.99)
        scanP50 = percentile(scans, 0.5)
        scanP95 = percentile(scans, 0.95)
    }
}

struct BenchSearchReport: Codable {
    var messages: Int
    var buildSeconds: Double
    var indexBytes: Int
    var sealedBodyBytes: Int
    var indexToBodies: Double
    var classes: [String: QueryClass]
}

extension SearchRequest {
    static func with(_ text: String, employee: String? = nil, type: String? = nil) -> SearchRequest {
        var request = SearchRequest()
        request.text = "\"" + text.replacingOccurrences(of: "\"", with: "") + "\""
        if text.contains(" ") { request.text = text }
        if let employee { request.employees = [employee] }
        if let type { request.msgtypes = [type] }
        return request
    }
}
