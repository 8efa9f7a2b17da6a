import ArchiveModel
import ArgumentParser
import Foundation
import WeCom

struct SdkCompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sdk-compare",
        abstract: "Decrypt the same envelopes with the vendor SDK and with ChatLedger's Swift DecryptData, and report any difference.")

    @Option(help: "A file of GetChatData entries, one per line.") var chatdata: String
    @Option(help: "Folder of RSA private keys named by publickey_ver.") var keys: String
    @Option(help: "Path of libWeWorkFinanceSdk_C.so.") var library: String
    @Option(help: "Compare at most this many envelopes.") var limit = 1000

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
    }
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let ring = try PrivateKeyRing.load(directory: URL(fileURLWithPath: keys, isDirectory: true))
        let sdk = FinanceSDKWorkerClient(configuration: .init(
            command: [CurrentExecutable.path, "sdk-worker", "--library", library], corpID: "compare", secret: "unused-for-decrypt"))
        let swift = EnvelopeOpener(keyRing: ring, decryptor: SdkEnvelope())
        let vendor = EnvelopeOpener(keyRing: ring, decryptor: sdk)
        var report = SdkCompareReport()
        for line in try JSONLines.read(chatdata).prefix(limit) {
            guard let item = (try? JSONValue.parse(line)).flatMap(ChatDataItem.init(json:)) else { continue }
            report.compared += 1
            let ours = Result { () throws(WeComError) in try swift.decrypt(item) }
            let theirs = Result { () throws(WeComError) in try vendor.decrypt(item) }
            switch (ours, theirs) {
            case (.success(let a), .success(let b)) where a == b: report.identical += 1
            case (.failure, .failure): report.bothFailed += 1
            default:
                report.differences.append(.init(seq: item.seq, msgid: item.msgid,
                                                swift: Self.describe(ours), sdk: Self.describe(theirs)))
            }
        }
        if json {
            try JSONOutput.print(report)
        } else {
            print("compared \(report.compared): identical \(report.identical), both failed \(report.bothFailed), different \(report.differences.count)")
            for difference in report.differences.prefix(20) {
                print("  seq \(difference.seq) \(difference.msgid): swift \(difference.swift) / sdk \(difference.sdk)")
            }
        }
        if !report.differences.isEmpty { throw ExitCode(1) }
    }

    static func describe(_ result: Result<[UInt8], WeComError>) -> String {
        switch result {
        case .success(let bytes): "\(bytes.count) bytes"
        case .failure(let error): error.description
        }
    }
}

struct SdkCompareReport: Codable {
    struct Difference: Codable {
        var seq: UInt64
        var msgid: String
        var swift: String
        var sdk: String
    }
    var compared = 0
    var identical = 0
    var bothFailed = 0
    var differences: [Difference] = []
}

/// The path of the running chatledger binary (to start worker processes of itself).
enum CurrentExecutable {
    static var path: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
