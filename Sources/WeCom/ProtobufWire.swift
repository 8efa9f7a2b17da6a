/// The few protobuf wire-format pieces the Finance SDK uses (varints and length-delimited fields).
///
/// Only proto2 `string`, `int32`, `uint32` and `uint64` fields occur in the SDK's messages.
public struct ProtobufReader {
    private let bytes: [UInt8]
    private var index = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Reads every field; varints as integers, length-delimited fields as bytes. Unknown wire types fail.
    public mutating func fields() throws(WeComError) -> [(number: Int, value: ProtobufField)] {
        var result: [(Int, ProtobufField)] = []
        while index < bytes.count {
            let key = try varint()
            let number = Int(key >> 3)
            switch key & 7 {
            case 0: result.append((number, .varint(try varint())))
            case 2:
                let length = Int(try varint())
                guard length >= 0, index + length <= bytes.count else {
                    throw WeComError(.envelopeMalformed, "protobuf field \(number) runs past the end")
                }
                result.append((number, .bytes(Array(bytes[index..<index + length]))))
                index += length
            case 5:
                guard index + 4 <= bytes.count else { throw WeComError(.envelopeMalformed, "truncated fixed32") }
                index += 4
            case 1:
                guard index + 8 <= bytes.count else { throw WeComError(.envelopeMalformed, "truncated fixed64") }
                index += 8
            default:
                throw WeComError(.envelopeMalformed, "protobuf wire type \(key & 7) is not expected here")
            }
        }
        return result
    }

    private mutating func varint() throws(WeComError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count, shift < 64 {
            let byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        throw WeComError(.envelopeMalformed, "truncated protobuf varint")
    }
}

/// One protobuf field value.
public enum ProtobufField: Sendable, Hashable {
    case varint(UInt64)
    case bytes([UInt8])

    var integer: Int64? { if case .varint(let v) = self { return Int64(truncatingIfNeeded: v) } else { return nil } }
    var string: String? { if case .bytes(let b) = self { return String(decoding: b, as: UTF8.self) } else { return nil } }
}

/// Writes the same subset of the protobuf wire format (used by the simulator to build envelopes).
public struct ProtobufWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func string(_ number: Int, _ value: String) { bytesField(number, Array(value.utf8)) }

    public mutating func bytesField(_ number: Int, _ value: [UInt8]) {
        varint(UInt64(number << 3 | 2))
        varint(UInt64(value.count))
        bytes += value
    }

    public mutating func integer(_ number: Int, _ value: Int64) {
        varint(UInt64(number << 3))
        varint(UInt64(bitPattern: value))
    }

    private mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }
}
