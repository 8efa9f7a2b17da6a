import Alerts
import ArchiveModel
import ArchiveStore
import ArgumentParser
import Foundation
import Ingest
import Risk
import SQLiteStore
import Simulator
import WeCom

extension BenchCommand {
    struct RiskThroughput: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "risk",
            abstract: "Risk matching throughput with a 10,000-pattern lexicon and every normalisation, next to pyahocorasick (C) without.")

        @Option(help: "Simulated messages to scan.") var messages = 100_000
        @Option(help: "Lexicon size.") var patterns = 10_000
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            var generator = ChatGenerator(seed: 11, expectedMessages: messages)
            let texts = generator.next(messages).compactMap { try? MessageDecoder().decode($0.json, seq: 0).searchableText }
                .map { $0.replacingOccurrences(of: "\n", with: " ") }.filter { !$0.isEmpty }
            // A lexicon of real-looking terms: 2–6 character slices of other simulated text plus the built-in packs.
            var rng = SeededRandom(seed: 3)
            var lexicon = Set(Policy.builtIn.lexicons.flatMap(\.terms))
            var vocabularyGenerator = ChatGenerator(seed: 12, expectedMessages: 20_000)
            var vocabulary = vocabularyGenerator.next(20_000)
                .compactMap { try? MessageDecoder().decode($0.json, seq: 0).searchableText }.filter { $0.count >= 6 }
            vocabulary.shuffle(using: &rng)
            var index = 0
            while lexicon.count < patterns {
                let text = Array(vocabulary[index % vocabulary.count])
                index += 1
                let length = Int.random(in: 2...6, using: &rng)
                let start = Int.random(in: 0...(text.count - length), using: &rng)
                let term = String(text[start..<start + length]) + (index % 3 == 0 ? String(rng.token(2)) : "")
                if !term.contains(where: { $0.isWhitespace }) { lexicon.insert(term) }
            }
            var policy = Policy.builtIn
            policy.lexicons.append(LexiconRule(id: "bench.lexicon", category: .abuse, severity: .low, terms: Array(lexicon), direction: .any))
            let scanner = RiskScanner(policy: policy)
            let bytes = texts.reduce(0) { $0 + $1.utf8.count }

            var best = Double.infinity
            var hits = 0
            for _ in 0..<5 {
                let start = Date()
                hits = texts.reduce(0) { $0 + scanner.scan($1).count }
                best = min(best, Date().timeIntervalSince(start))
            }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chatledger-bench-risk-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            try lexicon.joined(separator: "\n").write(to: folder.appendingPathComponent("patterns.txt"), atomically: true, encoding: .utf8)
            try texts.joined(separator: "\n").write(to: folder.appendingPathComponent("texts.txt"), atomically: true, encoding: .utf8)
            let baseline = try Self.runBaseline(folder)
            let latency = try await Self.alertLatency(folder: folder)
            let report = BenchRiskReport(
                messages: texts.count, megabytes: Double(bytes) / 1e6, patterns: lexicon.count, chatledgerSeconds: best,
                chatledgerMBPerSecond: Double(bytes) / 1e6 / best, chatledgerMessagesPerSecond: Double(texts.count) / best,
                chatledgerHits: hits, pyahocorasickSeconds: baseline.seconds, pyahocorasickMatches: baseline.matches,
                pyahocorasickMBPerSecond: baseline.seconds > 0 ? Double(bytes) / 1e6 / baseline.seconds : 0,
                ratio: baseline.seconds > 0 ? baseline.seconds / best : 0,
                alertLatencyP50Milliseconds: latency.p50, alertLatencyP99Milliseconds: latency.p99)
            if json {
                try JSONOutput.print(report)
            } else {
                print(String(format: "ChatLedger %.1f MB/s (%.0f messages/s, all normalisation) vs pyahocorasick %.1f MB/s (none): ratio %.2f; alert latency commit → webhook p50 %.0f ms, p99 %.0f ms",
                             report.chatledgerMBPerSecond, report.chatledgerMessagesPerSecond, report.pyahocorasickMBPerSecond, report.ratio,
                             report.alertLatencyP50Milliseconds, report.alertLatencyP99Milliseconds))
            }
        }

        /// Commits one violating message at a time with the dispatcher running, and times commit → webhook receipt.
        static func alertLatency(folder: URL, rounds: Int = 100) async throws -> (p50: Double, p99: Double) {
            let store = try SQLiteArchiveStore(path: folder.appendingPathComponent("latency.sqlite").path, masterKey: .generate())
            let receiver = LatencyReceiver()
            let dispatcher = AlertDispatcher(store: store, channels: [
                WebhookChannel(url: URL(string: "http://receiver.local/hook")!, secret: "bench", transport: receiver),
            ], interval: .milliseconds(50))
            let analysis = RiskAnalysis(scanner: RiskScanner(policy: .builtIn), policyVersion: 1, channels: ["webhook"])
            var latencies: [Double] = []
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await dispatcher.run() }
                for round in 0..<rounds {
                    // Each message is in its own conversation, so each raises its own alert.
                    let raw = Array(#"{"msgid":"lat-\#(round)","action":"send","from":"zhangsan","tolist":["wmCustomer\#(round)"],"roomid":"","msgtime":\#(1_793_581_200_000 + round * 1000),"msgtype":"text","text":{"content":"放心，这个产品保本保息，稳赚不赔"}}"#.utf8)
                    let message = try MessageDecoder().decode(raw, seq: UInt64(round + 1))
                    let before = receiver.count
                    _ = try await store.commit(IngestBatch(source: "bench", messages: [message],
                                                           riskHits: [message.id: analysis.storedHits(in: message)], policyVersion: 1,
                                                           alertChannels: ["webhook"]))
                    let committed = Date()
                    while receiver.count == before { try await Task.sleep(for: .milliseconds(2)) }
                    latencies.append(receiver.lastReceived.timeIntervalSince(committed) * 1000)
                }
                group.cancelAll()
            }
            let sorted = latencies.sorted()
            return (sorted[sorted.count / 2], sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))])
        }

        static func runBaseline(_ folder: URL) throws -> (seconds: Double, matches: Int) {
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("TestSupport/ahocorasick_baseline.py")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script.path, folder.appendingPathComponent("patterns.txt").path,
                                 folder.appendingPathComponent("texts.txt").path]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0,
                  let answer = try JSONSerialization.jsonObject(with: data) as? [String: Any], let seconds = answer["seconds"] as? Double else {
                throw CLIError("the pyahocorasick baseline failed: pip install pyahocorasick")
            }
            return (seconds, answer["matches"] as? Int ?? 0)
        }
    }
}

/// A webhook endpoint in the same process that notes when each delivery arrives.
final class LatencyReceiver: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var received: [Date] = []
    var count: Int { lock.withLock { received.count } }
    var lastReceived: Date { lock.withLock { received.last ?? Date() } }

    func send(method: String, url: URL, body: [UInt8]?, headers: [String: String]) async throws -> (status: Int, body: [UInt8]) {
        lock.withLock { received.append(Date()) }
        return (200, [])
    }
}

struct BenchRiskReport: Codable {
    var messages: Int
    var megabytes: Double
    var patterns: Int
    var chatledgerSeconds: Double
    var chatledgerMBPerSecond: Double
    var chatledgerMessagesPerSecond: Double
    var chatledgerHits: Int
    var pyahocorasickSeconds: Double
    /// Raw occurrences, overlapping ones included: what ChatLedger resolves into `chatledgerHits`.
    var pyahocorasickMatches: Int
    var pyahocorasickMBPerSecond: Double
    var ratio: Double
    var alertLatencyP50Milliseconds: Double
    var alertLatencyP99Milliseconds: Double
}
