import ArchiveStore
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
        guard (1...100_000_000).contains(messages) else { throw ValidationError("--messages must be 1…100000000") }
    }

    func run() async throws {
        let outURL = URL(fileURLWithPath: out, isDirectory: true)
        let keysURL = outURL.appendingPathComponent("keys", isDirectory: true)
        // The corp's RSA private keys: a folder only its owner opens, files only its owner reads.
        try PrivateFiles.createFolder(keysURL)
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
            try PrivateFiles.replaceFile(Array(pem.utf8), at: keysURL.appendingPathComponent("v\(version).pem"))
        }
        let encoder = JSONOutput.encoder()
        try encoder.encode(archive.corp.directorySnapshot).write(to: outURL.appendingPathComponent("directory.json"))
        try MediaFolder.write(archive.mediaFiles, to: outURL.appendingPathComponent("media", isDirectory: true))
        print("wrote \(messages) messages, \(archive.mediaFiles.count) media files and keys v\(archive.privateKeyPEMs.keys.sorted().map(String.init).joined(separator: ", v")) to \(out)")
    }
}
