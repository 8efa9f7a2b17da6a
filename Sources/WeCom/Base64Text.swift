import Foundation

/// Standard base64 as the SDK reads it: trailing `=` ignored, padding restored, nothing else tolerated.
enum Base64Text {
    static func decode<S: StringProtocol>(_ text: S) -> [UInt8]? {
        var trimmed = Substring(text)
        while trimmed.last == "=" { trimmed = trimmed.dropLast() }
        let remainder = trimmed.utf8.count % 4
        guard remainder != 1 else { return nil }
        let padded = String(trimmed) + String(repeating: "=", count: remainder == 0 ? 0 : 4 - remainder)
        return Data(base64Encoded: padded).map(Array.init)
    }

    static func encode(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
}
