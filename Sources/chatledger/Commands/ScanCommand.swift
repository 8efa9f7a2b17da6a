import ArgumentParser
import Foundation
import Risk

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan texts from standard input (one per line) against the risk policy; one JSON object per line out.",
        discussion: "Each line is scanned as if staff sent it to a customer, so every rule applies. start/end are character offsets into the line.")

    @Option(help: "A policy JSON file (from `chatledger policy export`). Default: the built-in packs.") var policy: String?
    @Flag(help: "Print JSON (the only format).") var json = false

    func run() throws {
        let loaded = try policy.map { path -> Policy in
            do {
                return try JSONDecoder().decode(Policy.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                throw ValidationError("\(path) is not a policy file: \(error)")
            }
        } ?? .builtIn
        let scanner = RiskScanner(policy: loaded)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        while let line = readLine(strippingNewline: true) {
            let output = ScanLine(text: line, hits: scanner.scan(line).map {
                ScanLine.Hit(category: $0.category.rawValue, rule: $0.rule, severity: $0.severity.rawValue, match: $0.match,
                             start: $0.start, end: $0.end)
            })
            FileHandle.standardOutput.write(try encoder.encode(output) + Data("\n".utf8))
        }
    }
}

/// `scan` output: `{"text": ..., "hits": [{"category", "rule", "severity", "match", "start", "end"}]}`.
struct ScanLine: Encodable {
    struct Hit: Encodable {
        var category: String
        var rule: String
        var severity: String
        var match: String
        var start: Int
        var end: Int
    }
    var text: String
    var hits: [Hit]
}
