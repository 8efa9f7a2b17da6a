import Foundation
import Ledger
import WeCom

/// An RFC 3161 time-stamp authority: third-party notarization of checkpoints.
public struct TimestampAuthority: Sendable {
    public var url: URL
    public var transport: any HTTPTransport

    public init(url: URL, transport: any HTTPTransport = URLSessionTransport(timeoutSeconds: 15)) {
        self.url = url
        self.transport = transport
    }

    /// Asks the TSA to time-stamp a SHA-256 digest; returns the token (DER).
    /// - Throws: ``LedgerError`` when the TSA is unreachable, refuses, or answers something else.
    public func timestamp(sha256 digest: [UInt8]) async throws -> [UInt8] {
        let request = TimestampProtocol.request(sha256: digest, nonce: UInt64.random(in: 1...UInt64.max))
        let (status, body): (Int, [UInt8])
        do {
            (status, body) = try await transport.send(method: "POST", url: url, body: request, contentType: "application/timestamp-query")
        } catch {
            throw LedgerError("the time-stamp authority at \(SecretRedaction.redact(url)) is unreachable: \(SecretRedaction.redact("\(error)"))")
        }
        guard status == 200 else { throw LedgerError("the time-stamp authority at \(SecretRedaction.redact(url)) answered HTTP \(status)") }
        return try TimestampProtocol.token(fromResponse: body)
    }
}
