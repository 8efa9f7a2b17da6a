import Foundation

/// Reads a file of one JSON document per line, without loading it whole into a `String`.
enum JSONLines {
    static func read(_ path: String) throws -> [[UInt8]] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("cannot read \(path): check the path and permissions")
        }
        return data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> [[UInt8]] in
            let bytes = buffer.bindMemory(to: UInt8.self)
            var lines: [[UInt8]] = []
            var start = 0
            for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: "\n") {
                var end = index
                if end > start && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
                if line.contains(where: { $0 != 0x20 && $0 != 0x09 }) { lines.append(Array(line)) }
                start = index + 1
            }
            return lines
        }
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
