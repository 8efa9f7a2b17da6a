import ArgumentParser
import Foundation
import WeCom

struct SdkWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sdk-worker",
        abstract: "Internal: host the vendor's Finance SDK in its own process (started by the archive, not by hand).",
        shouldDisplay: false)

    @Option(help: "Path of libWeWorkFinanceSdk_C.so.") var library: String

    func run() throws {
        throw ExitCode(FinanceSDKWorkerServer.run(libraryPath: library))
    }
}
