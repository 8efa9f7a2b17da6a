import ArchiveModel
import Foundation
import Simulator
import Testing
import WeCom

/// A simulated corp written to disk, the C test double of the Finance SDK compiled from the package's
/// source, and the chatledger binary that hosts it as a worker.
struct FinanceSDKFixture {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let folder: URL
    let library: String
    let archive: SimulatedArchive

    init(messages: Int = 200, seed: UInt64 = 77) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("sdk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        archive = try SimulatedArchive(seed: seed, expectedMessages: messages)
        try archive.produce(messages)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var lines = Data()
        for item in archive.envelopes {
            lines.append(try encoder.encode(item))
            lines.append(UInt8(ascii: "\n"))
        }
        try lines.write(to: folder.appendingPathComponent("chatdata.jsonl"))
        try MediaFolder.write(archive.mediaFiles, to: folder.appendingPathComponent("media"))
        library = folder.appendingPathComponent("libWeWorkFinanceSdk_C.so").path
        try Self.run("/usr/bin/cc", ["-shared", "-fPIC", "-O1", "-o", library,
                                      Self.packageRoot.appendingPathComponent("TestSupport/FinanceSdkDouble/finance_sdk_double.c").path,
                                      "-lcrypto"])
    }

    static var chatledgerBinary: String {
        get throws {
            for candidate in [".build/debug/chatledger", ".build/x86_64-unknown-linux-gnu/debug/chatledger", ".build/release/chatledger"] {
                let path = packageRoot.appendingPathComponent(candidate).path
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "build the chatledger executable first (swift build)"])
        }
    }

    func client(environment: [String: String] = [:], secret: String = "secret") throws -> FinanceSDKWorkerClient {
        FinanceSDKWorkerClient(configuration: .init(
            command: [try Self.chatledgerBinary, "sdk-worker", "--library", library],
            environment: ["FINANCE_DOUBLE_DIR": folder.path].merging(environment) { $1 },
            corpID: "wwsimulated", secret: secret, callTimeoutSeconds: 20))
    }

    func keyRing() throws -> PrivateKeyRing {
        var ring = PrivateKeyRing()
        for (version, pem) in archive.privateKeyPEMs { ring.add(try RSABackend.openssl.privateKey(pem: pem), version: version) }
        return ring
    }

    static func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "\(executable) \(arguments) failed"])
        }
    }
}
