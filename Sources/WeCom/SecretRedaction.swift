import Foundation

/// Removes credentials from text about HTTP calls before it reaches a log, an error or the alert outbox.
///
/// WeCom's APIs take their secrets in the URL (`gettoken?corpid=…&corpsecret=…`, `…?access_token=…`, a robot's
/// `webhook/send?key=…`), and a transport error prints the URL it failed on. Every HTTP error text is passed through
/// ``redact(_:)``, so the value of each secret-bearing query parameter (``secretParameters``) and the password of a URL
/// (`scheme://user:password@host`) become `REDACTED`; everything else, the parameter names included, stays readable.
public enum SecretRedaction {
    /// What a secret value is replaced with.
    public static let placeholder = "REDACTED"

    /// Query parameters whose values are secrets, compared without regard to case.
    public static let secretParameters: Set<String> = [
        "corpsecret", "secret", "client_secret", "access_token", "suite_access_token", "provider_access_token",
        "component_access_token", "refresh_token", "token", "id_token", "key", "api_key", "apikey", "signature", "sig",
        "sign", "password", "passwd", "pwd", "encodingaeskey", "ticket", "jsapi_ticket", "x-amz-signature",
        "x-amz-credential", "x-amz-security-token",
    ]

    /// `text` with the values of secret query parameters and URL passwords replaced by ``placeholder``.
    ///
    /// A parameter is recognised wherever its name starts a word (after `?`, `&`, `&amp;`, `;`, a space, a quote …)
    /// and is followed by `=`; its value runs to the next `&`, `#`, `;`, quote, bracket, comma or white space.
    public static func redact(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if isNameByte(byte), index == 0 || !isNameByte(bytes[index - 1]) {
                let nameStart = index
                while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
                out += bytes[nameStart..<index]
                guard index < bytes.count, bytes[index] == UInt8(ascii: "="),
                      secretParameters.contains(String(decoding: bytes[nameStart..<index], as: UTF8.self).lowercased()) else { continue }
                out.append(UInt8(ascii: "="))
                index += 1
                let valueStart = index
                while index < bytes.count, !endsValue(bytes[index]) { index += 1 }
                if index > valueStart { out += Array(placeholder.utf8) }
            } else if byte == UInt8(ascii: ":"), bytes[index...].starts(with: Array("://".utf8)) {
                // `scheme://user:password@host`: the password goes, the user stays.
                out += Array("://".utf8)
                index += 3
                var end = index
                while end < bytes.count, !endsAuthority(bytes[end]) { end += 1 }
                if let at = bytes[index..<end].lastIndex(of: UInt8(ascii: "@")),
                   let colon = bytes[index..<at].firstIndex(of: UInt8(ascii: ":")) {
                    out += bytes[index...colon]
                    out += Array(placeholder.utf8)
                    index = at
                }
            } else {
                out.append(byte)
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `url` as text, redacted (for messages that name the URL they called).
    public static func redact(_ url: URL) -> String { redact(url.absoluteString) }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."): true
        default: false
        }
    }

    /// Where a query value ends in running text: the next parameter, the fragment, a quote, a bracket or white space.
    private static func endsValue(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "&"), UInt8(ascii: "#"), UInt8(ascii: ";"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "<"),
             UInt8(ascii: ">"), UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: ","), UInt8(ascii: " "),
             UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): true
        default: false
        }
    }

    /// Where a URL's authority (`user:password@host:port`) ends.
    private static func endsAuthority(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"), UInt8(ascii: " "), UInt8(ascii: "\""),
             UInt8(ascii: "'"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): true
        default: false
        }
    }
}
