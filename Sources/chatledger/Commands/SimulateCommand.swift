import ArgumentParser
import Foundation
import Simulator
import WeCom

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Write a simulated corp's archive: encrypted envelopes, keys, ground-truth messages, directory and media.")

    @Option(help: "Output folder.") var out: String
    @Option(help: "How many messages.") var messages: Int = 1000
    @Option(help: "Seed: the same seed gives the same corp and messages.") var seed: UInt64 = 42

    func validate() throws {
        guard messages > 0 else { throw ValidationError("--messages must be positive") }
    }

    func run() async throws {
        let outURL = URL(fileURLWithPath: out, isDirectory: true)
        let keysURL = outURL.appendingPathComponent("keys", isDirectory: true)
        try FileManager.default.createDirectory(at: keysURL, withIntermediateDirectories: true)
        let archive = try SimulatedArchive(seed: seed, expectedMessages: messages)
        var progress = ProgressLine("simulating", total: messages)
        var produced = 0
        while produced < messages {
            let count = min(1000, messages - produced)
            try archive.produce(count)
            produced += count
            progress.update(produced)
        }
        progress.finish()
        let lineEncoder = JSONEncoder()
        lineEncoder.outputFormatting = [.withoutEscapingSlashes]
        try JSONLines.write(try archive.envelopes.map { Array(try lineEncoder.encode($0)) },
                            to: outURL.appendingPathComponent("chatdata.jsonl"))
        try JSONLines.write(archive.messages.map(\.json), to: outURL.appendingPathComponent("messages.jsonl"))
        for (version, pem) in archive.privateKeyPEMs {
            try pem.write(to: keysURL.appendingPathComponent("v\(version).pem"), atomically: true, encoding: .utf8)
        }
        let encoder = JSONOutput.encoder()
        try encoder.encode(archive.corp.directorySnapshot).write(to: outURL.appendingPathComponent("directory.json"))
        try MediaFolder.write(archive.mediaFiles, to: outURL.appendingPathComponent("media", isDirectory: true))
        print("wrote \(messages) messages, \(archive.mediaFiles.count) media files and keys v\(archive.privateKeyPEMs.keys.sorted().map(String.init).joined(separator: ", v")) to \(out)")
    }
}
