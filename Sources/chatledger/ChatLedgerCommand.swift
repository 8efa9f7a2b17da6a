import ArgumentParser

@main
struct ChatLedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chatledger",
        abstract: "A self-hosted, tamper-evident compliance archive for WeCom (企业微信) conversations.",
        subcommands: [
            DemoCommand.self, SimulateCommand.self, ImportCommand.self, ShowCommand.self, StatsCommand.self,
            SearchCommand.self, ContextCommand.self, ScanCommand.self, AlertsCommand.self, PolicyCommand.self, RescanCommand.self, QuarantineCommand.self, MediaCommand.self, VerifyCommand.self, ProveCommand.self, VerifyProofCommand.self, KeysCommand.self,
            SdkWorkerCommand.self, SdkCompareCommand.self, BenchCommand.self, ServeCommand.self, UserCommand.self, SLACommand.self, QACommand.self, SentimentCommand.self, ReportCommand.self, MigrateCommand.self, IngestCommand.self,
            CaseCommand.self, ExportCommand.self, VerifyPackageCommand.self,
        ])
}
