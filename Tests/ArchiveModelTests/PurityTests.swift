import Foundation
import Testing

/// Pure modules do no I/O and import no database, network or server library (docs/ARCHITECTURE.md).
@Suite struct PurityTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    @Test(arguments: ["ArchiveModel"])
    func pureModulesImportOnlyWhatTheyMay(module: String) throws {
        let allowed: Set<String> = ["Foundation"]
        let folder = Self.sources.appendingPathComponent(module)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        #expect(!files.isEmpty)
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") where line.hasPrefix("import ") {
                let imported = line.dropFirst("import ".count).trimmingCharacters(in: .whitespaces)
                #expect(allowed.contains(imported), "\(module)/\(file) imports \(imported)")
            }
            for banned in ["FileManager", "URLSession", "Process(", "fopen("] {
                #expect(!text.contains(banned), "\(module)/\(file) does I/O (\(banned))")
            }
        }
    }
}
