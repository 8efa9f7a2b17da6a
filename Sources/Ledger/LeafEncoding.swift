/// The canonical bytes of each kind of ledger leaf (docs/ledger.md). Leaf hash = SHA-256(0x00 ‖ bytes).
///
/// Every variable-length field is length-prefixed (u32 big-endian), so no two different records share an
/// encoding; the first line names the kind and version, so a verifier can tell records apart.
public enum LeafEncoding {
    public static let messagePrefix = Array("chatledger.message.v1\n".utf8)
    public static let mediaPrefix = Array("chatledger.media.v1\n".utf8)
    public static let auditPrefix = Array("chatledger.audit.v1\n".utf8)

    /// An archived message: seq, msgid and the decrypted JSON exactly as received.
    public static func message(seq: UInt64, msgid: String, raw: [UInt8]) -> [UInt8] {
        var out = messagePrefix
        out.reserveCapacity(out.count + 16 + msgid.utf8.count + raw.count)
        append(seq, to: &out)
        appendField(Array(msgid.utf8), to: &out)
        appendField(raw, to: &out)
        return out
    }

    /// An attachment bound to its message: the msgid, WeCom's sdkfileid, and the SHA-256 and size of the bytes.
    public static func media(msgid: String, sdkFileID: String, sha256: [UInt8], size: UInt64) -> [UInt8] {
        var out = mediaPrefix
        appendField(Array(msgid.utf8), to: &out)
        appendField(Array(sdkFileID.utf8), to: &out)
        out += sha256
        append(size, to: &out)
        return out
    }

    /// An audit event (who looked at or changed what), as canonical JSON bytes.
    public static func audit(eventJSON: [UInt8]) -> [UInt8] {
        var out = auditPrefix
        appendField(eventJSON, to: &out)
        return out
    }

    /// What a leaf is, read back from its bytes (for `verify-proof` to show).
    public enum Decoded: Sendable, Hashable {
        case message(seq: UInt64, msgid: String, raw: [UInt8])
        case media(msgid: String, sdkFileID: String, sha256: [UInt8], size: UInt64)
        case audit(eventJSON: [UInt8])
    }

    public static func decode(_ bytes: [UInt8]) -> Decoded? {
        var reader = Reader(bytes: bytes)
        if bytes.starts(with: messagePrefix) {
            reader.index = messagePrefix.count
            guard let seq = reader.u64(), let msgid = reader.field(), let raw = reader.field(), reader.atEnd else { return nil }
            return .message(seq: seq, msgid: String(decoding: msgid, as: UTF8.self), raw: raw)
        }
        if bytes.starts(with: mediaPrefix) {
            reader.index = mediaPrefix.count
            guard let msgid = reader.field(), let fileID = reader.field(), let sha = reader.take(32), let size = reader.u64(),
                  reader.atEnd else { return nil }
            return .media(msgid: String(decoding: msgid, as: UTF8.self), sdkFileID: String(decoding: fileID, as: UTF8.self),
                          sha256: sha, size: size)
        }
        if bytes.starts(with: auditPrefix) {
            reader.index = auditPrefix.count
            guard let json = reader.field(), reader.atEnd else { return nil }
            return .audit(eventJSON: json)
        }
        return nil
    }

    static func append(_ value: UInt64, to out: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    static func appendField(_ field: [UInt8], to out: inout [UInt8]) {
        let count = UInt32(field.count)
        out += [UInt8(count >> 24), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)]
        out += field
    }

    struct Reader {
        let bytes: [UInt8]
        var index = 0
        var atEnd: Bool { index == bytes.count }

        mutating func take(_ count: Int) -> [UInt8]? {
            guard count >= 0, index + count <= bytes.count else { return nil }
            defer { index += count }
            return Array(bytes[index..<index + count])
        }

        mutating func u64() -> UInt64? { take(8)?.reduce(0) { $0 << 8 | UInt64($1) } }

        mutating func field() -> [UInt8]? {
            guard let length = take(4)?.reduce(0, { $0 << 8 | Int($1) }) else { return nil }
            return take(length)
        }
    }
}
