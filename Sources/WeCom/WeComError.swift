/// A failure to read something WeCom sent, with a stable code for the quarantine and a message that says what to do.
///
/// Errors carry context (seq, msgid, key version) but never message plaintext or key material.
public struct WeComError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable, machine-readable reason (`rsa-decrypt-failed`, `unknown-key-version`, …).
    public var code: Code
    /// Human-readable detail that names the next step.
    public var message: String
    /// The Finance SDK's return code, when the failure came from the SDK (10000–10011).
    public var sdkCode: Int?

    public init(_ code: Code, _ message: String, sdkCode: Int? = nil) {
        self.code = code
        self.message = message
        self.sdkCode = sdkCode
    }

    /// Network, parse and system failures of the SDK (10001–10003) are worth retrying; nothing else is.
    public var isRetryable: Bool { sdkCode.map { (10001...10003).contains($0) } ?? false }

    public var description: String { "\(code.rawValue): \(message)" }

    /// The reasons an envelope or message can be refused.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case invalidBase64 = "invalid-base64"
        case unknownKeyVersion = "unknown-key-version"
        case rsaDecryptFailed = "rsa-decrypt-failed"
        case envelopeMalformed = "envelope-malformed"
        case envelopeDecryptFailed = "envelope-decrypt-failed"
        case oversized = "oversized"
        case invalidJSON = "invalid-json"
        case missingField = "missing-field"
        /// A field holds a value no real message can have (a msgtime before 1970 or after 9999).
        case outOfRange = "out-of-range"
        case invalidKey = "invalid-key"
        case sdkError = "sdk-error"
        case sdkCrashed = "sdk-crashed"
        case apiError = "api-error"
        case mediaFailed = "media-failed"
        case callbackInvalid = "callback-invalid"
    }
}
