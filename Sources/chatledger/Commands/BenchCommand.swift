import ArchiveModel
import ArchiveStore
import ArgumentParser
import Crypto
import Foundation
import Ingest
import Risk
import SQLiteStore
import Simulator
import WeCom

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks that report ratios against a baseline measured in the same run.",
        subcommands: [Ingest.self, LedgerCost.self, SearchLatency.self, RiskThroughput.self, ReportSpeed.self, Engines.self])

    struct Ingest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Raw RSA-2048 decrypts/s on all cores (baseline) vs end-to-end encrypted ingest, and plaintext import.")

        @Option(help: "Simulated envelopes to ingest.") var envelopes = 50_000
        @Option(help: "Seconds per raw RSA measurement.") var seconds = 3.0
        @Flag(help: "Measure without risk scanning (by default everything ingest does in production is on).") var noRisk = false
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let cores = ProcessInfo.processInfo.activeProcessorCount
            BenchLog.write("simulating \(envelopes) envelopes…")
            let archive = try SimulatedArchive(seed: 2026, expectedMessages: envelopes)
            var produced = 0
            while produced < envelopes {
                let count = min(5000, envelopes - produced)
                try archive.produce(count)
                produced += count
            }
            let items = archive.envelopes
            let encoder = JSONEncoder()
            let lines = try items.map { Array(try encoder.encode($0)) }
            let wrappedKeys = items.prefix(2000).filter { $0.publickeyVer == 1 }.compactMap { Data(base64Encoded: $0.encryptRandomKey).map(Array.init) }

            var rsa: [String: RSAFigures] = [:]
            for backend in RSABackend.allCases {
                let key = try backend.privateKey(pem: archive.privateKeyPEMs[1]!)
                let one = await Self.decryptRate(key, ciphertexts: wrappedKeys, workers: 1, seconds: seconds)
                let all = await Self.decryptRate(key, ciphertexts: wrappedKeys, workers: cores, seconds: seconds)
                rsa[backend.rawValue] = RSAFigures(oneCore: one, allCores: all)
                BenchLog.write("RSA-2048 PKCS#1 v1.5 decrypt, \(backend.rawValue): \(Int(one))/s on one core, \(Int(all))/s on \(cores)")
            }
            let fastest = RSABackend.allCases.max { rsa[$0.rawValue]!.allCores < rsa[$1.rawValue]!.allCores }!

            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chatledger-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            var ring = PrivateKeyRing()
            for (version, pem) in archive.privateKeyPEMs { ring.add(try fastest.privateKey(pem: pem), version: version) }

            // Everything production ingest does: risk scanning and alerts, sentiment and topics, sealing, the ledger, the
            // index, report aggregates, participants and reply-timeout marks.
            let risk = noRisk ? nil : RiskAnalysis(scanner: RiskScanner(policy: .builtIn), policyVersion: 1, channels: ["webhook"])
            let encryptedStore = try SQLiteArchiveStore(path: folder.appendingPathComponent("encrypted.sqlite").path, masterKey: .generate())
            var pipeline = IngestPipeline(store: encryptedStore, opener: EnvelopeOpener(keyRing: ring))
            pipeline.risk = risk
            let encryptedStages = StageClock()
            var start = Date()
            let summary = try await StageClock.$current.withValue(encryptedStages) { try await pipeline.ingestChatDataLines(lines) }
            let encryptedSeconds = Date().timeIntervalSince(start)
            let ingestRate = Double(lines.count) / encryptedSeconds
            guard summary.inserted == envelopes else {
                throw CLIError("bench ingest stored \(summary.inserted) of \(envelopes): \(summary)")
            }
            BenchLog.write("encrypted ingest (\(fastest.rawValue)): \(Int(ingestRate)) messages/s")
            let encryptedShares = StageShares(encryptedStages, messages: envelopes, wallSeconds: encryptedSeconds)
            encryptedShares.log()

            let plainStore = try SQLiteArchiveStore(path: folder.appendingPathComponent("plain.sqlite").path, masterKey: .generate())
            let plainLines = archive.messages.map(\.json)
            var plainPipeline = IngestPipeline(store: plainStore, opener: EnvelopeOpener(keyRing: ring))
            plainPipeline.risk = risk
            let plainStages = StageClock()
            start = Date()
            _ = try await StageClock.$current.withValue(plainStages) { try await plainPipeline.importMessages(plainLines) }
            let plainSeconds = Date().timeIntervalSince(start)
            let plainRate = Double(plainLines.count) / plainSeconds
            BenchLog.write("plaintext import: \(Int(plainRate)) messages/s")
            let plainShares = StageShares(plainStages, messages: plainLines.count, wallSeconds: plainSeconds)
            plainShares.log()

            let report = BenchIngestReport(
                cores: cores, envelopes: envelopes, rsa: rsa, fastestBackend: fastest.rawValue,
                encryptedIngestPerSecond: ingestRate,
                ingestToRawRSARatio: ingestRate / rsa[fastest.rawValue]!.allCores,
                plaintextImportPerSecond: plainRate, riskScanning: risk != nil,
                encryptedStages: encryptedShares, plaintextStages: plainShares)
            if json {
                try JSONOutput.print(report)
            } else {
                print(String(format: "encrypted ingest / raw RSA on all cores = %.2f (target ≥ 0.8); plaintext import %.0f/s (target ≥ 20000)",
                             report.ingestToRawRSARatio, plainRate))
            }
        }


        /// Private-key operations per second with `workers` threads hammering the same key.
        static func decryptRate(_ key: any RSAKeyDecrypting, ciphertexts: [[UInt8]], workers: Int, seconds: Double) async -> Double {
            let deadline = Date().addingTimeInterval(seconds)
            let start = Date()
            let counts = await parallelMap(Array(0..<workers), parallelism: workers) { worker in
                var done = 0
                var index = worker
                while Date() < deadline {
                    for _ in 0..<50 {
                        _ = try? key.decrypt(ciphertexts[index % ciphertexts.count])
                        index += 1
                        done += 1
                    }
                }
                return done
            }
            return Double(counts.reduce(0, +)) / Date().timeIntervalSince(start)
        }
    }
}

