import Foundation

/// Prints JSON the way every `--json` flag does: sorted keys, no escaped slashes, UTF-8 as is.
enum JSONOutput {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return encoder
    }

    static func print(_ value: some Encodable) throws {
        FileHandle.standardOutput.write(try encoder().encode(value))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}

/// A progress line on standard error, drawn only when it is a terminal.
struct ProgressLine {
    let label: String
    let total: Int?
    let enabled = isatty(STDERR_FILENO) == 1
    let start = Date()
    var lastDraw = Date.distantPast

    init(_ label: String, total: Int?) {
        self.label = label
        self.total = total
    }

    mutating func update(_ done: Int, force: Bool = false) {
        guard enabled, force || Date().timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = Date()
        let elapsed = max(Date().timeIntervalSince(start), 0.001)
        let rate = Int(Double(done) / elapsed)
        var line = "\r\(label): \(done)"
        if let total, total > 0 {
            let width = 30
            let filled = min(width, width * done / total)
            line = "\r\(label) [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(done)/\(total)"
        }
        line += "  \(rate)/s   "
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}

/// Benchmarks report progress and figures on standard error, keeping standard output for `--json`.
enum BenchLog {
    static func write(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }
}
