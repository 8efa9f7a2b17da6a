import Foundation

/// Reads a file of one JSON document per line, without loading it whole into a `String`.
enum JSONLines {
    static func read(_ path: String) throws -> [[UInt8]] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("cannot read \(path): check the path and permissions")
        }
        return data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
            .map { line in Array(line.last == UInt8(ascii: "\r") ? line.dropLast() : line) }
            .filter { !$0.allSatisfy { $0 == 0x20 || $0 == 0x09 } }
    }

    static func write(_ lines: [[UInt8]], to url: URL) throws {
        var data = Data()
        for line in lines {
            data.append(contentsOf: line)
            data.append(UInt8(ascii: "\n"))
        }
        try data.write(to: url)
    }
}

/// A CLI failure with a message that says what to do.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