extension BenchCommand {
    struct LedgerCost: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ledger",
            abstract: "What sealing and the Merkle ledger cost: ingest with vs without them, checkpoint delay, verify throughput.")

        @Option(help: "Simulated messages.") var messages = 50_000
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            BenchLog.write("simulating \(messages) messages…")
            let archive = try SimulatedArchive(seed: 2027, expectedMessages: messages)
            var produced = 0
            while produced < messages {
                try archive.produce(min(5000, messages - produced))
                produced = min(messages, produced + 5000)
            }
            let encoder = JSONEncoder()
            let lines = try archive.envelopes.map { Array(try encoder.encode($0)) }
            let plain = archive.messages.map(\.json)
            var ring = PrivateKeyRing()
            for (version, pem) in archive.privateKeyPEMs { ring.add(try RSABackend.openssl.privateKey(pem: pem), version: version) }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chatledger-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let master = MasterKey.generate()
            func store(_ name: String, integrity: Bool) throws -> SQLiteArchiveStore {
                try SQLiteArchiveStore(path: folder.appendingPathComponent(name).path, masterKey: master, integrity: integrity)
            }
            func timed(_ work: () async throws -> Void) async rethrows -> Double {
                let start = Date()
                try await work()
                return Date().timeIntervalSince(start)
            }
            // Baseline and measured runs alternate so that drift on a shared machine hits both alike.
            let clearEncrypted = try store("clear-encrypted.sqlite", integrity: false)
            let sealedEncrypted = try store("sealed-encrypted.sqlite", integrity: true)
            let clearPlain = try store("clear-plain.sqlite", integrity: false)
            let sealedPlain = try store("sealed-plain.sqlite", integrity: true)
            let encryptedBaseline = try await timed { _ = try await IngestPipeline(store: clearEncrypted, opener: EnvelopeOpener(keyRing: ring)).ingestChatDataLines(lines) }
            let encryptedSealed = try await timed { _ = try await IngestPipeline(store: sealedEncrypted, opener: EnvelopeOpener(keyRing: ring)).ingestChatDataLines(lines) }
            let plainBaseline = try await timed { _ = try await IngestPipeline(store: clearPlain, opener: EnvelopeOpener(keyRing: ring)).importMessages(plain) }
            let plainSealed = try await timed { _ = try await IngestPipeline(store: sealedPlain, opener: EnvelopeOpener(keyRing: ring)).importMessages(plain) }
            BenchLog.write(String(format: "encrypted ingest: %.2f s clear, %.2f s sealed + ledger", encryptedBaseline, encryptedSealed))
            BenchLog.write(String(format: "plaintext import: %.2f s clear, %.2f s sealed + ledger", plainBaseline, plainSealed))

            let key = Curve25519.Signing.PrivateKey()
            let checkpointSeconds = try await timed { try await sealedEncrypted.writeCheckpoint(signingKey: key) }
            let report = try await sealedEncrypted.verify(publicKey: key.publicKey, blobs: nil)
            guard report.ok else { throw CLIError("verify failed on a fresh archive: \(String(describing: report.failure))") }
            BenchLog.write(String(format: "checkpoint after commit: %.1f ms; verify: %.0f records/s", checkpointSeconds * 1000, report.recordsPerSecond))

            let result = BenchLedgerReport(
                messages: messages, encryptedIngestSecondsClear: encryptedBaseline, encryptedIngestSecondsSealed: encryptedSealed,
                encryptedIngestOverhead: encryptedSealed / encryptedBaseline - 1, plaintextImportSecondsClear: plainBaseline,
                plaintextImportSecondsSealed: plainSealed, plaintextImportOverhead: plainSealed / plainBaseline - 1,
                checkpointMilliseconds: checkpointSeconds * 1000, checkpointIntervalSeconds: 1,
                verifyRecordsPerSecond: report.recordsPerSecond)
            if json {
                try JSONOutput.print(result)
            } else {
                print(String(format: "sealing + ledger add %.1f %% to encrypted ingest (target ≤ 15 %%), %.1f %% to plaintext import; verify %.0f records/s (target ≥ 50000); a checkpoint takes %.1f ms and follows commits within 1 s",
                             result.encryptedIngestOverhead * 100, result.plaintextImportOverhead * 100, result.verifyRecordsPerSecond,
                             result.checkpointMilliseconds))
            }
        }

    }
}

