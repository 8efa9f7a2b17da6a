/// The associated data that binds each sealed value to its place.
package enum SealContext {
    package static func body(_ msgid: String) -> String { "message.body:\(msgid)" }
    package static func text(_ msgid: String) -> String { "message.text:\(msgid)" }
    package static func quarantine(_ payloadSHA256: String) -> String { "quarantine:\(payloadSHA256)" }
    package static func blob(_ sha256: String) -> String { "blob:\(sha256)" }
    package static func audit(_ leafIndex: UInt64) -> String { "audit:\(leafIndex)" }
    package static func totp(_ username: String) -> String { "console.totp:\(username)" }
}
