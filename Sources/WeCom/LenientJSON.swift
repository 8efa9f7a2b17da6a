import ArchiveModel
import Foundation

/// Parses decrypted WeCom JSON, which is not always valid JSON.
///
/// Decrypted messages can carry raw control characters (bytes below 0x20) inside strings;
/// a strict parser refuses them, ``JSONValue/parse(_:)`` keeps them. The caller keeps the original bytes.
public enum LenientJSON {
    /// Parses `bytes` into a ``JSONValue``, repairing raw control characters inside strings.
    /// - Throws: ``WeComError`` with code `invalid-json` when the bytes are not JSON even after repair.
    public static func parse(_ bytes: [UInt8]) throws(WeComError) -> JSONValue {
        do {
            return try JSONValue.parse(bytes)
        } catch {
            throw WeComError(.invalidJSON, "not valid JSON (\(bytes.count) bytes): \(error)")
        }
    }

    /// Returns `bytes` with every control character inside a JSON string written as a `\u00XX` escape.
    public static func escapingControlCharactersInStrings(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(where: { $0 < 0x20 }) else { return bytes }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        var inString = false
        var escaped = false
        let hex = Array("0123456789abcdef".utf8)
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                } else if byte < 0x20 {
                    output += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                               hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
                    continue
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            }
            output.append(byte)
        }
        return output
    }
}
