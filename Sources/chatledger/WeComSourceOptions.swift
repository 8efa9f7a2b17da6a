import ArgumentParser
import Foundation
import Simulator
import WeCom

/// Where `ingest` and `serve` pull from: WeCom's archive through the Finance SDK, or a simulated corp.
struct WeComSourceOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Pull from WeCom through this Finance SDK library (libWeWorkFinanceSdk_C.so), loaded in a supervised `chatledger sdk-worker`.",
        discussion: "The archive secret comes from CHATLEDGER_WECOM_ARCHIVE_SECRET; --private-keys names the archive's RSA keys (v1.pem …)."))
    var sdkLibrary: String?
    @Option(help: "The corp ID (ww…), with --sdk-library.") var corpID: String?
    @Option(help: "Folder of the archive's private keys named after their publickey_ver (v1.pem, v2.pem …), with --sdk-library.")
    var privateKeys: String?
    @Option(help: "HTTP proxy for the SDK (host:port), with --sdk-library.") var sdkProxy: String?
    @Option(help: "Pull from the simulated corp of this seed instead (demo and trials).") var simulateSeed: UInt64?
    @Option(help: "Simulated messages per second, with --simulate-seed.") var rate = 20

    var isGiven: Bool { sdkLibrary != nil || simulateSeed != nil }

    func validate() throws {
        if sdkLibrary != nil && simulateSeed != nil { throw ValidationError("give --sdk-library or --simulate-seed, not both") }
        if sdkLibrary != nil && (corpID == nil || privateKeys == nil) {
            throw ValidationError("--sdk-library needs --corp-id and --private-keys (and CHATLEDGER_WECOM_ARCHIVE_SECRET in the environment)")
        }
        guard (1...100_000).contains(rate) else { throw ValidationError("--rate must be 1…100000") }
    }

    /// The source with the keys that open its envelopes, and what keeps a simulated corp chatting (nil for WeCom).
    func open(keys keysURL: URL) throws -> (source: any ChatDataSource & MediaSource, keys: PrivateKeyRing,
                                            chat: (@Sendable () async throws -> Void)?) {
        if let simulateSeed {
            let (simulator, ring) = try LeasedIngest.simulatedCorp(seed: simulateSeed, keys: keysURL)
            let rate = self.rate
            return (simulator, ring, { try await LeasedIngest.chat(simulator, rate: rate) })
        }
        guard let sdkLibrary, let corpID, let privateKeys else {
            throw ValidationError("give --sdk-library (with --corp-id and --private-keys) or --simulate-seed")
        }
        guard let secret = ProcessInfo.processInfo.environment["CHATLEDGER_WECOM_ARCHIVE_SECRET"], !secret.isEmpty else {
            throw ValidationError("set CHATLEDGER_WECOM_ARCHIVE_SECRET to the archive (会话内容存档) secret; it is not taken on the command line")
        }
        let client = FinanceSDKWorkerClient(configuration: .init(
            command: [CurrentExecutable.path, "sdk-worker", "--library", sdkLibrary], corpID: corpID, secret: secret,
            proxy: sdkProxy ?? ""))
        return (client, try PrivateKeyRing.load(directory: URL(fileURLWithPath: privateKeys, isDirectory: true)), nil)
    }
}
