/// The associated data that binds each sealed value to its place.
enum SealContext {
    static func body(_ msgid: String) -> String { "message.body:\(msgid)" }
    static func text(_ msgid: String) -> String { "message.text:\(msgid)" }
    static func quarantine(_ payloadSHA256: String) -> String { "quarantine:\(payloadSHA256)" }
    static func blob(_ sha256: String) -> String { "blob:\(sha256)" }
    static func audit(_ leafIndex: UInt64) -> String { "audit:\(leafIndex)" }
    static func totp(_ username: String) -> String { "console.totp:\(username)" }
}
