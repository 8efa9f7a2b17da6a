/// RFC 3161 time-stamp requests and responses, just the parts a client needs (DER, hand-encoded).
public enum TimestampProtocol {
    /// sha256: 2.16.840.1.101.3.4.2.1
    static let sha256AlgorithmIdentifier: [UInt8] = [0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00]

    /// A `TimeStampReq` (v1) for a SHA-256 digest, with a nonce, asking for the TSA's certificate.
    public static func request(sha256 digest: [UInt8], nonce: UInt64) -> [UInt8] {
        precondition(digest.count == 32)
        let imprint = tlv(0x30, sha256AlgorithmIdentifier + tlv(0x04, digest))
        var nonceBytes = (0..<8).map { UInt8(truncatingIfNeeded: nonce >> UInt64(56 - 8 * $0)) }
        while nonceBytes.count > 1 && nonceBytes[0] == 0 && nonceBytes[1] < 0x80 { nonceBytes.removeFirst() }
        if nonceBytes[0] >= 0x80 { nonceBytes.insert(0, at: 0) }
        return tlv(0x30, tlv(0x02, [1]) + imprint + tlv(0x02, nonceBytes) + tlv(0x01, [0xFF]))
    }

    /// The `timeStampToken` (a CMS ContentInfo, DER) of a `TimeStampResp`.
    /// - Throws: ``LedgerError`` when the TSA refused or the answer is not a time-stamp response.
    public static func token(fromResponse der: [UInt8]) throws -> [UInt8] {
        var outer = DERReader(der)
        guard let response = outer.next(), response.tag == 0x30 else { throw LedgerError("the TSA answer is not a TimeStampResp") }
        var fields = DERReader(response.content)
        guard let status = fields.next(), status.tag == 0x30 else { throw LedgerError("the TSA answer has no status") }
        var statusFields = DERReader(status.content)
        guard let code = statusFields.next(), code.tag == 0x02, let value = code.content.last, code.content.count == 1 else {
            throw LedgerError("the TSA answer has no status code")
        }
        guard value == 0 || value == 1 else { throw LedgerError("the TSA refused the request (PKIStatus \(value))") }
        guard let token = fields.next(), token.tag == 0x30 else { throw LedgerError("the TSA granted but sent no token") }
        return token.encoded
    }

    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [tag]
        if content.count < 0x80 {
            out.append(UInt8(content.count))
        } else {
            var length = content.count
            var bytes: [UInt8] = []
            while length > 0 {
                bytes.insert(UInt8(length & 0xFF), at: 0)
                length >>= 8
            }
            out.append(0x80 | UInt8(bytes.count))
            out += bytes
        }
        return out + content
    }

    struct DERReader {
        struct Element {
            var tag: UInt8
            var content: [UInt8]
            var encoded: [UInt8]
        }

        let bytes: [UInt8]
        var index = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }

        mutating func next() -> Element? {
            let start = index
            guard index + 2 <= bytes.count else { return nil }
            let tag = bytes[index]
            var length = Int(bytes[index + 1])
            index += 2
            if length & 0x80 != 0 {
                let count = length & 0x7F
                guard count > 0, count <= 4, index + count <= bytes.count else { return nil }
                length = bytes[index..<index + count].reduce(0) { $0 << 8 | Int($1) }
                index += count
            }
            guard length >= 0, index + length <= bytes.count else { return nil }
            defer { index += length }
            return Element(tag: tag, content: Array(bytes[index..<index + length]), encoded: Array(bytes[start..<index + length]))
        }
    }
}
