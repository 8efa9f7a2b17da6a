import Foundation
import Testing

/// The module map of docs/ARCHITECTURE.md, checked on the sources: pure modules do no I/O and import only what they
/// may; only the engine modules import a database driver.
@Suite struct PurityTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// Each pure module and what it may import (DESIGN.md, "Modules").
    static let pureModules: [String: Set<String>] = [
        "ArchiveModel": ["Foundation"],
        "TextKit": ["Foundation", "ArchiveModel"],
        "Risk": ["Foundation", "ArchiveModel", "TextKit"],
        "Ledger": ["Foundation", "Crypto"],
        "Quality": ["Foundation", "ArchiveModel"],
        "Insights": ["Foundation", "ArchiveModel", "TextKit"],
        "Decisions": ["Foundation", "ArchiveModel", "Risk"],
        // Reads StoredMessage from the storage interface; does no I/O.
        "Presentation": ["Foundation", "ArchiveModel", "ArchiveStore", "TextKit"],
    ]

    /// Database drivers and the only modules allowed to import them.
    static let drivers: [String: Set<String>] = [
        "GRDB": ["SQLiteStore", "StoreMigration"],
        "PostgresNIO": ["PostgresStore", "StoreMigration"],
        "SQLite3": ["SQLiteStore"],
        "GRDBSQLite": ["SQLiteStore"],
    ]

    static func swiftFiles(in module: String) throws -> [(name: String, text: String)] {
        let folder = sources.appendingPathComponent(module)
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return [] }
        return try walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }.map {
            ($0.path.replacingOccurrences(of: sources.path + "/", with: ""), try String(contentsOf: $0, encoding: .utf8))
        }
    }

    static func imports(of text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ")
            // `import X`, `@testable import X`, `public import X`, `import struct X.Y`
            guard let index = words.firstIndex(of: "import"), index + 1 < words.count else { return nil }
            guard words[..<index].allSatisfy({ $0.hasPrefix("@") || ["public", "package", "internal", "private"].contains($0) }) else { return nil }
            let target = words.count > index + 2 ? words[index + 2] : words[index + 1]
            return String(target.split(separator: ".").first ?? target)
        }
    }

    @Test(arguments: pureModules.keys.sorted())
    func pureModulesImportOnlyWhatTheyMay(module: String) throws {
        let allowed = try #require(Self.pureModules[module])
        let files = try Self.swiftFiles(in: module)
        #expect(!files.isEmpty)
        for file in files {
            for imported in Self.imports(of: file.text) {
                #expect(allowed.contains(imported), "\(file.name) imports \(imported)")
            }
            for banned in ["FileManager", "URLSession", "Process(", "fopen(", "Bundle.", "contentsOfFile", "Data(contentsOf"] {
                #expect(!file.text.contains(banned), "\(file.name) does I/O (\(banned))")
            }
        }
    }

    @Test func onlyEngineModulesImportADatabaseDriver() throws {
        let modules = try FileManager.default.contentsOfDirectory(atPath: Self.sources.path).filter { !$0.hasPrefix(".") }
        #expect(modules.contains("SQLiteStore") && modules.contains("PostgresStore"))
        var checked = 0
        for module in modules {
            for file in try Self.swiftFiles(in: module) {
                checked += 1
                for imported in Self.imports(of: file.text) {
                    guard let allowed = Self.drivers[imported] else { continue }
                    #expect(allowed.contains(module), "\(file.name) imports the driver \(imported); only \(allowed.sorted()) may")
                }
                // The engines stay out of everything but the app and the migration tool.
                if Self.imports(of: file.text).contains(where: { $0 == "SQLiteStore" || $0 == "PostgresStore" }) {
                    #expect(["chatledger", "StoreMigration", "SQLiteStore", "PostgresStore"].contains(module),
                            "\(file.name) imports an engine module; ask for the ArchiveStore protocols instead")
                }
            }
        }
        #expect(checked > 100)
    }

    @Test func theImportReaderSeesEveryForm() {
        #expect(Self.imports(of: "import GRDB\n@testable import SQLiteStore\nimport struct PostgresNIO.PostgresQuery\n// import X")
            == ["GRDB", "SQLiteStore", "PostgresNIO"])
    }
}