struct BenchLedgerReport: Codable {
    var messages: Int
    var encryptedIngestSecondsClear: Double
    var encryptedIngestSecondsSealed: Double
    var encryptedIngestOverhead: Double
    var plaintextImportSecondsClear: Double
    var plaintextImportSecondsSealed: Double
    var plaintextImportOverhead: Double
    var checkpointMilliseconds: Double
    var checkpointIntervalSeconds: Double
    var verifyRecordsPerSecond: Double
}

struct RSAFigures: Codable {
    var oneCore: Double
    var allCores: Double
}

struct BenchIngestReport: Codable {
    var cores: Int
    var envelopes: Int
    var rsa: [String: RSAFigures]
    var fastestBackend: String
    var encryptedIngestPerSecond: Double
    var ingestToRawRSARatio: Double
    var plaintextImportPerSecond: Double
    var riskScanning: Bool
    var encryptedStages: StageShares
    var plaintextStages: StageShares
}

/// Where a run's time went: each stage's thread time per message and share of all stages, and how busy the single
/// writer was (near 100 %: the writer is the limit; well below: the parallel stages are).
struct StageShares: Codable {
    struct Stage: Codable {
        var name: String
        var microsecondsPerMessage: Double
        var share: Double
    }

    var stages: [Stage]
    var writerBusyShare: Double

    init(_ clock: StageClock, messages: Int, wallSeconds: Double) {
        let seconds = clock.seconds
        let total = max(seconds.values.reduce(0, +), 1e-9)
        stages = StageClock.Stage.allCases.compactMap { stage in
            seconds[stage].map { Stage(name: stage.rawValue, microsecondsPerMessage: $0 / Double(max(1, messages)) * 1e6, share: $0 / total) }
        }
        writerBusyShare = seconds.filter(\.key.onWriter).values.reduce(0, +) / max(wallSeconds, 1e-9)
    }

    func log() {
        for stage in stages {
            let name = stage.name.padding(toLength: 36, withPad: " ", startingAt: 0)
            BenchLog.write("  " + name + String(format: "%7.1f µs/message  %5.1f %%", stage.microsecondsPerMessage, stage.share * 100))
        }
        BenchLog.write(String(format: "  writer busy %.0f %% of the wall time", writerBusyShare * 100))
    }
}
