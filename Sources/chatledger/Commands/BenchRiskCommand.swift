import ArchiveModel
import ArgumentParser
import Foundation
import Risk
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
            for _ in 0..<3 {
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
            let report = BenchRiskReport(
                messages: texts.count, megabytes: Double(bytes) / 1e6, patterns: lexicon.count, chatledgerSeconds: best,
                chatledgerMBPerSecond: Double(bytes) / 1e6 / best, chatledgerMessagesPerSecond: Double(texts.count) / best,
                chatledgerHits: hits, pyahocorasickSeconds: baseline.seconds,
                pyahocorasickMBPerSecond: baseline.seconds > 0 ? Double(bytes) / 1e6 / baseline.seconds : 0,
                ratio: baseline.seconds > 0 ? baseline.seconds / best : 0)
            if json {
                try JSONOutput.print(report)
            } else {
                print(String(format: "ChatLedger %.1f MB/s (%.0f messages/s, all normalisation) vs pyahocorasick %.1f MB/s (none): ratio %.2f",
                             report.chatledgerMBPerSecond, report.chatledgerMessagesPerSecond, report.pyahocorasickMBPerSecond, report.ratio))
            }
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

struct BenchRiskReport: Codable {
    var messages: Int
    var megabytes: Double
    var patterns: Int
    var chatledgerSeconds: Double
    var chatledgerMBPerSecond: Double
    var chatledgerMessagesPerSecond: Double
    var chatledgerHits: Int
    var pyahocorasickSeconds: Double
    var pyahocorasickMBPerSecond: Double
    var ratio: Double
}
